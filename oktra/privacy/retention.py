"""Retention (Reflex-free): one engine deletes what the registry says is past its time.

Every rule comes from a declaration (oktra/privacy/registry.py): a number of days counted from a
column (the row's time, or the end of something) or from a newer row replacing it, with an
optional further condition. Rows go in batches: the next ids that match, in id order, then one
DELETE of the matching rows between the first and the last of them (no list of ids to send) and
a commit, so no lock is held for long on SQLite or PostgreSQL and each batch starts where the
last one ended; a second run finds nothing left. Rows of other
tables pointing at a deleted row (a request's steps) go with it. Closed accounts past their grace
period are erased through the erasure service, never deleted here; the proofs an erasure kept on
hold (its tombstone lists them) count their time from the erasure. docs/retention.md.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Table, and_, delete, exists, func, or_, select
from sqlmodel import Session

from oktra.core.errors import OktraError
from oktra.models import METADATA
from oktra.privacy import inactivity
from oktra.privacy.erasure import ERASED_DOMAIN, erase_account
from oktra.privacy.registry import (
    ANONYMOUS,
    REGISTRY,
    USER_TABLE,
    AnonymousData,
    Clock,
    PersonalData,
)
from oktra.privacy.rights_models import ErasureTombstone

logger = logging.getLogger(__name__)

BATCH_SIZE = 5000
VISITOR_COLUMN = "visitor_hash"

Declaration = PersonalData | AnonymousData


@dataclass
class RetentionReport:
    """What a run deleted (or, in a dry run, would delete), per table, and the accounts it
    warned, closed and erased."""

    dry_run: bool
    deleted: dict[str, int] = field(default_factory=dict)
    warned: int = 0
    closed: int = 0
    erased: int = 0

    def counts(self) -> dict[str, int]:
        """The figures as one flat mapping, as job runs record them."""
        return {
            **{table: count for table, count in sorted(self.deleted.items()) if count},
            "accounts_warned": self.warned,
            "accounts_closed": self.closed,
            "accounts_erased": self.erased,
        }


def purge_rules() -> list[Declaration]:
    """The declarations with a time limit that the engine deletes by, a table that refers to
    another before it (an invoice before its order), so one run frees what it can."""
    declarations: list[Declaration] = [*REGISTRY.values(), *ANONYMOUS.values()]
    order = {table.name: index for index, table in enumerate(METADATA.sorted_tables)}
    return sorted(
        (
            d
            for d in declarations
            if d.table != USER_TABLE
            and d.retention_days is not None
            and (d.retention_column is not None or d.retention_when is not None)
        ),
        key=lambda d: (-order[d.table], d.table),
    )


def _user_link(declaration: Declaration) -> str | None:
    return declaration.user_link if isinstance(declaration, PersonalData) else None


def _superseded(table: Table, declaration: Declaration, cutoff: datetime) -> ColumnElement[bool]:
    """A newer row of the same person (account, else browser) and group, older than the
    cutoff, replaced this one."""
    newer = table.alias("newer")
    column = declaration.retention_column
    conditions = [newer.c.id > table.c.id, newer.c[column] < cutoff]
    conditions += [newer.c[name] == table.c[name] for name in declaration.retention_group]
    people = []
    link = _user_link(declaration)
    if link is not None:
        people.append(and_(table.c[link].is_not(None), newer.c[link] == table.c[link]))
    if VISITOR_COLUMN in table.c:
        people.append(
            and_(
                *([table.c[link].is_(None)] if link is not None else []),
                table.c[VISITOR_COLUMN].is_not(None),
                newer.c[VISITOR_COLUMN] == table.c[VISITOR_COLUMN],
            )
        )
    return exists().where(*conditions, or_(*people))


def held_by_erasures(*, session: Session, table: str, before: datetime) -> list[int]:
    """Ids of a table's rows that erasures before this time kept on hold (their tombstones)."""
    tombstones = session.execute(
        select(ErasureTombstone.summary).where(ErasureTombstone.erased_at < before)
    ).scalars()
    held = (summary.get("held", {}).get(table, []) for summary in tombstones)
    return sorted({int(row_id) for ids in held for row_id in ids})


def expired(*, declaration: Declaration, now: datetime) -> ColumnElement[bool]:
    """The SQL condition of the rows of a declaration's table that are past their retention."""
    table = METADATA.tables[declaration.table]
    cutoff = now - timedelta(days=declaration.retention_days)
    conditions: list[ColumnElement[bool]] = []
    column = declaration.retention_column
    if column is not None and declaration.retention_clock == Clock.SUPERSEDED:
        conditions.append(_superseded(table, declaration, cutoff))
    elif column is not None:
        conditions.append(table.c[column] < cutoff)
    if declaration.retention_when is not None:
        conditions.append(declaration.retention_when(table, now))
    return and_(*conditions)


def _children(table: Table) -> list[tuple[Table, str]]:
    """Tables whose foreign key points at this table's rows: they go with them."""
    found = []
    for other in METADATA.sorted_tables:
        for column in other.columns:
            if any(fk.column is table.c.id for fk in column.foreign_keys):
                found.append((other, column.name))
    return found


def _count(session: Session, table: Table, condition: ColumnElement[bool]) -> int:
    return session.execute(select(func.count()).select_from(table).where(condition)).scalar_one()


def purge_table(
    *,
    session: Session,
    declaration: Declaration,
    now: datetime,
    batch_size: int = BATCH_SIZE,
    dry_run: bool = False,
) -> dict[str, int]:
    """Delete one table's expired rows (and the rows pointing at them) batch by batch."""
    table = METADATA.tables[declaration.table]
    condition = expired(declaration=declaration, now=now)
    children = _children(table)
    counts = {table.name: 0, **{child.name: 0 for child, _ in children}}
    held = []
    if declaration.retention_clock == Clock.SUPERSEDED:
        cutoff = now - timedelta(days=declaration.retention_days)
        held = held_by_erasures(session=session, table=table.name, before=cutoff)
    if dry_run:
        doomed = select(table.c.id).where(condition)
        for child, column in children:
            counts[child.name] += _count(session, child, child.c[column].in_(doomed))
        counts[table.name] = _count(session, table, condition)
        for start in range(0, len(held), batch_size):
            chunk = held[start : start + batch_size]
            counts[table.name] += _count(session, table, table.c.id.in_(chunk) & ~condition)
        return counts
    for start in range(0, len(held), batch_size):
        chunk = table.c.id.in_(held[start : start + batch_size])
        _delete_batch(session, table, children, chunk, counts)
    after = None
    while True:
        query = select(table.c.id).where(condition)
        if after is not None:
            query = query.where(table.c.id > after)
        ids = list(session.execute(query.order_by(table.c.id).limit(batch_size)).scalars())
        if ids:
            batch = and_(table.c.id >= ids[0], table.c.id <= ids[-1], condition)
            _delete_batch(session, table, children, batch, counts)
            after = ids[-1]
        if len(ids) < batch_size:
            return counts


def _delete_batch(
    session: Session,
    table: Table,
    children: list[tuple[Table, str]],
    rows: ColumnElement[bool],
    counts: dict[str, int],
) -> None:
    """One batch: the rows pointing at these rows, then the rows, then a commit."""
    for child, column in children:
        doomed = select(table.c.id).where(rows)
        result = session.execute(delete(child).where(child.c[column].in_(doomed)))
        counts[child.name] += result.rowcount or 0
    counts[table.name] += session.execute(delete(table).where(rows)).rowcount
    session.commit()


def closed_accounts_due(*, session: Session, now: datetime) -> list[int]:
    """Accounts closed longer than their grace period and not erased yet."""
    users = METADATA.tables[USER_TABLE]
    declaration = REGISTRY[USER_TABLE]
    cutoff = now - timedelta(days=declaration.retention_days or 0)
    erased = users.c.email.startswith("erased-") & users.c.email.endswith(ERASED_DOMAIN)
    query = select(users.c.id).where(users.c[declaration.retention_column] < cutoff, ~erased)
    return list(session.execute(query.order_by(users.c.id)).scalars())


def erase_closed_accounts(*, session: Session, now: datetime, dry_run: bool = False) -> int:
    """Erase the accounts closed longer than the registry's grace period, one commit each; an
    account the provider could not delete is logged and tried again the next night."""
    due = closed_accounts_due(session=session, now=now)
    if dry_run:
        return len(due)
    erased = 0
    for user_id in due:
        try:
            erase_account(session=session, user_id=user_id, now=now, reason="retention")
        except OktraError:
            logger.exception("retention could not erase account %s", user_id)
            session.rollback()
            continue
        erased += 1
    return erased


def run_retention(
    *, session: Session, now: datetime, dry_run: bool = False, batch_size: int = BATCH_SIZE
) -> RetentionReport:
    """Warn and close inactive accounts, erase closed ones past their grace, delete every
    table's expired rows; a dry run only counts."""
    report = RetentionReport(dry_run=dry_run)
    activity = inactivity.run_inactivity(session=session, now=now, dry_run=dry_run)
    report.warned, report.closed = activity["warned"], activity["closed"]
    if not dry_run:
        session.commit()
    report.erased = erase_closed_accounts(session=session, now=now, dry_run=dry_run)
    for declaration in purge_rules():
        counts = purge_table(
            session=session,
            declaration=declaration,
            now=now,
            batch_size=batch_size,
            dry_run=dry_run,
        )
        for table, count in counts.items():
            report.deleted[table] = report.deleted.get(table, 0) + count
    logger.info("retention %s: %s", "dry run" if dry_run else "run", report.counts())
    return report


def retention_job(*, session: Session, now: datetime) -> dict[str, int]:
    """The nightly retention job: every rule of the registry, in batches."""
    return run_retention(session=session, now=now).counts()
