"""One-click unsubscribe (RFC 8058): a signed link pauses an alert, every alert, or a follow,
without sign-in; a forged or widened link does nothing; a GET changes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select
from starlette.testclient import TestClient

from oktra.accounts import tokens
from oktra.alerts import service, unsubscribe
from oktra.alerts.delivery import queue_alert_emails
from oktra.alerts.engine import match_new_tenders
from oktra.alerts.models import SavedSearch
from oktra.alerts.unsubscribe import ALERT, ALL, FOLLOW, Unsubscribe
from oktra.alerts.views import alert_cards
from oktra.api import build_api
from oktra.tenders.criteria import Criteria
from oktra.tenders.models import Tender
from tests.unit.alerts.conftest import NOW

ONE_CLICK = {"List-Unsubscribe": "One-Click"}


@pytest.fixture
def client(monkeypatch, database_url):
    monkeypatch.setenv("OKTRA_DATABASE_URL", database_url)
    return TestClient(build_api(), follow_redirects=False)


def _alert(session, user, name="Informatique", text="ordinateurs"):
    return service.create_alert(
        session=session,
        user_id=user.id,
        settings=service.AlertSettings(name=name, frequency="instant"),
        criteria=Criteria(text=text),
        now=NOW - timedelta(hours=1),
    )


def _path(request: Unsubscribe) -> str:
    return f"/alerts/unsubscribe/{unsubscribe.unsubscribe_token(request)}"


def test_the_one_click_post_pauses_the_alert_without_sign_in(session, make_user, client):
    user = make_user()
    alert, other = _alert(session, user), _alert(session, user, "Travaux", "voirie")
    session.commit()
    answer = client.post(_path(Unsubscribe(user.id, ALERT, alert.id)), data=ONE_CLICK)
    assert (answer.status_code, answer.text) == (200, "Unsubscribed.")
    session.expire_all()
    assert session.get(SavedSearch, alert.id).pause_reason == unsubscribe.UNSUBSCRIBED
    assert session.get(SavedSearch, other.id).paused_at is None
    again = client.post(_path(Unsubscribe(user.id, ALERT, alert.id)), data=ONE_CLICK)
    assert again.text == "Already unsubscribed."
    cards = {
        card["id"]: card
        for card in alert_cards(session=session, lang="en", user_id=user.id, now=NOW)
    }
    assert cards[str(alert.id)]["paused"] == "yes"
    assert cards[str(alert.id)]["paused_note"] == "Paused from a link in an email."


def test_a_paused_alert_sends_no_more_email(session, make_user, publish):
    user = make_user()
    alert = _alert(session, user)
    unsubscribe.apply(session=session, request=Unsubscribe(user.id, ALERT, alert.id), now=NOW)
    publish("Achat d'ordinateurs portables", now=NOW + timedelta(minutes=1))
    match_new_tenders(session=session, now=NOW + timedelta(minutes=2))
    assert queue_alert_emails(session=session, frequency="instant", now=NOW)["emails"] == 0


def test_a_forged_or_foreign_token_changes_nothing(session, make_user, client):
    user = make_user()
    alert = _alert(session, user)
    session.commit()
    good = unsubscribe.unsubscribe_token(Unsubscribe(user.id, ALERT, alert.id))
    forged = good[:-2] + ("AA" if not good.endswith("AA") else "BB")
    verification = tokens.verification_token(user)
    for token in (forged, verification, "x" * 400, "not-a-token"):
        assert client.post(f"/alerts/unsubscribe/{token}", data=ONE_CLICK).status_code == 404
    session.expire_all()
    assert session.get(SavedSearch, alert.id).paused_at is None


def test_a_get_goes_to_the_explaining_page_and_changes_nothing(session, make_user, client):
    user = make_user(language="ar")
    alert = _alert(session, user)
    session.commit()
    answer = client.get(_path(Unsubscribe(user.id, ALERT, alert.id)))
    assert answer.status_code == 303
    assert "/ar/unsubscribe?token=" in answer.headers["location"]
    session.expire_all()
    assert session.get(SavedSearch, alert.id).paused_at is None


def test_the_all_link_pauses_every_alert_and_undo_resumes_only_those(session, make_user):
    user, stranger = make_user(), make_user()
    first, second = _alert(session, user), _alert(session, user, "Travaux", "voirie")
    mine_paused = _alert(session, user, "Déjà en pause", "nettoyage")
    service.set_paused(
        session=session, user_id=user.id, alert_id=mine_paused.id, paused=True, now=NOW
    )
    theirs = _alert(session, stranger)
    request = Unsubscribe(user.id, ALL)
    assert unsubscribe.describe(session=session, request=request) == ["Informatique", "Travaux"]
    assert unsubscribe.apply(session=session, request=request, now=NOW) == 2
    assert session.get(SavedSearch, theirs.id).paused_at is None
    assert unsubscribe.undo(session=session, request=request, now=NOW) == 2
    assert session.get(SavedSearch, first.id).paused_at is None
    assert session.get(SavedSearch, second.id).paused_at is None
    assert session.get(SavedSearch, mine_paused.id).pause_reason == service.USER_PAUSE


def test_the_follow_link_stops_following_the_tender(session, make_user, publish):
    user = make_user()
    publish("Construction d'un dispensaire")
    tender = session.exec(select(Tender)).first()
    service.follow_tender(
        session=session, user_id=user.id, tender_id=tender.id, follow=True, now=NOW
    )
    request = Unsubscribe(user.id, FOLLOW, tender.id)
    assert unsubscribe.describe(session=session, request=request) == [tender.title]
    assert unsubscribe.apply(session=session, request=request, now=NOW) == 1
    assert service.followed_ids(session=session, user_id=user.id) == set()
    assert unsubscribe.apply(session=session, request=request, now=NOW) == 0
    unsubscribe.undo(session=session, request=request, now=NOW)
    assert service.followed_ids(session=session, user_id=user.id) == {tender.id}


def test_a_token_names_only_its_own_user(session, make_user):
    user, stranger = make_user(), make_user()
    alert = _alert(session, user)
    widened = Unsubscribe(stranger.id, ALERT, alert.id)
    assert unsubscribe.apply(session=session, request=widened, now=NOW) == 0
    assert session.get(SavedSearch, alert.id).paused_at is None


def test_a_one_click_post_that_is_not_a_form_is_refused_and_changes_nothing(
    session, make_user, client
):
    user = make_user()
    alert = _alert(session, user)
    session.commit()
    path = _path(Unsubscribe(user.id, ALERT, alert.id))
    plain = {"Content-Type": "text/plain"}
    answer = client.post(path, content=b"List-Unsubscribe=One-Click", headers=plain)
    assert answer.status_code == 415
    assert client.post(path).status_code == 415
    session.expire_all()
    assert session.get(SavedSearch, alert.id).paused_at is None
    assert client.post(path, files={"List-Unsubscribe": (None, "One-Click")}).text == (
        "Unsubscribed."
    )
