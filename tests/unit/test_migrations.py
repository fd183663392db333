"""Migrations: the same schema on SQLite and PostgreSQL, no drift from the models, reversible."""

from __future__ import annotations

import pyotp
from sqlalchemy import Column, Integer, MetaData, String, Table, inspect, text

from oktra import migrations
from oktra.admin import staff_auth
from oktra.admin.models import StaffMember
from oktra.core.clock import utc_now
from oktra.db import engine_for, session_scope
from oktra.models import METADATA


def test_migrations_build_every_model_table(engine):
    tables = {
        name
        for name in inspect(engine).get_table_names()
        if not name.startswith(migrations.SEARCH_INDEX_OBJECTS)
    }
    assert tables - {"alembic_version"} == set(METADATA.tables)
    assert migrations.current_revision(engine) == migrations.head_revision()


def test_models_and_migrations_do_not_drift(engine):
    assert migrations.drift(engine) == []


def test_drift_is_detected_when_a_model_gains_a_column(engine, monkeypatch):
    extra = Table("drift_probe", MetaData(), Column("id", Integer, primary_key=True))
    monkeypatch.setattr(migrations, "METADATA", _with_table(extra))
    differences = migrations.drift(engine)
    assert any(diff[0] == "add_table" and diff[1].name == "drift_probe" for diff in differences)


def _with_table(table: Table) -> MetaData:
    combined = MetaData()
    for existing in METADATA.tables.values():
        existing.to_metadata(combined)
    table.to_metadata(combined)
    return combined


def test_downgrade_to_base_then_upgrade_again(database_url):
    migrations.upgrade(database_url)
    migrations.downgrade(database_url)
    engine = engine_for(database_url)
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    migrations.upgrade(database_url)
    assert migrations.drift(engine) == []


def test_a_renamed_column_in_a_model_counts_as_drift(engine, monkeypatch):
    renamed = MetaData()
    for existing in METADATA.tables.values():
        copy = existing.to_metadata(renamed)
        if copy.name == "job_run":
            copy.append_column(Column("note", String(10)))
    monkeypatch.setattr(migrations, "METADATA", renamed)
    assert any(diff[0] == "add_column" for diff in migrations.drift(engine))


def test_0014_seals_existing_totp_secrets_and_0013_opens_them_again(database_url):
    migrations.upgrade(database_url, "0013")
    engine = engine_for(database_url)
    secret = pyotp.random_base32()
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO staff_member (id, email, full_name, role, password_hash, totp_secret,"
                " active, created_at) VALUES (5, 'dpo@oktra.ma', 'Dpo', 'dpo', 'x', :secret,"
                " :active, :now)"
            ),
            {"secret": secret, "active": True, "now": utc_now()},
        )
    migrations.upgrade(database_url)
    with session_scope(engine) as session:
        member = session.get(StaffMember, 5)
        assert secret not in member.totp_secret
        assert staff_auth.totp_secret_of(member) == secret
        assert staff_auth.check_totp(member, pyotp.TOTP(secret).now(), utc_now())
    migrations.downgrade(database_url, "0013")
    with engine.connect() as connection:
        stored = connection.execute(text("SELECT totp_secret FROM staff_member")).scalar_one()
    assert stored == secret
