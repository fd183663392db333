"""Versions of the legal texts: published from the shipped toml, kept whole, asked again."""

from __future__ import annotations

import pytest
from sqlmodel import select

from oktra.core.clock import utc_now
from oktra.privacy import versions
from oktra.privacy.models import Announcement, PolicyVersion
from oktra.privacy.service import PRODUCT_NEWS, current_versions, has_consent, reconsent_pending
from tests.unit.privacy.conftest import SUMMARY, grant_news

SHIPPED = versions.shipped_version("privacy")


def test_the_shipped_texts_become_the_first_versions_without_notice(session):
    created = versions.ensure_initial_versions(session=session, now=utc_now())
    assert {row.document for row in created} == {"privacy", "terms"}
    assert not any(row.substantial or row.reconsent for row in created)
    assert versions.ensure_initial_versions(session=session, now=utc_now()) == []
    current = versions.current_version(session=session, document="privacy", now=utc_now())
    assert current.version == versions.shipped_version("privacy")
    assert session.exec(select(Announcement)).all() == []


def test_the_version_in_force_is_created_lazily(session):
    current = versions.current_version(session=session, document="terms", now=utc_now())
    assert current.version.endswith("draft")
    assert len(session.exec(select(PolicyVersion)).all()) == 2


def test_publishing_needs_a_new_shipped_version(session):
    versions.ensure_initial_versions(session=session, now=utc_now())
    with pytest.raises(versions.PublishError, match="already published"):
        versions.publish_version(
            session=session,
            staff_id=None,
            document="privacy",
            substantial=False,
            summary={},
            now=utc_now(),
        )


def test_a_substantial_change_needs_a_summary_in_three_languages(session, ship):
    versions.ensure_initial_versions(session=session, now=utc_now())
    ship("privacy", "2027-01-01")
    with pytest.raises(versions.PublishError, match="summary"):
        versions.publish_version(
            session=session,
            staff_id=None,
            document="privacy",
            substantial=True,
            summary={"en": "Only English"},
            now=utc_now(),
        )


def test_past_versions_stay_readable_with_their_own_text(session, ship):
    versions.ensure_initial_versions(session=session, now=utc_now())
    ship("privacy", "2027-01-01", section="security", text="Two-factor sign-in for everyone.")
    versions.publish_version(
        session=session,
        staff_id=None,
        document="privacy",
        substantial=False,
        summary={},
        now=utc_now(),
    )
    old = versions.find_version(session=session, document="privacy", version=SHIPPED)
    new = versions.find_version(session=session, document="privacy", version="2027-01-01")
    old_text = " ".join(row["text"] for row in versions.document_rows(old.rendered["fr"]))
    new_text = " ".join(row["text"] for row in versions.document_rows(new.rendered["fr"]))
    assert "Two-factor sign-in for everyone. (fr)" in new_text
    assert "Two-factor" not in old_text
    assert old.rendered["fr"]["version"] == SHIPPED
    assert [row.version for row in versions.list_versions(session=session, document="privacy")] == [
        "2027-01-01",
        SHIPPED,
    ]
    assert current_versions(session=session)[0] == "2027-01-01"


def test_a_minor_change_sends_no_email_and_asks_nothing_again(session, ship):
    versions.ensure_initial_versions(session=session, now=utc_now())
    ship("privacy", "2027-01-01", section="security", text="Typo fixed.")
    row = versions.publish_version(
        session=session,
        staff_id=None,
        document="privacy",
        substantial=False,
        summary={},
        now=utc_now(),
    )
    assert row.reconsent == []
    assert session.exec(select(Announcement)).all() == []


def test_a_changed_section_about_a_consent_purpose_asks_it_again(session, ship, make_user):
    versions.ensure_initial_versions(session=session, now=utc_now())
    user = make_user()
    grant_news(session, user)
    assert has_consent(session=session, user_id=user.id, purpose=PRODUCT_NEWS)
    ship("privacy", "2027-01-01", section="legal_basis", text="Partners' offers, with consent.")
    row = versions.publish_version(
        session=session,
        staff_id=None,
        document="privacy",
        substantial=True,
        summary=SUMMARY,
        now=utc_now(),
    )
    assert row.reconsent == ["analytics", "functional", "product_news"]
    assert not has_consent(session=session, user_id=user.id, purpose=PRODUCT_NEWS)
    assert reconsent_pending(session=session, user_id=user.id) == [PRODUCT_NEWS]
    grant_news(session, user)
    assert has_consent(session=session, user_id=user.id, purpose=PRODUCT_NEWS)
    assert reconsent_pending(session=session, user_id=user.id) == []


def test_the_reconsent_rule_compares_only_consent_sections():
    base = {"sections": [{"id": "cookies", "consent_purposes": ["analytics"], "body": {"en": "a"}}]}
    other = {"sections": [*base["sections"], {"id": "security", "body": {"en": "changed"}}]}
    changed = {
        "sections": [{"id": "cookies", "consent_purposes": ["analytics"], "body": {"en": "b"}}]
    }
    added = {
        "sections": [
            {"id": "cookies", "consent_purposes": ["analytics", "functional"], "body": {"en": "a"}}
        ]
    }
    assert versions.reconsent_purposes(previous=base, current=other) == []
    assert versions.reconsent_purposes(previous=base, current=changed) == ["analytics"]
    assert versions.reconsent_purposes(previous=base, current=added) == ["analytics", "functional"]
