"""One-click unsubscribe from product news: the consent is withdrawn at once."""

from __future__ import annotations

import pytest
from sqlmodel import select
from starlette.testclient import TestClient

from oktra.api import build_api
from oktra.core.clock import utc_now
from oktra.notifications.models import EmailMessage
from oktra.privacy import announcements, news
from oktra.privacy.models import ConsentRecord
from oktra.privacy.service import PRODUCT_NEWS, has_consent
from tests.unit.privacy.conftest import grant_news

ONE_CLICK = {"List-Unsubscribe": "One-Click"}
NEWS = {lang: "Nouvelle recherche par région" for lang in ("en", "fr", "ar")}


@pytest.fixture
def client(monkeypatch, database_url):
    monkeypatch.setenv("OKTRA_DATABASE_URL", database_url)
    return TestClient(build_api(), follow_redirects=False)


def _path(user_id: int) -> str:
    return f"/privacy/news/unsubscribe/{news.news_token(user_id)}"


def _send_news(session) -> None:
    announcements.create_announcement(
        session=session,
        kind=announcements.PRODUCT_NEWS_KIND,
        subject=NEWS,
        body=NEWS,
        staff_id=None,
        now=utc_now(),
    )


def test_the_one_click_post_withdraws_the_consent_without_sign_in(session, make_user, client):
    user = make_user()
    grant_news(session, user)
    session.commit()
    answer = client.post(_path(user.id), data=ONE_CLICK)
    assert answer.status_code == 200
    assert "news-unsubscribed" in answer.text
    session.expire_all()
    assert not has_consent(session=session, user_id=user.id, purpose=PRODUCT_NEWS)
    withdrawal = session.exec(select(ConsentRecord).order_by(ConsentRecord.id.desc())).first()
    assert (withdrawal.purpose, withdrawal.granted) == (PRODUCT_NEWS, False)
    assert client.post(_path(user.id), data=ONE_CLICK).status_code == 200
    assert len(session.exec(select(ConsentRecord)).all()) == 2


def test_a_get_asks_and_changes_nothing(session, make_user, client):
    user = make_user(language="en")
    grant_news(session, user)
    session.commit()
    answer = client.get(_path(user.id))
    assert answer.status_code == 200
    assert '<form method="post">' in answer.text
    session.expire_all()
    assert has_consent(session=session, user_id=user.id, purpose=PRODUCT_NEWS)


def test_a_forged_token_changes_nothing(session, make_user, client):
    user = make_user()
    grant_news(session, user)
    session.commit()
    forged = news.news_token(user.id)[:-2] + "xx"
    assert client.post(f"/privacy/news/unsubscribe/{forged}", data=ONE_CLICK).status_code == 404
    session.expire_all()
    assert has_consent(session=session, user_id=user.id, purpose=PRODUCT_NEWS)


def test_unsubscribing_stops_the_news_not_yet_sent_and_later_batches(session, make_user):
    first, second = make_user(), make_user()
    grant_news(session, first)
    grant_news(session, second)
    _send_news(session)
    announcements.queue_announcements(session=session, now=utc_now(), batch=1, max_batches=1)
    news.withdraw_news(session=session, user_id=first.id, now=utc_now())
    news.withdraw_news(session=session, user_id=second.id, now=utc_now())
    announcements.queue_announcements(session=session, now=utc_now(), batch=1)
    messages = session.exec(select(EmailMessage)).all()
    assert [(m.to_address, m.status) for m in messages] == [(first.email, "cancelled")]


def test_a_one_click_post_that_is_not_a_form_is_refused_and_keeps_the_consent(
    session, make_user, client
):
    user = make_user()
    grant_news(session, user)
    session.commit()
    answer = client.post(_path(user.id), json={"List-Unsubscribe": "One-Click"})
    assert answer.status_code == 415
    session.expire_all()
    assert has_consent(session=session, user_id=user.id, purpose=PRODUCT_NEWS)
