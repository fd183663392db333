"""The database side of search: full-text lookups (SQLite FTS5 or PostgreSQL GIN) and the
columns the in-memory catalogue is built from.

Both indexes hold the same tokens (searchtext.py) in two fields, the title and the rest (buyer
and reference); a term matches when it is in either field, a phrase when its tokens follow each
other inside one field. The lookups are built from tokens that hold only letters and digits,
passed as bound parameters: no user text ever reaches an FTS or SQL expression.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from sqlalchemy import func, select, text
from sqlmodel import Session

from oktra.tenders.models import Buyer, Tender, TenderRevision
from oktra.tenders.searchtext import Term

CATALOGUE_COLUMNS = (
    Tender.id,
    Tender.category,
    Tender.procedure,
    Tender.region,
    Tender.province,
    Tender.status,
    Tender.reserved_sme,
    Tender.buyer_id,
    Tender.sectors,
    Tender.estimate,
    Tender.published_at,
    Tender.deadline_at,
    Tender.search_title,
    Tender.search_other,
)

_SQLITE_ANY = text("SELECT rowid FROM tender_fts WHERE tender_fts MATCH :query")
_POSTGRESQL_ANY = text(
    "SELECT id FROM tender WHERE "
    "to_tsvector('simple'::regconfig, search_title) @@ CAST(:query AS tsquery) OR "
    "to_tsvector('simple'::regconfig, search_other) @@ CAST(:query AS tsquery)"
)
_POSTGRESQL_TITLE = text(
    "SELECT id FROM tender WHERE "
    "to_tsvector('simple'::regconfig, search_title) @@ CAST(:query AS tsquery)"
)


def _check(term: Term) -> None:
    if not term or not all(token.isalnum() for token in term):
        raise ValueError("a search term is one or more alphanumeric tokens")


def fts5_query(term: Term, *, title_only: bool) -> str:
    """An FTS5 MATCH expression: the term as one quoted phrase, in the title or anywhere."""
    _check(term)
    phrase = '"' + " ".join(term) + '"'
    return f"search_title : {phrase}" if title_only else phrase


def tsquery(term: Term) -> str:
    """A PostgreSQL tsquery literal: the tokens quoted, each followed by the next (<->)."""
    _check(term)
    return " <-> ".join(f"'{token}'" for token in term)


def term_ids(*, session: Session, term: Term, title_only: bool = False) -> list[int]:
    """Ids of the tenders holding a term (a token, or a phrase of tokens) in their text."""
    if session.get_bind().dialect.name == "sqlite":
        query = fts5_query(term, title_only=title_only)
        rows = session.execute(_SQLITE_ANY, {"query": query})
    else:
        statement = _POSTGRESQL_TITLE if title_only else _POSTGRESQL_ANY
        rows = session.execute(statement, {"query": tsquery(term)})
    return [row[0] for row in rows]


def catalogue_version(*, session: Session) -> tuple:
    """A value that changes whenever the catalogue does: the import revision, newest id and
    newest change (each read through an index)."""
    revision = select(TenderRevision.revision).where(TenderRevision.id == 1).scalar_subquery()
    newest = select(func.max(Tender.id)).scalar_subquery()
    changed = select(func.max(Tender.updated_at)).scalar_subquery()
    return tuple(session.execute(select(revision, newest, changed)).one())


def catalogue_rows(*, session: Session) -> Iterator[Sequence]:
    """Every tender's filterable columns, streamed."""
    result = session.execute(
        select(*CATALOGUE_COLUMNS).order_by(Tender.id).execution_options(yield_per=5000)
    )
    yield from result


def tenders_by_id(*, session: Session, ids: Sequence[int]) -> list[tuple[Tender, Buyer]]:
    """Tenders with their buyers, in the order of the ids given."""
    if not ids:
        return []
    rows = session.execute(
        select(Tender, Buyer).join(Buyer, Buyer.id == Tender.buyer_id).where(Tender.id.in_(ids))
    ).all()
    found = {tender.id: (tender, buyer) for tender, buyer in rows}
    return [found[tender_id] for tender_id in ids if tender_id in found]


def buyer_names(*, session: Session, ids: Sequence[int]) -> dict[int, str]:
    """Buyers' names by id."""
    if not ids:
        return {}
    rows = session.execute(select(Buyer.id, Buyer.name).where(Buyer.id.in_(list(ids))))
    return {buyer_id: name for buyer_id, name in rows}
