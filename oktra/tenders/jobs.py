"""Scheduled work of the tender catalogue: ingest the watched folder."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlmodel import Session

from oktra.settings import get_settings
from oktra.tenders.service import ingest_folder


def ingest_watched_folder(*, session: Session, now: datetime) -> dict[str, int]:
    """Import the files dropped in OKTRA_TENDER_INBOX since the last run."""
    report = ingest_folder(session=session, folder=Path(get_settings().tender_inbox), now=now)
    return report.counts()
