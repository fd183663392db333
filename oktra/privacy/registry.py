"""The personal-data registry: every table holding personal data declares itself here.

Export, erasure, retention jobs, the DPO's data map and section 7 of the published privacy
policy are generated from these declarations, so they cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from sqlalchemy import MetaData, Table

USER_TABLE = "user_account"


class Category(StrEnum):
    """Data categories, as section 2 of the policy names them."""

    ACCOUNT = "account"
    BROWSING = "browsing"
    ALERT = "alert"
    PAYMENT = "payment"
    CONSENT = "consent"
    SECURITY = "security"
    SUPPORT = "support"


class Erasure(StrEnum):
    """What erasing a user does to a row."""

    DELETE = "delete"
    ANONYMIZE = "anonymize"
    LEGAL_HOLD = "legal_hold"


@dataclass(frozen=True)
class PersonalData:
    """One table's declaration: category, link to the user, retention, export and erasure."""

    table: str
    category: Category
    user_link: str
    purpose: str
    retention: str
    retention_days: int | None
    erasure: Erasure
    export_columns: tuple[str, ...]
    anonymize_columns: tuple[str, ...] = field(default=())


REGISTRY: dict[str, PersonalData] = {}


def register(declaration: PersonalData) -> PersonalData:
    """Declare a table's personal data (called next to its model)."""
    existing = REGISTRY.get(declaration.table)
    if existing is not None and existing != declaration:
        msg = f"table {declaration.table} is registered twice with different declarations"
        raise ValueError(msg)
    REGISTRY[declaration.table] = declaration
    return declaration


def references_user(table: Table) -> bool:
    """Whether a table holds a reference to a user (a foreign key or a user id column)."""
    if table.name == USER_TABLE:
        return True
    for column in table.columns:
        if column.name == "user_id" or column.name.endswith("_user_id"):
            return True
        if any(fk.column.table.name == USER_TABLE for fk in column.foreign_keys):
            return True
    return False


def unregistered_user_tables(metadata: MetaData) -> list[str]:
    """Tables that reference a user but have no registry declaration."""
    return sorted(
        name
        for name, table in metadata.tables.items()
        if references_user(table) and name not in REGISTRY
    )


def declarations_by_category() -> dict[Category, list[PersonalData]]:
    """The registry grouped by category, in the policy's order."""
    grouped: dict[Category, list[PersonalData]] = {}
    for category in Category:
        rows = sorted(
            (d for d in REGISTRY.values() if d.category == category), key=lambda d: d.table
        )
        if rows:
            grouped[category] = rows
    return grouped
