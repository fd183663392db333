"""Sectors and regions a user can follow: the tender catalogue's own taxonomy."""

from __future__ import annotations

from oktra.tenders.service import region_choices, sector_choices

SECTORS: tuple[tuple[str, str], ...] = sector_choices()
REGIONS: tuple[tuple[str, str], ...] = region_choices()
SECTOR_CODES = frozenset(code for code, _label in SECTORS)
REGION_CODES = frozenset(code for code, _label in REGIONS)
