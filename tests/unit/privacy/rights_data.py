"""A user with data in every registered table, written generically from the registry and the
table definitions (the erasure, export and access tests, and bench/rights.py, use it).

Personal markers (the user's name, email and phone) go where the registry says personal data
may be: every text column of a table erased by deletion, the declared anonymized columns of an
anonymized table, the exported columns of a table kept under a legal hold. Other columns get
neutral codes. Parent rows (a tender, a staff member, a policy version) are made the same way.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Integer,
    Numeric,
    String,
    Table,
    Text,
    insert,
    select,
)
from sqlalchemy.types import TypeDecorator

from oktra.accounts.models import User
from oktra.models import METADATA
from oktra.privacy.registry import REGISTRY, USER_TABLE, Erasure

_serial = itertools.count(1)


@dataclass(frozen=True)
class Person:
    """Who the rows are about: the values the erasure must make disappear."""

    user_id: int
    email: str
    full_name: str
    phone: str

    def needles(self) -> tuple[str, ...]:
        """What must not be found anywhere after the erasure (compared case-insensitively)."""
        return (self.email.lower(), self.full_name.lower(), self.phone)


def make_person(session, *, name: str, email: str, phone: str, when: datetime) -> Person:
    """A customer account holding a name, an email and a phone."""
    user = User(
        email=email,
        full_name=name,
        phone=phone,
        company_name=f"{name} SARL",
        email_verified_at=when,
        created_at=when,
        updated_at=when,
        password_changed_at=when,
    )
    session.add(user)
    session.flush()
    return Person(user_id=user.id, email=email, full_name=name, phone=phone)


def _kind(column) -> type:
    kind = column.type
    if isinstance(kind, TypeDecorator):
        kind = kind.impl_instance
    return type(kind)


def _personal_columns(table: Table) -> set[str]:
    declaration = REGISTRY.get(table.name)
    if declaration is None:
        return set()
    if declaration.erasure == Erasure.DELETE:
        return {column.name for column in table.columns}
    if declaration.erasure == Erasure.ANONYMIZE:
        return set(declaration.anonymize_columns)
    return set(declaration.export_columns)


def _value(column, person: Person, personal: bool, when: datetime) -> object:
    number = next(_serial)
    kind = _kind(column)
    if issubclass(kind, DateTime):
        return when
    if issubclass(kind, Date):
        return when.date() - timedelta(days=number)
    if issubclass(kind, Boolean):
        return True
    if issubclass(kind, Numeric):
        return Decimal(number)
    if issubclass(kind, Integer):
        return number
    if issubclass(kind, JSON):
        return {"note": f"{person.full_name} {person.email} {person.phone}"} if personal else {}
    if issubclass(kind, String | Text):
        text = (
            f"#{number} {person.full_name} {person.email} {person.phone}"
            if personal
            else (f"c{number}")
        )
        length = getattr(column.type, "length", None)
        return text[:length] if length else text
    raise TypeError(f"no test value for {column.table.name}.{column.name} ({kind})")


def insert_row(session, table_name: str, person: Person, when: datetime, **fixed) -> int:
    """One row of a table, every column filled; its foreign keys point at rows made likewise
    (the person's own rows for registered tables, their account for a user link)."""
    table = METADATA.tables[table_name]
    personal = _personal_columns(table)
    declaration = REGISTRY.get(table_name)
    row: dict[str, object] = {}
    for column in table.columns:
        if column.primary_key or column.name in fixed:
            continue
        if declaration is not None and column.name == declaration.user_link:
            row[column.name] = person.user_id
            continue
        targets = [fk.column.table.name for fk in column.foreign_keys]
        if targets and targets[0] == USER_TABLE:
            row[column.name] = person.user_id
        elif targets:
            row[column.name] = insert_row(session, targets[0], person, when)
        else:
            row[column.name] = _value(column, person, column.name in personal, when)
    row.update(fixed)
    return session.execute(insert(table).values(row).returning(table.c.id)).scalar_one()


def populate(session, person: Person, when: datetime) -> None:
    """One row linked to the person in every registered table (the account row exists)."""
    for name in sorted(REGISTRY):
        if name != USER_TABLE:
            insert_row(session, name, person, when)
    session.flush()


def text_columns(table: Table) -> list:
    """The columns of a table that can hold text: strings, texts, JSON documents."""
    return [
        column
        for column in table.columns
        if issubclass(_kind(column), String | Text | JSON) and not column.primary_key
    ]


def find_traces(session, needles: tuple[str, ...]) -> set[tuple[str, str]]:
    """(table, column) of every text, string or JSON value of the whole schema containing one
    of the needles."""
    found = set()
    for table in METADATA.sorted_tables:
        columns = text_columns(table)
        if not columns:
            continue
        for row in session.execute(select(*columns)).all():
            for column, value in zip(columns, row, strict=True):
                text = str(value).lower() if value is not None else ""
                if any(needle in text for needle in needles):
                    found.add((table.name, column.name))
    return found


def rows_linked(session, user_id: int) -> dict[str, list[tuple]]:
    """Every registered table's rows whose user link names the user, whole."""
    linked = {}
    for name, declaration in sorted(REGISTRY.items()):
        table = METADATA.tables[name]
        query = select(table).where(table.c[declaration.user_link] == user_id).order_by(table.c.id)
        linked[name] = [tuple(row) for row in session.execute(query).all()]
    return linked
