"""The personal-data registry guard: a table that references a user must be registered."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Integer, MetaData, String, Table

from oktra.models import METADATA
from oktra.privacy.registry import REGISTRY, USER_TABLE, unregistered_user_tables


def test_every_table_that_references_a_user_is_registered():
    assert unregistered_user_tables(METADATA) == []


def test_an_unregistered_table_with_a_user_foreign_key_is_caught():
    metadata = MetaData()
    Table(USER_TABLE, metadata, Column("id", Integer, primary_key=True))
    Table(
        "notes",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("author", Integer, ForeignKey(f"{USER_TABLE}.id")),
    )
    assert unregistered_user_tables(metadata) == ["notes"]


def test_an_unregistered_table_with_a_user_id_column_is_caught():
    metadata = MetaData()
    Table("exports", metadata, Column("id", Integer, primary_key=True), Column("user_id", Integer))
    Table("reviewed", metadata, Column("reviewer_user_id", Integer))
    Table("plain", metadata, Column("name", String(10)))
    assert unregistered_user_tables(metadata) == ["exports", "reviewed"]


def test_each_declaration_names_real_columns_of_its_table():
    for declaration in REGISTRY.values():
        table = METADATA.tables[declaration.table]
        columns = set(table.columns.keys())
        assert declaration.user_link in columns
        assert set(declaration.export_columns) <= columns
        assert set(declaration.anonymize_columns) <= columns
