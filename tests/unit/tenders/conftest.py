"""Fixtures of the tender catalogue tests: the shared real records and small files."""

from __future__ import annotations

from pathlib import Path

import pytest

from oktra.tenders.demo import DEMO_DIR

DATA = Path(__file__).resolve().parents[2] / "data"


@pytest.fixture
def attributed() -> Path:
    """The 2,258 real awarded notices (copied into the project from ../shared/data/pmmp-bdc)."""
    return DEMO_DIR / "attributed.jsonl"


@pytest.fixture
def ocds_dir() -> Path:
    """OCDS 1.1.5 worked examples."""
    return DATA / "ocds"
