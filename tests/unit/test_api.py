"""The backend's own HTTP routes."""

from __future__ import annotations

import re

from starlette.testclient import TestClient

from oktra.api import build_api


def test_health_is_ok_on_a_migrated_database(engine):
    response = TestClient(build_api()).get("/health")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_health_reports_pending_migrations(database_url):
    response = TestClient(build_api()).get("/health")
    assert response.status_code == 503
    assert response.json()["status"] == "migrations-pending"


def test_health_reports_an_unreachable_database(monkeypatch):
    monkeypatch.setenv("OKTRA_DATABASE_URL", "postgresql://postgres@127.0.0.1:1/oktra")
    response = TestClient(build_api()).get("/health")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "unreachable"}


def test_every_post_route_refuses_a_body_of_an_unexpected_content_type():
    posts = [route for route in build_api().routes if "POST" in (route.methods or ())]
    client = TestClient(build_api())
    octets = {"Content-Type": "application/octet-stream"}
    assert len(posts) >= 10
    for route in posts:
        path = re.sub(r"\{[^}]+\}", "x", route.path)
        answer = client.post(path, content=b"oid=1&amount=1", headers=octets)
        assert answer.status_code == 415, route.path
        assert answer.headers["accept-post"], route.path
