"""Precision and recall of region and sector inference against hand-labelled notices."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from oktra.tenders.gazetteer import infer_region
from oktra.tenders.sectors import assign_sectors


@dataclass(frozen=True)
class Score:
    """Precision and recall from counts of true and false positives and false negatives."""

    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        """Share of the predictions that are right."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        """Share of the labels that were found."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


def read_labels(path: Path) -> list[dict]:
    """The labelled notices, one JSON object a line."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def evaluate(rows: list[dict]) -> dict[str, object]:
    """Micro-averaged region, province and sector scores, and per-class region and sector ones.

    Region and province: records whose true place could not be told are left out; a wrong
    guess counts against precision and recall, no guess against recall only. Sectors:
    every (record, sector) pair, multi-label.
    """
    region = Counter()
    province = Counter()
    sector = Counter()
    per_region: dict[str, Counter] = {}
    per_sector: dict[str, Counter] = {}
    for row in rows:
        guess_region, guess_province = infer_region(buyer=row["buyer"], title=row["title"])
        if row["region"] is not None:
            _count(region, per_region, row["region"], guess_region)
        if row["province"] is not None:
            _count(province, {}, row["province"], guess_province)
        truth, guess = set(row["sectors"]), set(assign_sectors(row["title"]))
        for code in truth | guess:
            outcome = "tp" if code in truth and code in guess else "fn" if code in truth else "fp"
            sector[outcome] += 1
            per_sector.setdefault(code, Counter())[outcome] += 1
    return {
        "region": _score(region),
        "province": _score(province),
        "sectors": _score(sector),
        "per_region": {code: _score(counts) for code, counts in sorted(per_region.items())},
        "per_sector": {code: _score(counts) for code, counts in sorted(per_sector.items())},
    }


def _count(total: Counter, per: dict[str, Counter], truth: str, guess: str | None) -> None:
    if guess == truth:
        total["tp"] += 1
        per.setdefault(truth, Counter())["tp"] += 1
        return
    total["fn"] += 1
    per.setdefault(truth, Counter())["fn"] += 1
    if guess is not None:
        total["fp"] += 1
        per.setdefault(guess, Counter())["fp"] += 1


def _score(counts: Counter) -> Score:
    return Score(counts["tp"], counts["fp"], counts["fn"])
