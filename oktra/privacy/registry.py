"""The personal-data registry: every table holding personal data declares itself here.

Export, erasure, retention jobs, the DPO's data map and section 7 of the published privacy
policy are generated from these declarations, so they cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from sqlalchemy import ColumnElement, MetaData, Table

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


class Clock(StrEnum):
    """Where a retention period starts counting (docs/retention.md)."""

    ROW = "row"
    END = "end"
    SUPERSEDED = "superseded"


RowTest = Callable[[Table, datetime], ColumnElement[bool]]


@dataclass(frozen=True)
class PersonalData:
    """One table's declaration: category, link to the user, retention, export and erasure.

    Retention: `retention_days` counted from `retention_column`, which holds the row's own time
    (Clock.ROW) or the end of something, empty while it lasts (Clock.END: a closure, an answer).
    Clock.SUPERSEDED counts from the time of a newer row of the same person and the same
    `retention_group` values, or from the account's erasure. `retention_when` is a further
    condition a row must meet to go (a settled email, an ended session). No column and no
    condition: kept as long as the account, then handled by the erasure.
    """

    table: str
    category: Category
    user_link: str
    purpose: str
    retention: str
    retention_days: int | None
    erasure: Erasure
    export_columns: tuple[str, ...]
    anonymize_columns: tuple[str, ...] = field(default=())
    retention_column: str | None = None
    retention_clock: Clock = Clock.ROW
    retention_group: tuple[str, ...] = field(default=())
    retention_when: RowTest | None = None


@dataclass(frozen=True)
class AnonymousData:
    """A table naming nobody (audience measurement) that is still kept only for a while."""

    table: str
    purpose: str
    retention: str
    retention_days: int
    retention_column: str
    retention_clock: Clock = Clock.ROW
    retention_group: tuple[str, ...] = field(default=())
    retention_when: RowTest | None = None


REGISTRY: dict[str, PersonalData] = {}
ANONYMOUS: dict[str, AnonymousData] = {}


def register(declaration: PersonalData) -> PersonalData:
    """Declare a table's personal data (called next to its model)."""
    existing = REGISTRY.get(declaration.table)
    if existing is not None and existing != declaration:
        msg = f"table {declaration.table} is registered twice with different declarations"
        raise ValueError(msg)
    REGISTRY[declaration.table] = declaration
    return declaration


def register_anonymous(declaration: AnonymousData) -> AnonymousData:
    """Declare the retention of a table that holds no personal data (called next to its model)."""
    existing = ANONYMOUS.get(declaration.table)
    if existing is not None and existing != declaration:
        msg = f"table {declaration.table} is registered twice with different declarations"
        raise ValueError(msg)
    ANONYMOUS[declaration.table] = declaration
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
