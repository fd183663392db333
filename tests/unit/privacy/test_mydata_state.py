"""The "My data" page's state: signed-in users only; access by category; switches recorded;
export requested, followed and downloaded; deletion only with the password and the typed address,
then a receipt."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from sqlmodel import select

from oktra.accounts import limits
from oktra.accounts.models import User
from oktra.core.clock import utc_now
from oktra.db import session_scope
from oktra.i18n import LANGUAGES
from oktra.privacy import consent, export, objections
from oktra.privacy.consent import ANALYTICS
from oktra.privacy.erased_pages import my_data_erased
from oktra.privacy.mydata_pages import my_data
from oktra.privacy.mydata_state import MyDataState, _receipt_signer
from oktra.privacy.rights_models import DataExport, ErasureTombstone
from oktra.privacy.service import PRODUCT_NEWS, has_consent
from tests.unit.accounts.conftest import (
    PASSWORD,
    create_account,
    run_handler,
    signed_in_token,
    state_for,
)

EMAIL = "salma@atlas.ma"


@pytest.fixture(autouse=True)
def fast_accounts(monkeypatch):
    """Minimum bcrypt cost and no attempt counted, as in the accounts tests."""
    monkeypatch.setattr("oktra.accounts.passwords.BCRYPT_ROUNDS", 4)
    limits.get_limiter().reset()
    yield
    limits.get_limiter().reset()


@pytest.fixture
def signed(engine):
    """A signed-in account (with product news), and its page state."""
    account = create_account(EMAIL, product_news="on")
    token = signed_in_token(account)

    def page(path: str = "/fr/my-data", query: str = "") -> MyDataState:
        state = state_for(MyDataState, token=token, path=path, query=query)
        run_handler(MyDataState.open_page, state)
        return state

    return account, page


def _user(user_id: int) -> User:
    with session_scope() as session:
        return session.get(User, user_id)


def test_a_visitor_is_sent_to_sign_in_and_back(engine):
    state = state_for(MyDataState, token=None, path="/en/my-data")
    redirect = run_handler(MyDataState.open_page, state)
    assert "/en/signin?next=/en/my-data" in str(redirect)
    assert not state.loaded and state.categories == []


def test_the_page_shows_every_category_and_the_account_data(signed):
    _account, page = signed
    state = page()
    assert state.loaded
    titles = [category.title for category in state.categories]
    assert "Données de compte" in titles
    account = next(c for c in state.categories if c.key == "account")
    values = {cell.value for table in account.tables for row in table.rows for cell in row}
    assert EMAIL in values and "Salma Bennani" in values
    assert any(category.count == 0 for category in state.categories)
    assert state.erased_items and state.kept_items
    assert state.switches[objections.PERSONALIZED_ALERTS] is True
    assert state.switches[PRODUCT_NEWS] is True
    assert state.switches[ANALYTICS] is False


def test_switches_are_recorded_and_a_cookie_switch_rewrites_the_cookie(signed):
    account, page = signed
    state = page()
    run_handler(MyDataState.toggle, state, PRODUCT_NEWS, False)
    assert state.switches[PRODUCT_NEWS] is False
    assert state.switch_notice
    with session_scope() as session:
        assert not has_consent(session=session, user_id=account.user_id, purpose=PRODUCT_NEWS)
    run_handler(MyDataState.toggle, state, ANALYTICS, True)
    device = consent.parse_cookie(value=state.consent_cookie)
    assert device is not None and device.choice.analytics and not device.choice.functional
    run_handler(MyDataState.toggle, state, ANALYTICS, False)
    assert not consent.parse_cookie(value=state.consent_cookie).choice.analytics
    run_handler(MyDataState.toggle, state, objections.PERSONALIZED_ALERTS, False)
    with session_scope() as session:
        assert objections.objects_to_alerts(session=session, user_id=account.user_id)
    run_handler(MyDataState.toggle, state, "partners", False)
    assert set(state.switches) == set(objections.PURPOSES)


def test_an_export_is_requested_followed_and_downloaded_when_ready(signed):
    account, page = signed
    state = page()
    assert state.export_status == ""
    run_handler(MyDataState.request_export, state)
    assert state.export_status == "pending" and state.export_progress == 0
    run_handler(MyDataState.request_export, state)
    assert state.export_message
    with session_scope() as session:
        assert len(session.exec(select(DataExport)).all()) == 1
        export.build_exports(session=session, now=utc_now())
    run_handler(MyDataState.refresh_export, state)
    assert state.export_status == "ready" and state.export_progress == 100
    assert state.export_expires and state.download_url
    token = urlsplit(state.download_url).path.rsplit("/", 1)[-1]
    assert urlsplit(state.download_url).path.startswith("/privacy/export/")
    with session_scope() as session:
        path = export.open_download(
            session=session, token=token, user_id=account.user_id, now=utc_now()
        )
    assert path.is_file()
    again = page()
    assert again.export_status == "ready" and again.download_url == ""
    run_handler(MyDataState.new_download_link, again)
    assert again.download_url and again.download_url != state.download_url


def test_a_failed_or_expired_export_is_explained(signed):
    account, page = signed
    with session_scope() as session:
        session.add(DataExport(user_id=account.user_id, status="failed", error="disk full"))
    state = page()
    assert state.export_status == "failed" and "DPO" in state.export_message
    with session_scope() as session:
        session.add(
            DataExport(
                user_id=account.user_id,
                status="ready",
                progress=100,
                expires_at=utc_now() - timedelta(minutes=1),
            )
        )
    state = page()
    assert state.export_status == "expired" and state.export_message
    run_handler(MyDataState.new_download_link, state)
    assert state.download_url == ""


def test_a_wrong_password_refuses_the_deletion_and_erases_nothing(signed):
    account, page = signed
    state = page()
    run_handler(MyDataState.delete_account, state, {"password": "not it", "confirm_email": EMAIL})
    assert "password" in state.delete_errors
    assert state.receipt_reference == ""
    assert _user(account.user_id).email == EMAIL
    with session_scope() as session:
        assert session.exec(select(ErasureTombstone)).all() == []
    assert page().signed_in


def test_the_typed_address_is_required_to_delete(signed):
    account, page = signed
    state = page()
    run_handler(MyDataState.delete_account, state, {"password": PASSWORD, "confirm_email": "salma"})
    assert list(state.delete_errors) == ["confirm_email"]
    assert _user(account.user_id).email == EMAIL


def test_the_account_is_deleted_then_signed_out_with_a_receipt(signed):
    account, page = signed
    state = page()
    form = {"password": PASSWORD, "confirm_email": EMAIL.upper()}
    run_handler(MyDataState.delete_account, state, form)
    assert state.delete_errors == {}
    assert state.receipt_reference.startswith("ER-")
    assert state.receipt_when and state.receipt_lines
    assert not state.signed_in
    assert _user(account.user_id).email.startswith("erased-")
    with session_scope() as session:
        [tombstone] = session.exec(select(ErasureTombstone)).all()
    assert tombstone.reference == state.receipt_reference
    assert not page().signed_in
    link = _receipt_signer().dumps(state.receipt_reference)
    landing = state_for(MyDataState, token=None, path="/fr/my-data/erased", query=f"receipt={link}")
    run_handler(MyDataState.open_receipt, landing)
    assert landing.receipt_reference == state.receipt_reference
    assert landing.receipt_lines == state.receipt_lines
    forged = state_for(MyDataState, token=None, path="/fr/my-data/erased", query="receipt=ER-1")
    run_handler(MyDataState.open_receipt, forged)
    assert forged.receipt_reference == ""


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_pages_build_in_every_language_with_a_labelled_switch_per_purpose(lang):
    rendered = str(my_data(lang).render())
    for purpose in objections.PURPOSES:
        switch_id = f"switch-{purpose.replace('_', '-')}"
        assert f'id:"{switch_id}"' in rendered
        assert f'htmlFor:"{switch_id}"' in rendered
    assert 'dir:"rtl"' in rendered if lang == "ar" else 'dir:"ltr"' in rendered
    assert "erase-signout" in rendered and "delete-form" in rendered
    assert "receipt" in str(my_data_erased(lang).render())
