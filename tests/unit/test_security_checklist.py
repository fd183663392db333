"""The ASVS checklist (docs/security.md): every row has its proof or says why there is none."""

from __future__ import annotations

import functools
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from tests.unit.test_privacy_promises import collectable_names

ROOT = Path(__file__).resolve().parents[2]
CHECKLIST = ROOT / "docs" / "security.md"
CHAPTERS = range(1, 15)
STATUSES = ("met", "partly", "not met", "n/a")
CHAPTER = re.compile(r"^## V(\d+) ")
ROW = re.compile(r"^\|\s*\d+\.\d+\.\d+\s*\|")
ASVS_ID = re.compile(r"^(\d+)\.\d+\.\d+$")
SUMMARY_ROW = re.compile(r"^\|\s*(met|partly|not met|n/a)\s*\|\s*(\d+)\s*\|$")
CITED = re.compile(r"`(tests/[^`]*)`")
NODE_ID = re.compile(r"^(tests/[\w/]+\.py)((?:::\w+)+)$")
CODE_PATH = re.compile(
    r"`((?:oktra|deploy|reflex\.lock)/[\w./-]*|pyproject\.toml|Makefile|rxconfig\.py"
    r"|requirements\.txt)`"
)
DOC_PATH = re.compile(r"\b(docs/[\w-]+\.md)")
MISSING = re.compile(r"Missing: \S")
NOT_APPLICABLE = re.compile(r"Not applicable: \S")


@dataclass(frozen=True)
class Requirement:
    """One row of the checklist, under the chapter heading it appears in."""

    chapter: int
    id: str
    requirement: str
    status: str
    evidence: str


def parse_checklist(text: str) -> list[Requirement]:
    """The requirement rows, in order, each with the number of its chapter heading (0: none)."""
    rows, chapter = [], 0
    for line in text.splitlines():
        heading = CHAPTER.match(line)
        if heading:
            chapter = int(heading.group(1))
        elif ROW.match(line):
            cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
            assert len(cells) == 4, f"a row needs 4 cells: {line[:80]}"
            rows.append(Requirement(chapter, *cells))
    return rows


def parse_summary(text: str) -> dict[str, int]:
    """The counts per status that the summary table announces."""
    return {
        match.group(1): int(match.group(2))
        for match in map(SUMMARY_ROW.match, text.splitlines())
        if match
    }


@functools.cache
def checklist_text() -> str:
    """The committed checklist."""
    return CHECKLIST.read_text(encoding="utf-8")


@functools.cache
def requirements() -> list[Requirement]:
    """The rows of the committed checklist."""
    return parse_checklist(checklist_text())


def cited_tests(row: Requirement) -> list[str]:
    """The node ids a row cites as proof."""
    return CITED.findall(row.evidence)


def cited_paths(row: Requirement) -> list[str]:
    """The code and documentation paths a row names."""
    return CODE_PATH.findall(row.evidence) + DOC_PATH.findall(row.evidence)


def missing_tests(rows: list[Requirement], root: Path = ROOT) -> list[str]:
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
            elif not name.startswith("test_") and "::test_" not in name:
                problems.append(f"{row.id}: {name} is not a test")
            elif name not in collectable_names(path):
                problems.append(f"{row.id}: no test {name} in {match.group(1)}")
    return problems


def missing_paths(rows: list[Requirement], root: Path = ROOT) -> list[str]:
    """Every named code or documentation path that does not exist."""
    return [
        f"{row.id}: no {path}"
        for row in rows
        for path in cited_paths(row)
        if not (root / path).exists()
    ]


def unproven(rows: list[Requirement]) -> list[str]:
    """Ids of the rows whose evidence does not fit their status.

    met: a test or a code location; partly: one of those and what is missing; not met: what is
    missing; n/a: why the requirement does not apply.
    """
    problems = []
    for row in rows:
        evidence = bool(cited_tests(row) or cited_paths(row))
        missing = bool(MISSING.search(row.evidence))
        fits = {
            "met": evidence,
            "partly": evidence and missing,
            "not met": missing,
            "n/a": bool(NOT_APPLICABLE.search(row.evidence)),
        }.get(row.status, False)
        if not fits:
            problems.append(row.id)
    return problems


def test_every_chapter_from_v1_to_v14_has_requirements():
    assert {row.chapter for row in requirements()} == set(CHAPTERS)


def test_requirement_ids_are_asvs_ids_of_their_chapter_listed_once_in_order():
    rows = requirements()
    assert [row.id for row in rows if int(ASVS_ID.match(row.id).group(1)) != row.chapter] == []
    assert [id_ for id_, count in Counter(row.id for row in rows).items() if count > 1] == []
    for chapter in CHAPTERS:
        ids = [tuple(map(int, row.id.split("."))) for row in rows if row.chapter == chapter]
        assert ids == sorted(ids), f"V{chapter} is not in ASVS order"


def test_every_status_is_met_partly_not_met_or_not_applicable():
    assert {row.status for row in requirements()} <= set(STATUSES)


def test_every_cited_test_exists():
    assert missing_tests(requirements()) == []


def test_every_named_code_or_document_path_exists():
    assert missing_paths(requirements()) == []


def test_every_row_has_evidence_or_a_reason_fitting_its_status():
    assert unproven(requirements()) == []


def test_the_summary_counts_the_rows_by_status():
    counted = Counter(row.status for row in requirements())
    assert parse_summary(checklist_text()) == {status: counted[status] for status in STATUSES}


def test_a_missing_file_a_missing_test_and_a_parametrized_id_are_reported():
    this = "tests/unit/test_security_checklist.py"
    cited = [
        "tests/unit/nowhere.py::test_a",
        f"{this}::test_nothing_like_this",
        f"{this}::test_every_cited_test_exists[1]",
        f"{this}::parse_checklist",
        f"{this}::test_every_cited_test_exists",
    ]
    rows = parse_checklist(
        "## V2 Authentication\n"
        + "".join(f"| 2.1.{n} | x | met | `{node}` |\n" for n, node in enumerate(cited, 1))
    )
    assert [problem.split(":")[0] for problem in missing_tests(rows)] == [
        "2.1.1",
        "2.1.2",
        "2.1.3",
        "2.1.4",
    ]


def test_a_named_path_that_does_not_exist_is_reported():
    rows = parse_checklist(
        "## V1 Architecture\n"
        "| 1.1.1 | x | met | `oktra/settings.py`, docs/accounts.md |\n"
        "| 1.1.2 | x | met | `oktra/nowhere.py` |\n"
        "| 1.1.3 | x | met | docs/nowhere.md |\n"
    )
    assert [problem.split(":")[0] for problem in missing_paths(rows)] == ["1.1.2", "1.1.3"]


def test_rows_without_evidence_or_reason_for_their_status_are_reported():
    test = "`tests/unit/test_security_checklist.py::test_every_cited_test_exists`"
    rows = parse_checklist(
        "## V3 Session management\n"
        "| 3.1.1 | x | met | it is fine |\n"
        "| 3.2.1 | x | met | `oktra/accounts/sessions.py` |\n"
        f"| 3.2.2 | x | met | {test} |\n"
        f"| 3.2.3 | x | partly | {test} |\n"
        f"| 3.2.4 | x | partly | {test}. Missing: a rotation |\n"
        "| 3.3.1 | x | not met | later |\n"
        "| 3.3.2 | x | not met | Missing: an idle limit |\n"
        "| 3.3.3 | x | n/a | nothing |\n"
        "| 3.3.4 | x | n/a | Not applicable: no devices |\n"
        "| 3.4.1 | x | done | `oktra/accounts/routes.py` |\n"
    )
    assert unproven(rows) == ["3.1.1", "3.2.3", "3.3.1", "3.3.3", "3.4.1"]


def test_the_summary_table_is_read_per_status():
    text = "| status | rows |\n| --- | ---: |\n| met | 3 |\n| not met | 1 |\n| n/a | 0 |\n"
    assert parse_summary(text) == {"met": 3, "not met": 1, "n/a": 0}
