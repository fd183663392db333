"""The promise matrix (docs/privacy-promises.md): each promise of the policy has a keeper."""

from __future__ import annotations

import ast
import functools
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

import oktra.models  # noqa: F401  (every model registers its data: section 7's list)
from oktra.privacy.cookies import CookieCategory, keys_by_category
from oktra.privacy.policy import load_source, render_document
from oktra.settings import load_settings

ROOT = Path(__file__).resolve().parents[2]
MATRIX = ROOT / "docs" / "privacy-promises.md"
MINIMUM_PROMISES = 30
ROW = re.compile(r"^\|\s*P\d+\s*\|")
PROMISE_ID = re.compile(r"^P\d{2,}$")
CITED = re.compile(r"`(tests/[^`]*)`")
NODE_ID = re.compile(r"^(tests/[\w/]+\.py)((?:::\w+)+)$")
OWNER = re.compile(r"Kept by: [^—<]*\w[^—<]* — \s*\w")
PENDING = re.compile(r"Pending: (?:issue \d+ \([^)]+\)|[\w-]+ issue)")
QUOTE = re.compile(r'"([^"]+)"')
INTRO = "intro"
PRODUCTION_LIKE = {"OKTRA_AUTH_PROVIDER": "firebase", "OKTRA_EMAIL_BACKEND": "ses"}


@dataclass(frozen=True)
class Promise:
    """One row of the matrix."""

    id: str
    section: str
    promise: str
    code: str
    proof: str


def parse_matrix(text: str) -> list[Promise]:
    """The promise rows of the matrix, in order."""
    rows = []
    for line in text.splitlines():
        if ROW.match(line):
            cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
            assert len(cells) == 5, f"a row needs 5 cells: {line[:80]}"
            rows.append(Promise(*cells))
    return rows


@functools.cache
def promises() -> list[Promise]:
    """The rows of the committed matrix."""
    return parse_matrix(MATRIX.read_text(encoding="utf-8"))


def cited_tests(promise: Promise) -> list[str]:
    """The node ids a row cites as proof."""
    return CITED.findall(promise.proof)


@functools.cache
def collectable_names(path: Path) -> frozenset[str]:
    """Collectable names of a test file: its functions, and Class::method for its classes."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            names.add(node.name)
        elif isinstance(node, ast.ClassDef):
            for member in node.body:
                if isinstance(member, ast.FunctionDef | ast.AsyncFunctionDef):
                    names.update({member.name, f"{node.name}::{member.name}"})
    return frozenset(names)


def missing_tests(rows: list[Promise], root: Path = ROOT) -> list[str]:
    """Every cited node id that is malformed, or whose file or test does not exist."""
    problems = []
    for row in rows:
        for node_id in cited_tests(row):
            match = NODE_ID.match(node_id)
            if match is None:
                problems.append(f"{row.id}: {node_id} is not a node id without parameters")
                continue
            path, name = root / match.group(1), match.group(2).removeprefix("::")
            if not path.is_file():
                problems.append(f"{row.id}: no file {match.group(1)}")
            elif name not in collectable_names(path):
                problems.append(f"{row.id}: no test {name} in {match.group(1)}")
    return problems


def unkept(rows: list[Promise]) -> list[str]:
    """Ids of the rows with no test, no owner statement and no pending issue."""
    return [
        row.id
        for row in rows
        if not cited_tests(row) and not OWNER.search(row.proof) and not PENDING.search(row.proof)
    ]


def _normalized(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").split())


def _rendered_sections() -> dict[str, str]:
    document = render_document("privacy", "en", load_settings())
    texts = {INTRO: " ".join(block.text for block in document.intro)}
    for section in document.sections:
        parts = [section.title]
        for block in section.blocks:
            parts.extend([block.text, *block.items])
        texts[str(section.number)] = " ".join(parts)
    return texts


@pytest.fixture
def published(monkeypatch) -> dict[str, str]:
    """The English policy per section, as a local and as a production-like deployment shows it."""
    texts = _rendered_sections()
    for name, value in PRODUCTION_LIKE.items():
        monkeypatch.setenv(name, value)
    for key, text in _rendered_sections().items():
        texts[key] += " " + text
    return {key: _normalized(text) for key, text in texts.items()}


def test_the_matrix_lists_at_least_thirty_promises():
    assert len(promises()) >= MINIMUM_PROMISES


def test_promise_ids_are_well_formed_and_never_used_twice():
    ids = [row.id for row in promises()]
    assert all(PROMISE_ID.match(promise_id) for promise_id in ids)
    assert [promise_id for promise_id, count in Counter(ids).items() if count > 1] == []


def test_every_cited_test_exists():
    assert missing_tests(promises()) == []


def test_every_promise_is_kept_by_a_test_an_owner_or_a_named_issue():
    assert unkept(promises()) == []


def test_every_row_names_a_section_of_the_policy():
    sections = {str(section["number"]) for section in load_source("privacy")["sections"]}
    assert {row.section for row in promises()} <= sections | {INTRO}


def test_every_section_of_the_policy_has_a_promise():
    sections = {str(section["number"]) for section in load_source("privacy")["sections"]}
    assert sections - {row.section for row in promises()} == set()


def test_every_quoted_promise_is_in_its_section_of_the_published_policy(published):
    not_found = []
    for row in promises():
        quotes = QUOTE.findall(row.promise)
        if not quotes:
            not_found.append(f"{row.id}: nothing quoted")
        for quote in quotes:
            for fragment in filter(None, (_normalized(part) for part in quote.split("…"))):
                if fragment not in published.get(row.section, ""):
                    not_found.append(f"{row.id}: {fragment!r} not in section {row.section}")
    assert not_found == []


def test_no_functional_storage_key_exists_until_one_is_gated_on_consent():
    """P45 holds because nothing functional is written: a new functional key must come with a
    test that it waits for the functional consent, cited in P45 instead of this one."""
    assert keys_by_category()[CookieCategory.FUNCTIONAL] == []


def test_a_missing_file_a_missing_test_and_a_parametrized_id_are_reported():
    this = "tests/unit/test_privacy_promises.py"
    cited = [
        "tests/unit/nowhere.py::test_a",
        f"{this}::test_nothing_like_this",
        f"{this}::test_every_cited_test_exists[1]",
        f"{this}::test_every_cited_test_exists",
    ]
    rows = parse_matrix(
        "".join(f'| P0{n} | 8 | "x" | code | `{node}` |\n' for n, node in enumerate(cited, 1))
    )
    assert [problem.split(":")[0] for problem in missing_tests(rows)] == ["P01", "P02", "P03"]


def test_a_row_with_only_code_or_a_vague_marker_is_reported_as_unkept():
    rows = parse_matrix(
        '| P01 | 8 | "x" | `oktra/x.py` | — |\n'
        '| P02 | 8 | "x" | — | Pending: later |\n'
        '| P03 | 8 | "x" | — | Kept by: — |\n'
        '| P04 | 8 | "x" | — | Pending: issue 11 (billing) |\n'
        '| P05 | 8 | "x" | — | Pending: operations issue |\n'
        '| P06 | 8 | "x" | — | Kept by: the DPO — declares the processing to the CNDP |\n'
    )
    assert unkept(rows) == ["P01", "P02", "P03"]
