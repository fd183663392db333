"""Published versions of the privacy policy and the terms (Reflex-free).

The texts ship in texts/*.toml; a version becomes the current one only when it is published,
which stores its source and its rendering in every language, so a past version stays readable
exactly as it was published. The reconsent rule: a section of a text may name the consent-based
purposes it describes (`consent_purposes = [...]`); when a published version changes such a
section (title, body in any language, or the list itself), those purposes are asked again.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from oktra.i18n import LANGUAGES
from oktra.privacy import policy
from oktra.privacy.announcements import announce_policy_change
from oktra.privacy.models import PolicyVersion
from oktra.settings import get_settings

SUMMARY_MAX = 2000


class PublishError(ValueError):
    """A version cannot be published as asked (unknown text, same version, missing summary)."""


def _jsonable(value: object) -> object:
    """Dates as ISO strings, dataclasses and tuples as dicts and lists: what a JSON column keeps."""
    if dataclasses.is_dataclass(value):
        return {f.name: _jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(key): _jsonable(item) for key, item in value.items()}
    if isinstance(value, tuple | list):
        return [_jsonable(item) for item in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def shipped_version(document: str) -> str:
    """The version of the text this deployment ships."""
    return str(policy.load_source(document)["meta"]["version"])


def snapshot(document: str) -> tuple[dict, dict]:
    """The shipped source and its rendering in every language, as stored on publication."""
    source = policy.load_source(document)
    settings = get_settings()
    rendered = {
        lang: _jsonable(policy.render_document(document, lang, settings)) for lang in LANGUAGES
    }
    return _jsonable(source), rendered


def latest_version(*, session: Session, document: str) -> PolicyVersion | None:
    """The newest published version of a text, if any."""
    return session.exec(
        select(PolicyVersion)
        .where(PolicyVersion.document == document)
        .order_by(PolicyVersion.id.desc())
    ).first()


def ensure_initial_versions(*, session: Session, now: datetime) -> list[PolicyVersion]:
    """Publish the shipped texts as first versions where none exists (no notice, no email)."""
    created = []
    for document in policy.DOCUMENTS:
        if latest_version(session=session, document=document) is not None:
            continue
        source, rendered = snapshot(document)
        row = PolicyVersion(
            document=document,
            version=shipped_version(document),
            published_at=now,
            source=source,
            rendered=rendered,
        )
        try:
            with session.begin_nested():
                session.add(row)
        except IntegrityError:
            continue
        created.append(row)
    return created


def current_version(*, session: Session, document: str, now: datetime) -> PolicyVersion:
    """The version of a text in force (the shipped one is published first if none is)."""
    found = latest_version(session=session, document=document)
    if found is None:
        ensure_initial_versions(session=session, now=now)
        found = latest_version(session=session, document=document)
    return found


def list_versions(*, session: Session, document: str) -> list[PolicyVersion]:
    """Every published version of a text, newest first."""
    return list(
        session.exec(
            select(PolicyVersion)
            .where(PolicyVersion.document == document)
            .order_by(PolicyVersion.id.desc())
        ).all()
    )


def find_version(*, session: Session, document: str, version: str) -> PolicyVersion | None:
    """One published version of a text, by its version string."""
    return session.exec(
        select(PolicyVersion).where(
            PolicyVersion.document == document, PolicyVersion.version == version
        )
    ).first()


def _consent_sections(source: dict) -> dict[str, tuple[list[str], object]]:
    """Sections naming consent-based purposes: id -> (purposes, what their wording is)."""
    found = {}
    for section in source.get("sections", []):
        purposes = [str(p) for p in section.get("consent_purposes", [])]
        if purposes:
            wording = (dict(section.get("title", {})), dict(section.get("body", {})))
            found[str(section["id"])] = (purposes, wording)
    return found


def reconsent_purposes(*, previous: dict, current: dict) -> list[str]:
    """The purposes to ask again: those of each consent section changed between two sources."""
    before, after = _consent_sections(previous), _consent_sections(current)
    purposes: set[str] = set()
    for section_id in before.keys() | after.keys():
        old, new = before.get(section_id), after.get(section_id)
        if old == new:
            continue
        for side in (old, new):
            if side is not None:
                purposes.update(side[0])
    return sorted(purposes)


def clean_summary(summary: object) -> dict[str, str]:
    """The summary of a change in the three languages, each 1 to 2,000 characters."""
    values = summary if isinstance(summary, dict) else {}
    cleaned = {lang: str(values.get(lang) or "").strip() for lang in LANGUAGES}
    if not all(cleaned.values()) or any(len(text) > SUMMARY_MAX for text in cleaned.values()):
        raise PublishError("a summary of 1 to 2000 characters is needed in en, fr and ar")
    return cleaned


def publish_version(
    *,
    session: Session,
    staff_id: int | None,
    document: str,
    substantial: bool,
    summary: dict[str, str],
    now: datetime,
) -> PolicyVersion:
    """Publish the shipped text as the new current version; a substantial change is announced
    by email to every active user and by a notice in the app."""
    if document not in policy.DOCUMENTS:
        raise PublishError(f"unknown document {document!r}")
    cleaned = clean_summary(summary) if substantial else _optional_summary(summary)
    previous = current_version(session=session, document=document, now=now)
    version = shipped_version(document)
    if version == previous.version or find_version(
        session=session, document=document, version=version
    ):
        raise PublishError(
            f"the shipped {document} text is version {version}, already published: "
            "edit the text, change meta.version and deploy first"
        )
    source, rendered = snapshot(document)
    row = PolicyVersion(
        document=document,
        version=version,
        published_at=now,
        substantial=bool(substantial),
        summary=cleaned,
        source=source,
        rendered=rendered,
        reconsent=reconsent_purposes(previous=previous.source, current=source),
        published_by=staff_id,
    )
    session.add(row)
    session.flush()
    if row.substantial:
        announce_policy_change(session=session, version=row, now=now)
    return row


def _optional_summary(summary: object) -> dict[str, str]:
    values = summary if isinstance(summary, dict) else {}
    return {lang: str(values.get(lang) or "").strip()[:SUMMARY_MAX] for lang in LANGUAGES}


def document_rows(rendered: dict) -> list[dict[str, str]]:
    """A stored rendering as flat rows (h2, h3, p, li) for a page to show one by one."""
    rows = []

    def blocks(items: list[dict]) -> None:
        for item in items:
            if item["kind"] == "ul":
                rows.extend({"kind": "li", "text": text, "id": ""} for text in item["items"])
            else:
                rows.append({"kind": item["kind"], "text": item["text"], "id": ""})

    blocks(rendered.get("intro", []))
    for section in rendered.get("sections", []):
        title = f"{section['number']}. {section['title']}"
        rows.append({"kind": "h2", "text": title, "id": section["id"]})
        blocks(section["blocks"])
    return rows
