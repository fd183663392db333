"""Fixtures of the backup tests: a backup folder and a key, outside that folder."""

from __future__ import annotations

import base64
import os
from dataclasses import dataclass
from pathlib import Path

import pytest

from oktra.settings import get_settings


@dataclass(frozen=True)
class BackupSetup:
    """Where backups go, and the key they are sealed with (base64, as in the setting)."""

    directory: Path
    key: str


@pytest.fixture
def backups(tmp_path, monkeypatch) -> BackupSetup:
    """OKTRA_BACKUP_DIR and OKTRA_BACKUP_KEY set for this test."""
    directory = tmp_path / "backups"
    key = base64.b64encode(os.urandom(32)).decode()
    monkeypatch.setenv("OKTRA_BACKUP_DIR", str(directory))
    monkeypatch.setenv("OKTRA_BACKUP_KEY", key)
    get_settings.cache_clear()
    return BackupSetup(directory=directory, key=key)
