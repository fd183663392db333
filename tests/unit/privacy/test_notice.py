"""The in-app notice of a substantial change: shown once, until acknowledged; consent asked
again is not granted until the user answers."""

from __future__ import annotations

from sqlmodel import select

from oktra.core.clock import utc_now
from oktra.db import session_scope
from oktra.privacy import versions
from oktra.privacy.models import PolicyAcknowledgement
from oktra.privacy.notice_state import PolicyNoticeState
from oktra.privacy.service import PRODUCT_NEWS, has_consent
from tests.unit.accounts.conftest import create_account, run_handler, signed_in_token, state_for
from tests.unit.privacy.conftest import SUMMARY


def _publish(ship, *, substantial: bool, section: str = "legal_basis") -> None:
    with session_scope() as session:
        versions.ensure_initial_versions(session=session, now=utc_now())
    ship("privacy", "2027-01-01", section=section, text="Offers from partners, with consent.")
    with session_scope() as session:
        versions.publish_version(
            session=session,
            staff_id=None,
            document="privacy",
            substantial=substantial,
            summary=SUMMARY if substantial else {},
            now=utc_now(),
        )


def _checked(token: str | None) -> PolicyNoticeState:
    state = state_for(PolicyNoticeState, token=token, path="/fr/account")
    run_handler(PolicyNoticeState.check, state)
    return state


def test_a_substantial_change_shows_the_notice_once_until_acknowledged(engine, ship, monkeypatch):
    monkeypatch.setattr("oktra.accounts.passwords.BCRYPT_ROUNDS", 4)
    signed = create_account("karim@atlas.ma", product_news="on")
    token = signed_in_token(signed)
    _publish(ship, substantial=True)
    state = _checked(token)
    assert [(n["title"], n["version"]) for n in state.notices] == [
        ("Politique de confidentialité", "2027-01-01")
    ]
    assert state.notices[0]["summary"] == SUMMARY["fr"]
    run_handler(PolicyNoticeState.acknowledge, state)
    assert state.notices == []
    run_handler(PolicyNoticeState.acknowledge, state)
    assert _checked(token).notices == []
    with session_scope() as session:
        assert len(session.exec(select(PolicyAcknowledgement)).all()) == 1


def test_a_purpose_asked_again_is_not_granted_until_answered(engine, ship, monkeypatch):
    monkeypatch.setattr("oktra.accounts.passwords.BCRYPT_ROUNDS", 4)
    signed = create_account("karim@atlas.ma", product_news="on")
    token = signed_in_token(signed)
    _publish(ship, substantial=True)
    state = _checked(token)
    assert [q["purpose"] for q in state.questions] == [PRODUCT_NEWS]
    with session_scope() as session:
        assert not has_consent(session=session, user_id=signed.user_id, purpose=PRODUCT_NEWS)
    run_handler(PolicyNoticeState.answer, state, PRODUCT_NEWS, True)
    assert state.questions == []
    with session_scope() as session:
        assert has_consent(session=session, user_id=signed.user_id, purpose=PRODUCT_NEWS)
    assert _checked(token).questions == []


def test_a_minor_change_shows_no_notice(engine, ship, monkeypatch):
    monkeypatch.setattr("oktra.accounts.passwords.BCRYPT_ROUNDS", 4)
    token = signed_in_token(create_account("karim@atlas.ma"))
    _publish(ship, substantial=False, section="security")
    state = _checked(token)
    assert state.notices == [] and state.questions == []


def test_signed_out_visitors_see_no_notice(engine, ship):
    _publish(ship, substantial=True)
    state = _checked(None)
    assert state.notices == [] and state.questions == []
