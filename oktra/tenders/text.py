"""Text normalization for matching: accents dropped, capitals, punctuation as blanks."""

from __future__ import annotations

import re
import unicodedata

_NOT_WORD = re.compile(r"[^0-9A-Z]+")
_BLANKS = re.compile(r"\s+")
_FOLD = str.maketrans({"Œ": "OE", "Æ": "AE", "ß": "SS", "Ø": "O", "Ð": "D", "Þ": "TH"})


def fold(value: str) -> str:
    """Capitals without accents, every run of non-alphanumerics one blank: the matching form."""
    decomposed = unicodedata.normalize("NFKD", value.upper().translate(_FOLD))
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return _NOT_WORD.sub(" ", bare).strip()


def tokens(value: str) -> list[str]:
    """The words of a text in matching form."""
    folded = fold(value)
    return folded.split(" ") if folded else []


def clean(value: str) -> str:
    """Displayable text: stray blanks, tabs and line breaks collapsed, ends trimmed."""
    return _BLANKS.sub(" ", value.replace("\u00a0", " ")).strip()
