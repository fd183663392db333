"""Cookie consent: append-only records per visitor, joined to the account at sign-in, and the
banner's state on the server."""

from __future__ import annotations

import pytest
import reflex.constants as rc
from reflex.istate.data import RouterData
from sqlmodel import select

from oktra.accounts import limits
from oktra.accounts.models import User
from oktra.db import session_scope
from oktra.privacy import consent
from oktra.privacy.consent import ANALYTICS, FUNCTIONAL, Choice, Requester
from oktra.privacy.consent_state import ConsentState
from oktra.privacy.models import AnalyticsEvent, ConsentRecord
from oktra.privacy.service import has_consent
from tests.unit.accounts.conftest import create_account, run_handler, signed_in_token

VISITOR = "visitor-0123456789abcdef"
OTHER_DEVICE = "visitor-fedcba9876543210"
REQUESTER = Requester(lang="fr", ip_hash="ip-hash", user_agent="pytest browser")


@pytest.fixture(autouse=True)
def fast_accounts(monkeypatch):
    """Minimum bcrypt cost and no attempt counted, as in the accounts tests."""
    monkeypatch.setattr("oktra.accounts.passwords.BCRYPT_ROUNDS", 4)
    limits.get_limiter().reset()
    yield
    limits.get_limiter().reset()


def _user(session) -> int:
    user = User(email="salma@atlas.ma", full_name="Salma Bennani", company_name="Atlas BTP")
    session.add(user)
    session.flush()
    return user.id


def _records(session) -> list[ConsentRecord]:
    return list(session.exec(select(ConsentRecord).order_by(ConsentRecord.id)).all())


def consent_state(
    *, token: str | None = None, cookie: str = "", path: str = "/fr/tenders", query: str = ""
) -> ConsentState:
    """The banner's state as a tab with these cookies would see it."""
    state = ConsentState()
    state.router = RouterData.from_router_data(
        {
            rc.RouteVar.HEADERS: {
                "cookie": f"oktra_session={token}" if token else "",
                "user-agent": "pytest browser",
            },
            rc.RouteVar.CLIENT_IP: "196.200.1.2",
            rc.RouteVar.CLIENT_TOKEN: "tab-token-1",
            rc.RouteVar.PATH: path,
            rc.RouteVar.ORIGIN: path + (f"?{query}" if query else ""),
        }
    )
    state.consent_cookie = cookie
    return state


def test_a_visitor_choice_is_appended_per_category_with_a_keyed_hash(session):
    consent.record_choice(
        session=session,
        visitor_id=VISITOR,
        user_id=None,
        choice=Choice(analytics=True, functional=False),
        requester=REQUESTER,
    )
    records = _records(session)
    assert [(r.purpose, r.granted) for r in records] == [(ANALYTICS, True), (FUNCTIONAL, False)]
    for record in records:
        assert record.user_id is None
        assert record.visitor_hash == consent.visitor_hash(visitor_id=VISITOR)
        assert VISITOR not in record.visitor_hash
        assert record.ip_hash == "ip-hash"
        assert record.user_agent == "pytest browser"
        assert record.policy_version
        assert record.wording


def test_a_withdrawal_is_a_new_record_and_an_unchanged_answer_adds_none(session):
    for choice in (Choice(True, True), Choice(True, True), Choice(False, True)):
        consent.record_choice(
            session=session, visitor_id=VISITOR, user_id=None, choice=choice, requester=REQUESTER
        )
    records = _records(session)
    assert [(r.purpose, r.granted) for r in records] == [
        (ANALYTICS, True),
        (FUNCTIONAL, True),
        (ANALYTICS, False),
    ]
    assert not consent.allows(session=session, visitor_id=VISITOR, purpose=ANALYTICS)


def test_sign_in_joins_the_visitor_records_to_the_account(session):
    consent.record_choice(
        session=session,
        visitor_id=VISITOR,
        user_id=None,
        choice=Choice(analytics=True, functional=False),
        requester=REQUESTER,
    )
    user_id = _user(session)
    joined = consent.join_account(
        session=session, visitor_id=VISITOR, user_id=user_id, requester=REQUESTER
    )
    assert joined == Choice(analytics=True, functional=False)
    records = _records(session)
    assert len(records) == 4
    assert {(r.purpose, r.user_id) for r in records[2:]} == {
        (ANALYTICS, user_id),
        (FUNCTIONAL, user_id),
    }
    assert {r.visitor_hash for r in records} == {consent.visitor_hash(visitor_id=VISITOR)}
    assert has_consent(session=session, user_id=user_id, purpose=ANALYTICS)
    again = consent.join_account(
        session=session, visitor_id=VISITOR, user_id=user_id, requester=REQUESTER
    )
    assert again == joined
    assert len(_records(session)) == 4


def test_the_account_latest_choice_applies_on_another_device_after_sign_in(session):
    user_id = _user(session)
    consent.record_choice(
        session=session,
        visitor_id=VISITOR,
        user_id=user_id,
        choice=Choice(analytics=True, functional=True),
        requester=REQUESTER,
    )
    assert consent.choice_in_force(session=session, visitor_id=OTHER_DEVICE) is None
    applied = consent.join_account(
        session=session, visitor_id=OTHER_DEVICE, user_id=user_id, requester=REQUESTER
    )
    assert applied == Choice(analytics=True, functional=True)
    assert consent.choice_in_force(session=session, visitor_id=OTHER_DEVICE) == applied
    consent.record_choice(
        session=session,
        visitor_id=OTHER_DEVICE,
        user_id=user_id,
        choice=Choice(analytics=False, functional=False),
        requester=REQUESTER,
    )
    assert not consent.allows(
        session=session, visitor_id=VISITOR, purpose=ANALYTICS, user_id=user_id
    )


def test_another_account_choice_on_a_shared_browser_does_not_bind_the_next_user(session):
    first = _user(session)
    consent.record_choice(
        session=session,
        visitor_id=VISITOR,
        user_id=first,
        choice=Choice(analytics=True, functional=True),
        requester=REQUESTER,
    )
    second = User(email="karim@atlas.ma", full_name="Karim", company_name="Atlas")
    session.add(second)
    session.flush()
    assert (
        consent.join_account(
            session=session, visitor_id=VISITOR, user_id=second.id, requester=REQUESTER
        )
        is None
    )
    assert not has_consent(session=session, user_id=second.id, purpose=ANALYTICS)


def test_the_cookie_holds_a_visitor_id_and_one_digit_per_category():
    value = consent.encode_cookie(visitor_id=VISITOR, choice=Choice(True, False))
    assert value == f"1.{VISITOR}.10"
    assert consent.parse_cookie(value=value) == consent.DeviceConsent(VISITOR, Choice(True, False))
    for bad in ("", "1.short.10", f"1.{VISITOR}.12", f"2.{VISITOR}.10", "1.a b c d e f g h i.10"):
        assert consent.parse_cookie(value=bad) is None


def test_the_banner_records_the_choice_and_writes_the_cookie(engine):
    state = consent_state()
    assert state.banner_open
    run_handler(ConsentState.reject_all, state)
    device = consent.parse_cookie(value=state.consent_cookie)
    assert device is not None
    assert device.choice == Choice(analytics=False, functional=False)
    assert not state.banner_open
    run_handler(ConsentState.open_settings, state)
    assert state.banner_open and state.choosing
    run_handler(ConsentState.set_analytics_switch, state, True)
    run_handler(ConsentState.save_choices, state)
    assert consent.parse_cookie(value=state.consent_cookie) == consent.DeviceConsent(
        device.visitor_id, Choice(analytics=True, functional=False)
    )
    with session_scope() as session:
        records = _records(session)
    assert [(r.purpose, r.granted) for r in records] == [
        (ANALYTICS, False),
        (FUNCTIONAL, False),
        (ANALYTICS, True),
    ]
    assert all(r.user_id is None for r in records)


def test_signing_in_on_a_new_browser_brings_the_account_choice(engine):
    signed = create_account("salma@atlas.ma")
    token = signed_in_token(signed)
    first = consent_state(token=token)
    run_handler(ConsentState.accept_all, first)
    with session_scope() as session:
        assert {r.user_id for r in _records(session)} == {signed.user_id}
    second = consent_state(token=token)
    run_handler(ConsentState.sync, second)
    device = consent.parse_cookie(value=second.consent_cookie)
    assert device is not None
    assert device.choice == Choice(analytics=True, functional=True)
    assert not second.banner_open
    anonymous = consent_state()
    run_handler(ConsentState.sync, anonymous)
    assert anonymous.consent_cookie == ""


def test_no_page_view_is_stored_without_analytics_consent(engine):
    state = consent_state()
    run_handler(ConsentState.page_view, state, "/fr/tenders")
    run_handler(ConsentState.reject_all, state)
    run_handler(ConsentState.page_view, state, "/fr/tenders")
    forged = consent.parse_cookie(value=state.consent_cookie)
    state.consent_cookie = consent.encode_cookie(
        visitor_id=forged.visitor_id, choice=Choice(analytics=True, functional=True)
    )
    run_handler(ConsentState.page_view, state, "/fr/tenders")
    with session_scope() as session:
        assert session.exec(select(AnalyticsEvent)).all() == []


def test_a_page_view_is_stored_with_consent_and_stops_at_withdrawal(engine):
    state = consent_state(path="/fr/tenders", query="q=btp&region=rabat")
    run_handler(ConsentState.accept_all, state)
    run_handler(ConsentState.page_view, state, "/fr/tenders")
    with session_scope() as session:
        [event] = session.exec(select(AnalyticsEvent)).all()
    assert event.path == "/fr/tenders"
    assert event.language == "fr"
    assert event.ip_prefix == "196.200.1.0"
    assert "tab-token-1" not in event.session_hash
    run_handler(ConsentState.reject_all, state)
    run_handler(ConsentState.page_view, state, "/fr/tenders")
    with session_scope() as session:
        assert len(session.exec(select(AnalyticsEvent)).all()) == 1


def test_a_browser_choice_made_under_another_account_is_asked_again(engine):
    first = signed_in_token(create_account("salma@atlas.ma"))
    second = signed_in_token(create_account("karim@atlas.ma"))
    state = consent_state(token=first)
    run_handler(ConsentState.accept_all, state)
    shared = consent_state(token=second, cookie=state.consent_cookie)
    run_handler(ConsentState.sync, shared)
    assert shared.consent_cookie == ""
    assert shared.banner_open


def test_a_cookie_without_records_is_kept_for_an_undecided_account(engine):
    token = signed_in_token(create_account("salma@atlas.ma"))
    cookie = consent.encode_cookie(visitor_id=VISITOR, choice=Choice(False, False))
    state = consent_state(token=token, cookie=cookie)
    run_handler(ConsentState.sync, state)
    assert state.consent_cookie == cookie
    with session_scope() as session:
        assert [r for r in _records(session) if r.purpose in consent.PURPOSES] == []


def test_a_policy_change_about_analytics_asks_the_cookie_choice_again(session):
    from datetime import timedelta

    from oktra.core.clock import utc_now
    from oktra.privacy.models import PolicyVersion

    visitor = consent.new_visitor_id()
    consent.record_choice(
        session=session,
        visitor_id=visitor,
        user_id=None,
        choice=Choice(analytics=True, functional=False),
        requester=Requester(lang="fr"),
    )
    assert consent.allows(session=session, visitor_id=visitor, purpose=ANALYTICS)
    assert not consent.asked_again(session=session, visitor_id=visitor)
    session.add(
        PolicyVersion(
            document="privacy",
            version="2099-01-01",
            published_at=utc_now() + timedelta(seconds=1),
            reconsent=[ANALYTICS],
        )
    )
    session.flush()
    assert not consent.allows(session=session, visitor_id=visitor, purpose=ANALYTICS)
    assert consent.asked_again(session=session, visitor_id=visitor)
    assert consent.choice_in_force(session=session, visitor_id=visitor) is None
