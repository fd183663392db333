"""The private Atom feed over HTTP: the owner's token gives the matches, anything else a 404."""

from __future__ import annotations

from datetime import timedelta
from xml.etree import ElementTree as ET

from starlette.testclient import TestClient

from oktra.alerts import service
from oktra.alerts.engine import match_new_tenders
from oktra.alerts.feed import ATOM
from oktra.api import build_api
from oktra.tenders.criteria import Criteria
from tests.unit.alerts.conftest import NOW


def test_the_feed_lists_the_alerts_matches_as_atom_and_refuses_other_tokens(
    session, make_user, publish
):
    user = make_user(language="en")
    alert = service.create_alert(
        session=session,
        user_id=user.id,
        settings=service.AlertSettings(name="IT <supplies>"),
        criteria=Criteria(text="informatique"),
        now=NOW,
    )
    publish("Fourniture informatique & réseaux", now=NOW + timedelta(minutes=1))
    match_new_tenders(session=session, now=NOW + timedelta(minutes=1))
    token = service.new_feed_token(session=session, user_id=user.id, alert_id=alert.id, now=NOW)
    session.commit()

    client = TestClient(build_api())
    answer = client.get(f"/alerts/feed/{token}")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/atom+xml")
    feed = ET.fromstring(answer.content)
    assert feed.find(f"{{{ATOM}}}title").text == "OKTRA · IT <supplies>"
    entries = feed.findall(f"{{{ATOM}}}entry")
    assert [entry.find(f"{{{ATOM}}}title").text for entry in entries] == [
        "Fourniture informatique & réseaux"
    ]
    assert "/en/tenders/" in entries[0].find(f"{{{ATOM}}}link").get("href")
    for wrong in ("nope", token[:-1] + ("A" if token[-1] != "A" else "B"), "x" * 300):
        assert client.get(f"/alerts/feed/{wrong}").status_code == 404
