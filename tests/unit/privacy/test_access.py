"""Access: every registered datum of the user, by category, in the user's language."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from oktra.core.errors import NotFoundError
from oktra.i18n import t
from oktra.privacy import access
from oktra.privacy.policy import CATEGORY_LABELS
from oktra.privacy.registry import REGISTRY, declarations_by_category
from tests.unit.privacy.rights_data import insert_row, make_person, populate

BEFORE = datetime(2026, 10, 31, 9, 0, tzinfo=UTC)


@pytest.fixture
def person(session):
    """The account whose data is shown."""
    return make_person(
        session,
        name="Houda Lisible",
        email="houda.lisible@example.ma",
        phone="0612000003",
        when=BEFORE,
    )


@pytest.fixture
def control(session):
    """Another account, of which nothing may be shown."""
    return make_person(
        session,
        name="Said Autre",
        email="said.autre@example.ma",
        phone="0612000004",
        when=BEFORE,
    )


def test_the_overview_shows_every_registered_table_by_category_in_french(session, person):
    populate(session, person, BEFORE)

    overview = access.data_overview(session=session, user_id=person.user_id, lang="fr")

    assert [group["category"] for group in overview] == [
        c.value for c in declarations_by_category()
    ]
    for group, (category, declarations) in zip(
        overview, declarations_by_category().items(), strict=True
    ):
        assert group["title"] == t("fr", CATEGORY_LABELS[category])
        assert [table["table"] for table in group["tables"]] == [d.table for d in declarations]
        for table, declaration in zip(group["tables"], declarations, strict=True):
            assert table["purpose"] == t("fr", declaration.purpose)
            assert table["retention"] == t("fr", declaration.retention)
            assert table["count"] >= 1 and len(table["rows"]) == table["count"]
            assert table["more"] == 0
            labels = [label for label, _value in table["rows"][0]]
            assert labels == [access.column_label(c, "fr") for c in declaration.export_columns]
    tables = {table["table"]: table for group in overview for table in group["tables"]}
    account = dict(tables["user_account"]["rows"][0])
    assert account[t("fr", "Email")] == person.email
    assert account[t("fr", "Phone")] == person.phone
    assert t("fr", "Full name") != "Full name"


def test_the_overview_shows_nothing_of_another_user(session, person, control):
    populate(session, person, BEFORE)
    populate(session, control, BEFORE)

    shown = str(access.data_overview(session=session, user_id=person.user_id, lang="ar")).lower()

    assert person.email in shown
    assert not any(needle in shown for needle in (control.email, "said autre", control.phone))


def test_long_tables_show_the_newest_rows_and_count_the_others(session, person):
    for day in range(access.ROW_LIMIT + 5):
        insert_row(session, "alert_delivery", person, BEFORE + timedelta(days=day))

    overview = access.data_overview(session=session, user_id=person.user_id, lang="en")

    table = next(
        table
        for group in overview
        for table in group["tables"]
        if table["table"] == "alert_delivery"
    )
    assert (table["count"], len(table["rows"]), table["more"]) == (55, 50, 5)
    newest = dict(table["rows"][0])
    assert newest["Created on"].startswith("Dec 24, 2026")


def test_values_are_written_for_people(session, person):
    assert access.shown_value(True, "fr") == "Oui"
    assert access.shown_value(None, "fr") == ""
    assert access.shown_value(["btp", "it"], "fr") == "btp, it"
    assert "2026" in access.shown_value(BEFORE, "ar")


def test_every_exported_column_has_a_label():
    columns = {name for d in REGISTRY.values() for name in d.export_columns}
    assert sorted(columns - set(access.COLUMN_LABELS)) == []


def test_an_unknown_user_has_no_overview(session):
    with pytest.raises(NotFoundError):
        access.data_overview(session=session, user_id=999_999, lang="fr")
