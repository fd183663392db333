"""/{lang}/privacy and /{lang}/terms show the version in force; every past one stays readable."""

from __future__ import annotations

from oktra.core.clock import utc_now
from oktra.db import session_scope
from oktra.privacy import versions
from oktra.privacy.legal_state import LegalState
from tests.unit.accounts.conftest import run_handler, state_for

SHIPPED = versions.shipped_version("privacy")

NEW_TEXT = "Two-factor sign-in for everyone."


def _open(handler, path: str, query: str = "") -> LegalState:
    state = state_for(LegalState, token=None, path=path, query=query)
    run_handler(handler, state)
    return state


def _text(state: LegalState) -> str:
    return " ".join(row["text"] for row in state.rows)


def _publish_new(ship) -> None:
    with session_scope() as session:
        versions.ensure_initial_versions(session=session, now=utc_now())
    ship("privacy", "2027-01-01", section="security", text=NEW_TEXT)
    with session_scope() as session:
        versions.publish_version(
            session=session,
            staff_id=None,
            document="privacy",
            substantial=False,
            summary={},
            now=utc_now(),
        )


def test_the_built_page_is_shown_when_it_is_the_version_in_force(engine):
    state = _open(LegalState.open_page, "/fr/privacy")
    assert not state.stored_shown
    assert state.current == versions.shipped_version("privacy")


def test_a_deployed_text_not_yet_published_is_not_shown(engine, ship):
    with session_scope() as session:
        versions.ensure_initial_versions(session=session, now=utc_now())
    ship("privacy", "2027-01-01", section="security", text=NEW_TEXT)
    state = _open(LegalState.open_page, "/en/privacy")
    assert state.stored_shown
    assert state.current == SHIPPED
    assert f"Version {SHIPPED}" in state.heading
    assert NEW_TEXT not in _text(state)
    assert "Data Controller" in _text(state)


def test_every_version_is_listed_and_a_past_one_reads_as_published(engine, ship):
    _publish_new(ship)
    current = _open(LegalState.open_versions, "/en/privacy/versions")
    assert [row["version"] for row in current.versions] == ["2027-01-01", SHIPPED]
    assert current.versions[0]["current"] == "yes"
    assert f"{NEW_TEXT} (en)" in _text(current)
    past = _open(LegalState.open_versions, "/en/privacy/versions", f"v={SHIPPED}")
    assert past.selected == SHIPPED and past.current == "2027-01-01"
    assert NEW_TEXT not in _text(past)
    assert "Last updated" in past.heading
    missing = _open(LegalState.open_versions, "/en/privacy/versions", "v=1999")
    assert missing.missing and missing.rows == []
    terms = _open(LegalState.open_versions, "/ar/terms/versions")
    assert terms.current.endswith("draft")
