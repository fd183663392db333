"""OCDS packages: validated offline against the shipped schema; failures land in the report."""

from __future__ import annotations

import socket

import pytest

from oktra.tenders.models import ChangeKind, Status
from oktra.tenders.service import count_tenders, get_tender, import_file, tender_history
from oktra.tenders.sources.ocds import validators

FAILING = {
    "merging_example03-awardAmendment.json": "schema: releases/0/tag/0",
    "merging_example03-record.json": "schema: records/0/releases",
    "serialization-flat.json": "schema: package: 'uri' is a required property",
    "serialization-flat-two-items.json": "schema: package: 'uri' is a required property",
    "language.json": "not an OCDS release or record package",
}


@pytest.fixture
def no_network(monkeypatch):
    """Any attempt to open a socket fails the test."""

    def refuse(*_args, **_kwargs):
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    validators.cache_clear()


def test_worked_examples_that_fail_the_schema_land_in_the_import_report(
    session, ocds_dir, no_network
):
    for name, reason in FAILING.items():
        report = import_file(session=session, path=ocds_dir / name)
        assert len(report.rejected) == 1, name
        assert report.rejected[0].reason.startswith(reason), report.rejected[0]
        assert report.created == 0
    assert count_tenders(session=session) == 0


def test_valid_release_and_record_packages_import_without_network(session, ocds_dir, no_network):
    for name in ("tender.json", "award.json", "record.json", "tenderUpdate.json"):
        report = import_file(session=session, path=ocds_dir / name)
        assert report.rejected == [], name
    assert count_tenders(session=session) == 1


def test_releases_of_one_process_update_it_and_an_award_enters_its_history(session, ocds_dir):
    names = sorted(path.name for path in ocds_dir.glob("easy-releases_worked-example-1_*"))
    reports = [import_file(session=session, path=ocds_dir / name) for name in names]
    assert [report.created for report in reports] == [1, 0, 0]
    assert [report.unchanged for report in reports] == [0, 1, 0]
    assert [report.updated for report in reports] == [0, 0, 1]
    assert count_tenders(session=session) == 1
    tender = get_tender(session=session, source="ocds", source_id="ocds-213czf-371630")
    assert tender.status == Status.AWARDED
    assert tender.award_company == "Bosques del Parana SRL"
    assert tender.award_amount is None
    [change] = tender_history(session=session, tender_id=tender.id)
    assert change.kind == ChangeKind.AWARD
