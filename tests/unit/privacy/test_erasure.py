"""Erasure: every registered table as declared, nothing that names the user left anywhere."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from oktra import cli
from oktra.accounts import passwords, sessions
from oktra.accounts.models import AuthSession, User
from oktra.admin import audit
from oktra.admin.models import AuditEvent, SecurityEvent, StaffMember
from oktra.admin.security import record_security_event, subject_hash
from oktra.core.errors import NotFoundError
from oktra.i18n import t
from oktra.integrations.firebase import UserNotFound
from oktra.integrations.ses import LocalOutbox
from oktra.models import METADATA
from oktra.notifications.models import EmailMessage
from oktra.notifications.service import enqueue_email, send_pending
from oktra.privacy import erasure
from oktra.privacy.models import ConsentRecord
from oktra.privacy.registry import REGISTRY, USER_TABLE, Erasure
from oktra.privacy.rights_models import ErasureTombstone
from oktra.privacy.service import PRODUCT_NEWS, record_consent
from tests.unit.privacy.rights_data import (
    find_traces,
    insert_row,
    make_person,
    populate,
    rows_linked,
)

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
BEFORE = NOW - timedelta(days=30)


@pytest.fixture
def person(session):
    """The account to erase."""
    return make_person(
        session,
        name="Zineb Erasmus-Alaoui",
        email="zineb.erasmus@example.ma",
        phone="0611223344",
        when=BEFORE,
    )


@pytest.fixture
def control(session):
    """Another account, which the erasure must not touch."""
    return make_person(
        session,
        name="Karim Control-Bennani",
        email="karim.control@example.ma",
        phone="0699887766",
        when=BEFORE,
    )


def legal_hold_fields() -> set[tuple[str, str]]:
    """The fields the registry keeps after an erasure: a legal hold's exported columns."""
    return {
        (name, column)
        for name, declaration in REGISTRY.items()
        if declaration.erasure == Erasure.LEGAL_HOLD
        for column in declaration.export_columns
    }


def deliver_and_purge(session) -> None:
    """The sender sends the receipt; the retention job then deletes it."""
    send_pending(session=session, now=NOW + timedelta(minutes=1), sender=LocalOutbox())
    erasure.purge_sent_receipts(session=session, now=NOW + timedelta(minutes=5))
    session.commit()


def erase(session, person, **extra):
    """Erase through the service, as the account page does."""
    return erasure.erase_account(
        session=session, user_id=person.user_id, now=NOW, reason="user request", **extra
    )


def test_erasure_leaves_no_trace_of_the_user_anywhere_in_the_schema(session, person, control):
    populate(session, person, BEFORE)
    populate(session, control, BEFORE)
    insert_row(session, "email_message", person, BEFORE, user_id=None, to_address=person.email)
    insert_row(session, "dpo_request", person, BEFORE, user_id=None, requester_email=person.email)
    session.commit()
    untouched = rows_linked(session, control.user_id)
    assert find_traces(session, person.needles())

    receipt = erase(session, person)
    deliver_and_purge(session)

    assert find_traces(session, person.needles()) <= legal_hold_fields()
    for name, rows in rows_linked(session, person.user_id).items():
        declaration = REGISTRY[name]
        link = METADATA.tables[name].c[declaration.user_link]
        keeps_link = name == USER_TABLE or (
            declaration.erasure == Erasure.LEGAL_HOLD and not link.nullable
        )
        assert not rows or keeps_link, name
    account = session.get(User, person.user_id)
    assert account.email == f"erased-{receipt.reference.lower()}@invalid"
    assert account.full_name == "Erased account"
    assert account.phone is None and account.company_name is None and account.closed_at == NOW
    assert rows_linked(session, control.user_id) == untouched
    assert set(receipt.summary) == set(REGISTRY)


def test_the_receipt_goes_to_the_address_before_erasure_and_is_then_purged(session, person):
    enqueue_email(
        session=session,
        kind="password_changed",
        to_address=person.email,
        lang="fr",
        context={"name": person.full_name},
        idempotency_key="pending-before-erasure",
        user_id=person.user_id,
    )

    receipt = erase(session, person)

    messages = session.exec(select(EmailMessage)).scalars().all()
    assert [(m.kind, m.to_address, m.user_id, m.status) for m in messages] == [
        ("deletion_receipt", person.email, None, "pending")
    ]
    assert receipt.reference in messages[0].text_body
    assert receipt.summary["email_message"] == {"deleted": 1, "cancelled": 1}
    deliver_and_purge(session)
    assert session.exec(select(EmailMessage)).scalars().all() == []


def test_every_session_of_the_user_ends(session, person):
    user = session.get(User, person.user_id)
    ticket = sessions.open_session(
        session=session, user=user, client=sessions.ClientInfo(), now=BEFORE
    )
    token = sessions.redeem_ticket(session=session, ticket=ticket, now=BEFORE)

    receipt = erase(session, person)

    assert sessions.session_for_token(session=session, token=token, now=NOW) is None
    assert session.exec(select(AuthSession)).scalars().all() == []
    assert receipt.summary["auth_session"] == {"deleted": 1, "revoked": 1}


def test_audit_and_security_events_name_the_user_only_by_a_keyed_hash(session, person):
    staff = session.get(StaffMember, insert_row(session, "staff_member", person, BEFORE))
    audit.record(
        session=session,
        staff=staff,
        action="read_user",
        reason="support ticket 12",
        now=BEFORE,
        user_id=person.user_id,
    )
    record_security_event(session=session, kind="signin_failed", now=BEFORE, user_id=person.user_id)

    erase(session, person)

    tombstone = session.exec(select(ErasureTombstone)).scalars().one()
    assert tombstone.email_hash == subject_hash(person.email)
    assert tombstone.subject_hash == erasure.user_subject_hash(person.user_id)
    for model in (AuditEvent, SecurityEvent):
        event = session.exec(select(model)).scalars().one()
        assert (event.user_id, event.subject_hash) == (None, tombstone.email_hash)


def test_consent_proofs_are_kept_without_the_user_link_and_listed_by_the_tombstone(session, person):
    record_consent(
        session=session,
        user_id=person.user_id,
        purpose=PRODUCT_NEWS,
        granted=True,
        lang="fr",
        ip_hash="a" * 64,
        user_agent="pytest",
    )
    session.flush()

    erase(session, person)

    proof = session.exec(select(ConsentRecord)).scalars().one()
    assert (proof.user_id, proof.granted, proof.ip_hash) == (None, True, "a" * 64)
    tombstone = session.exec(select(ErasureTombstone)).scalars().one()
    assert tombstone.summary["held"]["consent_record"] == [proof.id]
    assert tombstone.summary["reason"] == "user request"


def test_the_plan_lists_what_is_erased_and_what_is_kept_from_the_registry(session, person):
    plan = erasure.erasure_plan(session=session, user_id=person.user_id, lang="fr")

    held = [d for d in REGISTRY.values() if d.erasure == Erasure.LEGAL_HOLD]
    assert len(plan["kept"]) == len(held)
    assert len(plan["erased"]) == len(REGISTRY) - len(held)
    consent = t("fr", REGISTRY["consent_record"].purpose)
    assert consent != REGISTRY["consent_record"].purpose
    assert any(line.startswith(consent) for line in plan["kept"])
    assert t("fr", REGISTRY["saved_search"].purpose) in plan["erased"]


class FakeFirebase:
    """A Firebase client whose user deletion fails, succeeds or finds no user."""

    def __init__(self, outcome: Exception | None) -> None:
        self.outcome, self.deleted = outcome, []

    def delete_user(self, uid: str) -> None:
        """Delete, or fail as told."""
        self.deleted.append(uid)
        if self.outcome is not None:
            raise self.outcome


def with_firebase(monkeypatch, session, person, outcome: Exception | None) -> FakeFirebase:
    """Firebase as the provider, the account a Firebase user."""
    client = FakeFirebase(outcome)
    provider = passwords.FirebasePasswordProvider(client)
    monkeypatch.setattr(erasure, "provider_for", lambda _settings: provider)
    session.execute(
        update(User)
        .where(User.id == person.user_id)
        .values(auth_provider="firebase", external_id="firebase-uid-1")
    )
    return client


def test_a_firebase_failure_leaves_the_account_untouched(monkeypatch, session, person):
    populate(session, person, BEFORE)
    with_firebase(monkeypatch, session, person, RuntimeError("Firebase is down"))
    session.commit()
    before = rows_linked(session, person.user_id)

    with pytest.raises(erasure.ErasureError):
        erase(session, person)

    assert rows_linked(session, person.user_id) == before
    assert session.exec(select(ErasureTombstone)).scalars().all() == []


@pytest.mark.parametrize("outcome", [None, UserNotFound("USER_NOT_FOUND")])
def test_the_firebase_user_is_deleted_or_already_gone(monkeypatch, session, person, outcome):
    client = with_firebase(monkeypatch, session, person, outcome)

    erase(session, person)

    assert client.deleted == ["firebase-uid-1"]
    assert session.get(User, person.user_id).external_id is None


def test_an_erased_account_is_not_erased_twice(session, person):
    erase(session, person)
    with pytest.raises(NotFoundError):
        erase(session, person)


def test_tombstones_erase_again_the_accounts_a_restore_brought_back(session, person, control):
    populate(session, person, BEFORE)
    erase(session, person, notify=False)
    restored = {"email": person.email, "full_name": person.full_name, "phone": person.phone}
    session.execute(update(User).where(User.id == person.user_id).values(**restored))
    insert_row(session, "saved_search", person, BEFORE)
    session.commit()

    assert erasure.reapply_tombstones(session=session, now=NOW + timedelta(days=1)) == 1

    assert find_traces(session, person.needles()) <= legal_hold_fields()
    assert session.exec(select(ErasureTombstone)).scalars().one().summary["reapplied_at"]
    assert erasure.reapply_tombstones(session=session, now=NOW + timedelta(days=2)) == 0
    assert session.get(User, control.user_id).email == control.email


def test_the_same_address_restored_under_another_id_is_erased_but_a_new_signup_is_not(
    session, person
):
    erase(session, person, notify=False)
    restored = make_person(
        session, name=person.full_name, email=person.email, phone=person.phone, when=BEFORE
    )
    session.commit()
    assert erasure.reapply_tombstones(session=session, now=NOW + timedelta(days=1)) == 1
    assert erasure.is_erased(session.get(User, restored.user_id))

    again = make_person(
        session, name="Zineb A.", email=person.email, phone="", when=NOW + timedelta(days=3)
    )
    session.commit()
    assert erasure.reapply_tombstones(session=session, now=NOW + timedelta(days=4)) == 0
    assert session.get(User, again.user_id).email == person.email


def test_the_command_erases_again_what_a_restore_brought_back(session, person, capsys):
    erase(session, person, notify=False)
    session.execute(update(User).where(User.id == person.user_id).values(email=person.email))
    session.commit()
    assert cli.main(["retention", "reapply-erasures"]) == 0
    assert "erased again from their tombstones: 1" in capsys.readouterr().out
    session.expire_all()
    assert erasure.is_erased(session.get(User, person.user_id))
