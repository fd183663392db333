"""Sign-up: proofs of consent (append-only), unique addresses, a verification email."""

from __future__ import annotations

import pytest
from sqlmodel import select

from oktra.accounts.models import User
from oktra.accounts.validation import ValidationFailedError
from oktra.db import session_scope
from oktra.notifications.models import EmailMessage
from oktra.privacy.models import AppendOnlyError, ConsentRecord
from oktra.privacy.service import (
    PRODUCT_NEWS,
    TERMS_AND_PRIVACY,
    consent_history,
    has_consent,
    record_consent,
)
from oktra.privacy.versions import shipped_version
from tests.unit.accounts.conftest import create_account


def test_sign_up_records_both_consents_with_versions_wording_and_hashed_ip(engine):
    signed = create_account("salma@atlas.ma", product_news="on")
    with session_scope() as session:
        records = consent_history(session=session, user_id=signed.user_id)
    assert [(r.purpose, r.granted) for r in records] == [
        (TERMS_AND_PRIVACY, True),
        (PRODUCT_NEWS, True),
    ]
    terms = records[0]
    assert terms.policy_version == shipped_version("privacy")
    assert terms.terms_version.endswith("draft")
    assert terms.wording.startswith("J'accepte")
    assert len(terms.wording_version) == 16
    assert terms.ip_hash and "196.200" not in terms.ip_hash
    assert terms.user_agent == "pytest browser"
    assert terms.created_at.tzinfo is not None


def test_product_news_is_off_unless_ticked(engine):
    signed = create_account("salma@atlas.ma")
    with session_scope() as session:
        assert not has_consent(session=session, user_id=signed.user_id, purpose=PRODUCT_NEWS)
        assert has_consent(session=session, user_id=signed.user_id, purpose=TERMS_AND_PRIVACY)


def test_a_withdrawal_is_a_new_record_and_old_ones_never_change(engine):
    signed = create_account("salma@atlas.ma", product_news="on")
    with session_scope() as session:
        record_consent(
            session=session,
            user_id=signed.user_id,
            purpose=PRODUCT_NEWS,
            granted=False,
            lang="en",
            ip_hash="",
            user_agent="",
        )
    with session_scope() as session:
        assert not has_consent(session=session, user_id=signed.user_id, purpose=PRODUCT_NEWS)
        assert len(consent_history(session=session, user_id=signed.user_id)) == 3
    with pytest.raises(AppendOnlyError), session_scope() as session:
        first = session.exec(select(ConsentRecord)).first()
        first.granted = False
    with pytest.raises(AppendOnlyError), session_scope() as session:
        session.delete(session.exec(select(ConsentRecord)).first())


def test_terms_must_be_accepted(engine):
    with pytest.raises(ValidationFailedError) as failed:
        create_account("salma@atlas.ma", accept_terms=None)
    assert set(failed.value.errors) == {"accept_terms"}
    with session_scope() as session:
        assert session.exec(select(User)).all() == []


def test_signing_up_again_with_a_known_address_reveals_nothing_and_tells_the_owner(engine):
    import asyncio

    from oktra.accounts import service
    from tests.unit.accounts.conftest import CLIENT, signup_form

    create_account("salma@atlas.ma")
    again = asyncio.run(
        service.sign_up(
            form=signup_form("SALMA@Atlas.MA", full_name="Intruder"), lang="en", client=CLIENT
        )
    )
    assert again is None
    with session_scope() as session:
        assert len(session.exec(select(User)).all()) == 1
        kinds = [(m.kind, m.to_address) for m in session.exec(select(EmailMessage))]
    assert ("account_exists", "salma@atlas.ma") in kinds


def test_the_phone_is_optional_and_stored_in_e164(engine):
    signed = create_account("a@atlas.ma", phone="")
    other = create_account("b@atlas.ma", phone="06 12 34 56 78")
    with session_scope() as session:
        assert session.get(User, signed.user_id).phone is None
        assert session.get(User, other.user_id).phone == "+212612345678"


def test_sign_up_puts_a_verification_email_in_the_outbox_and_no_alert_may_go_out(engine):
    from oktra.accounts.service import may_receive_alerts

    signed = create_account("salma@atlas.ma")
    with session_scope() as session:
        [message] = session.exec(select(EmailMessage)).all()
        user = session.get(User, signed.user_id)
    assert message.kind == "verify_email"
    assert signed.user_id == user.id
    assert message.to_address == "salma@atlas.ma"
    assert "/fr/verify?token=" in message.text_body
    assert not may_receive_alerts(user)
