"""Retention: every registry rule keeps a row a day before its end and deletes it a day after, in
batches, idempotently; a dry run deletes nothing; closed accounts are erased after 30 days."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import event, func, select

from oktra import cli
from oktra.accounts.models import User
from oktra.db import session_scope
from oktra.jobs import all_jobs, find_job
from oktra.models import METADATA
from oktra.privacy import erasure, retention
from oktra.privacy.registry import ANONYMOUS, REGISTRY, USER_TABLE, Clock
from tests.unit.privacy.rights_data import insert_row, make_person

NOW = datetime(2031, 6, 15, 2, 0, tzinfo=UTC)
DAY = timedelta(days=1)
# Rows a rule only takes when they meet its further condition.
SETTLED = {"email_message": {"status": "sent"}}
# Rules with their own tests below (an ended session, a replaced consent).
OWN_TESTS = {"auth_session", "consent_record"}
TIMED_RULES = sorted(d.table for d in retention.purge_rules() if d.table not in OWN_TESTS)
# Declarations with a number of days that this engine does not apply, and who does.
APPLIED_ELSEWHERE = {USER_TABLE: "erased by erase_closed_accounts", "data_export": "purge_exports"}


def _person(session, number: int = 1):
    return make_person(
        session,
        name=f"Person {number}",
        email=f"person{number}@example.ma",
        phone=f"06000000{number:02d}",
        when=NOW - timedelta(days=4000),
    )


def _count(session, table: str) -> int:
    return session.execute(select(func.count()).select_from(METADATA.tables[table])).scalar_one()


def _rule(table: str):
    return REGISTRY.get(table) or ANONYMOUS[table]


def _ids(session, table: str) -> set[int]:
    return set(session.execute(select(METADATA.tables[table].c.id)).scalars())


def _purged(session, table: str, now: datetime, **options) -> int:
    counts = retention.purge_table(session=session, declaration=_rule(table), now=now, **options)
    return counts[table]


def _expiring_row(session, person, table: str, *, days_left: int) -> int:
    """A row of the table whose retention ends `days_left` days from NOW."""
    rule = _rule(table)
    when = NOW - timedelta(days=rule.retention_days - days_left)
    return insert_row(
        session, table, person, when, **{rule.retention_column: when}, **SETTLED.get(table, {})
    )


@pytest.mark.parametrize("table", TIMED_RULES)
def test_a_row_is_kept_a_day_before_its_retention_ends_and_deleted_a_day_after(session, table):
    person = _person(session)
    kept = _expiring_row(session, person, table, days_left=1)
    gone = _expiring_row(session, person, table, days_left=-1)
    session.commit()
    assert _purged(session, table, NOW) == 1
    assert kept in _ids(session, table)
    assert gone not in _ids(session, table)


def test_a_request_still_open_is_kept_however_old(session):
    person = _person(session)
    insert_row(session, "dpo_request", person, NOW - timedelta(days=4000), closed_at=None)
    assert _purged(session, "dpo_request", NOW) == 0


def test_a_closed_request_goes_with_its_steps(session):
    person = _person(session)
    request_id = _expiring_row(session, person, "dpo_request", days_left=-1)
    for _ in range(2):
        insert_row(session, "dpo_request_event", person, NOW, request_id=request_id)
    counts = retention.purge_table(session=session, declaration=REGISTRY["dpo_request"], now=NOW)
    assert counts == {"dpo_request": 1, "dpo_request_event": 2}


def _consent(session, person, *, purpose: str, at: datetime, user: bool = True) -> int:
    return insert_row(
        session,
        "consent_record",
        person,
        at,
        purpose=purpose,
        created_at=at,
        visitor_hash=f"visitor-{person.user_id}",
        user_id=person.user_id if user else None,
    )


def test_a_consent_proof_is_kept_five_years_after_a_newer_choice_replaced_it(session):
    person = _person(session)
    first = NOW - timedelta(days=3000)
    replaced_at = first + timedelta(days=10)
    old = _consent(session, person, purpose="analytics", at=first)
    newer = _consent(session, person, purpose="analytics", at=replaced_at)
    other = _consent(session, person, purpose="product_news", at=first)
    visitor_old = _consent(session, person, purpose="functional", at=first, user=False)
    visitor_new = _consent(session, person, purpose="functional", at=replaced_at, user=False)
    session.commit()
    rule = REGISTRY["consent_record"]
    end = replaced_at + timedelta(days=rule.retention_days)
    assert _purged(session, "consent_record", end - DAY) == 0
    assert _purged(session, "consent_record", end + DAY) == 2
    assert _ids(session, "consent_record") == {newer, other, visitor_new}
    assert {old, visitor_old} & _ids(session, "consent_record") == set()


def test_the_consent_proofs_of_an_erased_account_go_five_years_after_the_erasure(session):
    person = _person(session)
    erased_at = NOW - timedelta(days=2000)
    proof = _consent(session, person, purpose="analytics", at=erased_at - timedelta(days=900))
    session.commit()
    erasure.erase_account(session=session, user_id=person.user_id, now=erased_at, reason="test")
    rule = REGISTRY["consent_record"]
    end = erased_at + timedelta(days=rule.retention_days)
    assert _purged(session, "consent_record", end - DAY) == 0
    assert _purged(session, "consent_record", end + DAY, dry_run=True) == 1
    assert proof in _ids(session, "consent_record")
    assert _purged(session, "consent_record", end + DAY) == 1
    assert proof not in _ids(session, "consent_record")


def test_a_closed_account_is_erased_thirty_days_after_its_closure(session):
    kept = _person(session, 1)
    erased = _person(session, 2)
    session.get(User, kept.user_id).closed_at = NOW - timedelta(days=29)
    session.get(User, erased.user_id).closed_at = NOW - timedelta(days=31)
    session.commit()
    assert retention.erase_closed_accounts(session=session, now=NOW) == 1
    session.expire_all()
    assert erasure.is_erased(session.get(User, erased.user_id))
    assert not erasure.is_erased(session.get(User, kept.user_id))
    assert retention.erase_closed_accounts(session=session, now=NOW) == 0


def _expired_everywhere(session) -> dict[str, int]:
    person = _person(session)
    for table in TIMED_RULES:
        _expiring_row(session, person, table, days_left=-1)
    _expiring_row(session, person, "security_event", days_left=5)
    session.get(User, _person(session, 2).user_id).closed_at = NOW - timedelta(days=31)
    session.commit()
    return {table: _count(session, table) for table in TIMED_RULES}


def test_a_dry_run_counts_per_table_and_deletes_nothing(session):
    before = _expired_everywhere(session)
    report = retention.run_retention(session=session, now=NOW, dry_run=True)
    assert {table: report.deleted[table] for table in TIMED_RULES} == dict.fromkeys(TIMED_RULES, 1)
    assert report.erased == 1
    session.expire_all()
    assert {table: _count(session, table) for table in TIMED_RULES} == before
    assert retention.closed_accounts_due(session=session, now=NOW) != []


def test_a_second_run_deletes_nothing(session):
    _expired_everywhere(session)
    first = retention.run_retention(session=session, now=NOW)
    assert all(first.deleted[table] >= 1 for table in TIMED_RULES)
    assert first.erased == 1
    second = retention.run_retention(session=session, now=NOW)
    assert sum(second.deleted.values()) == 0
    assert second.counts() == {"accounts_warned": 0, "accounts_closed": 0, "accounts_erased": 0}
    assert _count(session, "security_event") == 1


def test_rows_go_in_batches_of_the_given_size(session, engine):
    person = _person(session)
    for _ in range(12):
        _expiring_row(session, person, "security_event", days_left=-1)
    session.commit()
    deletes = []

    def spy(_conn, _cursor, statement, *_rest) -> None:
        if statement.lstrip().upper().startswith("DELETE FROM SECURITY_EVENT"):
            deletes.append(statement)

    event.listen(engine, "before_cursor_execute", spy)
    try:
        counts = retention.purge_table(
            session=session, declaration=REGISTRY["security_event"], now=NOW, batch_size=5
        )
    finally:
        event.remove(engine, "before_cursor_execute", spy)
    assert counts == {"security_event": 12}
    assert len(deletes) == 3
    assert _count(session, "security_event") == 0


def test_the_nightly_retention_job_replaces_the_old_purge_jobs():
    names = {spec.name for spec in all_jobs()}
    assert "retention" in names
    old = {"purge_alert_matches", "purge_emails", "purge_security_events", "purge_audit_events"}
    assert not (old | {"purge_sessions"}) & names
    assert "hour='3'" in str(find_job("retention").trigger)  # nightly, 03:40 in Morocco


UNITS = {"day": 1, "days": 1, "year": 365, "years": 365}


def _days_in(text: str) -> int | None:
    found = re.search(r"(\d+) (days?|months?|years?)", text)
    if found is None:
        return None
    number, unit = int(found.group(1)), found.group(2)
    if unit.startswith("month"):
        return round(number * 365.25 / 12)
    return number * UNITS[unit]


@pytest.mark.parametrize(
    "declaration",
    [*REGISTRY.values(), *ANONYMOUS.values()],
    ids=lambda d: d.table,
)
def test_each_published_retention_text_says_the_days_its_rule_applies(declaration):
    assert _days_in(declaration.retention) == declaration.retention_days
    if declaration.retention_clock in (Clock.END, Clock.SUPERSEDED):
        assert " after " in declaration.retention
    table = METADATA.tables[declaration.table]
    names = [declaration.retention_column, *declaration.retention_group]
    assert {name for name in names if name} <= set(table.columns.keys())


def test_every_declaration_with_a_limit_has_a_rule_the_engine_applies():
    ruled = {d.table for d in retention.purge_rules()}
    limited = {d.table for d in [*REGISTRY.values(), *ANONYMOUS.values()] if d.retention_days}
    assert limited - ruled == set(APPLIED_ELSEWHERE)


def test_the_command_prints_what_a_dry_run_would_delete_and_deletes_nothing(engine, capsys):
    with session_scope(engine) as session:
        person = _person(session)
        _expiring_row(session, person, "security_event", days_left=-1)
    with time_machine.travel(NOW, tick=False):
        assert cli.main(["retention", "run", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "security_event           would delete 1" in out
    with session_scope(engine) as session:
        assert _count(session, "security_event") == 1
