"""The one French normalizer of search: the tokens both databases index, the search service
queries and the alerts matcher compares.

A token is a word folded to lower case without accents, stemmed by Snowball's French stemmer
(plurals and most inflections meet: "fournitures" and "FOURNITURE" both give "fournitur"),
with elisions (l', d', qu'...) and common words dropped. Tokens hold only letters and digits,
so SQLite FTS5's `unicode61` tokenizer and PostgreSQL's `simple` configuration read them
exactly as written.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import snowballstemmer

MAX_QUERY_CHARS = 500
MAX_TERMS = 12
MAX_TOKEN_CHARS = 40

STOPWORDS = frozenset(
    line
    for line in (Path(__file__).parent / "data" / "stopwords.txt").read_text("utf-8").splitlines()
    if line and not line.startswith("#")
)

_WORD = re.compile(r"[^\W_]+")
_QUOTES = str.maketrans({"«": '"', "»": '"', "“": '"', "”": '"', "„": '"'})
# Ligatures Unicode does not decompose: "main d'œuvre" is also written "main d'oeuvre".
_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae"})
_STEMMER = snowballstemmer.stemmer("french")


def fold(text: str) -> str:
    """Lower case, accents and other combining marks removed, compatibility forms and the
    French ligatures (œ, æ) unified."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_LIGATURES))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


@lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    return _STEMMER.stemWord(word)


def _keep(word: str) -> bool:
    if len(word) > MAX_TOKEN_CHARS or word in STOPWORDS:
        return False
    return len(word) > 1 or word.isdigit()


def tokens(text: str) -> list[str]:
    """The search tokens of a text, in order: what is indexed and what is looked up."""
    return [_stem(word) for word in _WORD.findall(fold(text)) if _keep(word)]


def index_text(text: str) -> str:
    """A text as the index stores it: its tokens separated by single blanks."""
    return " ".join(tokens(text))


Term = tuple[str, ...]


@dataclass(frozen=True)
class ParsedQuery:
    """What a free-text query asks: every required term, the excluded ones, what was dropped.

    A term is one token or, for a quoted phrase, several tokens that must follow each other.
    """

    required: tuple[Term, ...] = ()
    excluded: tuple[Term, ...] = ()
    ignored: tuple[str, ...] = field(default=())
    truncated: bool = False

    @property
    def empty(self) -> bool:
        """No searchable term at all."""
        return not self.required and not self.excluded

    @property
    def words(self) -> tuple[str, ...]:
        """Every token the query requires, phrases included."""
        return tuple(token for term in self.required for token in term)


_UNIT = re.compile(r'(-?)"([^"]*)"|(\S+)')
_LAST_WORD = re.compile(r"\S+\Z")


def parse_query(text: str) -> ParsedQuery:
    """Read a user's query: words (all required), "quoted phrases", -excluded words or phrases.

    Never fails: an unbalanced quote is read as a blank, operators of SQL or FTS syntax are
    punctuation, a query over MAX_QUERY_CHARS is cut between words, and words that give no
    token (common words such as "de") are listed as ignored.
    """
    text = text.translate(_QUOTES)
    truncated = len(text) > MAX_QUERY_CHARS
    if truncated:
        # A word cut at the limit would be another word ("fournitu"): it is left out.
        cut = text[:MAX_QUERY_CHARS]
        text = cut if text[MAX_QUERY_CHARS].isspace() else _LAST_WORD.sub("", cut)
    if text.count('"') % 2:
        last = text.rfind('"')
        text = text[:last] + " " + text[last + 1 :]
    required: list[Term] = []
    excluded: list[Term] = []
    ignored: list[str] = []
    for match in _UNIT.finditer(text):
        minus, phrase, word = match.groups()
        raw = phrase if phrase is not None else word
        negative = bool(minus) or (word is not None and word.startswith("-"))
        found = tuple(tokens(raw))
        if not found:
            if raw.strip("-").strip():
                ignored.append(raw.strip("-"))
            continue
        if phrase is None:
            target = excluded if negative else required
            target.extend((token,) for token in found if (token,) not in target)
        elif found not in (excluded if negative else required):
            (excluded if negative else required).append(found)
    truncated = truncated or len(required) > MAX_TERMS or len(excluded) > MAX_TERMS
    return ParsedQuery(
        required=tuple(required[:MAX_TERMS]),
        excluded=tuple(excluded[:MAX_TERMS]),
        ignored=tuple(word[:MAX_TOKEN_CHARS] for word in ignored[:MAX_TERMS]),
        truncated=truncated,
    )
