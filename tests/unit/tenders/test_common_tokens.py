"""The sets of common tokens built with the snapshot are exactly what the full-text index finds."""

from __future__ import annotations

from datetime import UTC, datetime

from oktra.tenders import bitmaps, catalogue, search_db
from oktra.tenders.criteria import Criteria
from oktra.tenders.search import search, snapshot
from oktra.tenders.service import import_file

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
QUERIES = ("achat", "fourniture informatique", "travaux -entretien", '"matériel de bureau"')


def test_prebuilt_token_sets_equal_the_full_text_index(session, attributed, monkeypatch):
    import_file(session=session, path=attributed, now=NOW)
    catalogue.SNAPSHOTS.clear()
    before = {
        text: search(session=session, criteria=Criteria(text=text), now=NOW) for text in QUERIES
    }
    monkeypatch.setattr(catalogue, "COMMON_MIN", 1)
    monkeypatch.setattr(catalogue, "COMMON_SHARE", 0.0)
    catalogue.SNAPSHOTS.clear()
    snap = snapshot(session=session)
    tokens = {key[1][0] for key in snap.common}
    assert len(tokens) > 1000
    for token in sorted(tokens)[::7]:
        for title_only in (True, False):
            indexed = search_db.term_ids(session=session, term=(token,), title_only=title_only)
            assert snap.common[(title_only, (token,))] == bitmaps.from_ids(sorted(indexed)), token
    for text, expected in before.items():
        found = search(session=session, criteria=Criteria(text=text), now=NOW)
        assert (found.total, [t.id for t, _ in found.tenders]) == (
            expected.total,
            [t.id for t, _ in expected.tenders],
        )
        assert found.facets == expected.facets
    catalogue.SNAPSHOTS.clear()
