"""Similar past awards for a tender page: the same buyer's awards, then awards whose titles
share the tender's most specific words, newest first, with their amounts."""

from __future__ import annotations

from sqlmodel import Session

from oktra.tenders import bitmaps
from oktra.tenders.models import Buyer, Status, Tender
from oktra.tenders.search import snapshot, term_set
from oktra.tenders.search_db import tenders_by_id

SIMILAR_LIMIT = 6


def _close_titles(session: Session, snap, tender: Tender, candidates: int) -> int:
    """Candidates sharing as many of the title's rarest tokens as can be shared."""
    sets = [
        (found.bit_count(), token, found)
        for token in dict.fromkeys(tender.search_title.split())
        if (found := term_set(session, snap, (token,), False) & candidates)
    ]
    close = 0
    for _, _, found in sorted(sets, key=lambda item: (item[0], item[1])):
        narrower = (close or candidates) & found
        if not narrower:
            break
        close = narrower
    return close


def similar_awards(
    *, session: Session, tender: Tender, limit: int = SIMILAR_LIMIT
) -> list[tuple[Tender, Buyer]]:
    """Up to `limit` awarded tenders like this one: same buyer first, then close titles."""
    snap = snapshot(session=session)
    awarded = snap.sets["status"].get(Status.AWARDED, 0) & ~(1 << tender.id)
    same_buyer = awarded & snap.buyer_set([tender.buyer_id])
    close = _close_titles(session, snap, tender, awarded & ~same_buyer)
    ids: list[int] = []
    for members in (same_buyer, close):
        ranked = sorted(bitmaps.to_ids(members), key=snap.newest_rank.__getitem__)
        ids.extend(ranked[: limit - len(ids)])
    return tenders_by_id(session=session, ids=ids)
