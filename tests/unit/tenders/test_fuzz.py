"""Fuzzing: truncated, mistyped and oversized records give one report line each, never a crash,
never a partial tender."""

from __future__ import annotations

import json
import random

from sqlalchemy import func, select

from oktra.tenders.models import Buyer, Tender
from oktra.tenders.service import import_file
from oktra.tenders.sources.base import MAX_RECORD_BYTES, Notice, Rejection
from oktra.tenders.sources.portal import PortalSource

SEED = 509
WRONG_TYPES = (None, 12, 3.5, True, [], {}, ["x"], {"a": 1}, "", " ", "x" * 5000, -1, 10**30)
FIELDS = (
    "reference",
    "objet",
    "acheteur",
    "date_publication",
    "nombre_devis",
    "attribue",
    "entreprise_attributaire",
    "montant",
    "estimation",
    "date_limite",
    "lots",
    "categorie",
    "statut",
    "genere",
    "reserve_tpe_pme",
    "caution_provisoire",
    "lien_dce",
)


def _truncated(rng: random.Random, line: str) -> str:
    return line[: rng.randrange(1, len(line) - 1)]


def _mistyped(rng: random.Random, line: str) -> str:
    record = json.loads(line)
    record[rng.choice(FIELDS)] = rng.choice(WRONG_TYPES)
    return json.dumps(record, ensure_ascii=False)


def _oversized(rng: random.Random, line: str) -> str:
    record = json.loads(line)
    if rng.random() < 0.5:
        record["objet"] = "TRAVAUX " * (MAX_RECORD_BYTES // 8 + 10)
    else:
        record[rng.choice(("reference", "acheteur", "objet"))] = "A" * rng.choice((201, 301, 4001))
    return json.dumps(record, ensure_ascii=False)


def _mutations(lines: list[str], count: int) -> list[str]:
    rng = random.Random(SEED)
    makers = (_truncated, _mistyped, _oversized)
    return [rng.choice(makers)(rng, rng.choice(lines)) for _ in range(count)]


def test_each_fuzzed_line_yields_exactly_one_notice_or_one_rejection(attributed, tmp_path):
    lines = attributed.read_text(encoding="utf-8").splitlines()
    fuzzed = _mutations(lines, 3000)
    path = tmp_path / "fuzzed.jsonl"
    path.write_text("\n".join(fuzzed), encoding="utf-8")
    items = list(PortalSource().read(path).items)
    assert len(items) == len(fuzzed)
    assert all(isinstance(item, Notice | Rejection) for item in items)
    rejected = [item for item in items if isinstance(item, Rejection)]
    assert len(rejected) > 2000
    assert {item.location for item in rejected} <= {f"fuzzed.jsonl:{n}" for n in range(1, 3001)}


def test_fuzzed_records_are_reported_and_never_half_written(session, attributed, tmp_path):
    lines = attributed.read_text(encoding="utf-8").splitlines()
    fuzzed = _mutations(lines[:400], 300)
    path = tmp_path / "fuzzed.jsonl"
    path.write_text("\n".join(fuzzed), encoding="utf-8")
    expected = list(PortalSource().read(path).items)
    good_keys = {(item.source, item.source_id) for item in expected if isinstance(item, Notice)}

    report = import_file(session=session, path=path)

    assert len(report.rejected) == sum(isinstance(item, Rejection) for item in expected)
    assert len({line.location for line in report.rejected}) == len(report.rejected)
    assert all(line.reason for line in report.rejected)
    stored = {tuple(row) for row in session.execute(select(Tender.source, Tender.source_id))}
    assert stored == good_keys
    buyers = session.execute(select(func.count()).select_from(Buyer)).scalar_one()
    used = session.execute(select(func.count(func.distinct(Tender.buyer_id)))).scalar_one()
    assert buyers == used
