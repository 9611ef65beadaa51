"""Migrations create the schema the models describe, on every backend."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect, text

from scheduler.store import accounts
from scheduler.store.db import Base, is_sqlite, make_engine, read_only, unit_of_work
from scheduler.store.migrate import MIGRATIONS, alembic_config, migrate


def test_upgrade_from_empty_matches_the_models(db_url: str) -> None:
    engine = migrate(db_url)
    try:
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
            assert diff == []
            assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0002"
        assert {"audit_log", "plans", "tokens", "jobs", "roster_snapshots", "publications", "visits",
                "visit_members"} <= set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_a_database_of_the_first_schema_upgrades_keeping_its_rows(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        command.upgrade(alembic_config(engine), "0001")
        with unit_of_work(engine) as session:
            accounts.add_user(session, name="张计划", role="planner", agency="SCJG")
        assert "publications" not in inspect(engine).get_table_names()
        migrate(engine=engine)
        with engine.connect() as conn:
            assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0002"
            assert conn.execute(text("SELECT name FROM users")).scalars().all() == ["张计划"]
        assert {"publications", "visits", "visit_members"} <= set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_migrating_twice_changes_nothing(engine: Engine) -> None:
    migrate(engine=engine)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM alembic_version")).scalar() == 1


def test_sqlite_runs_with_foreign_keys_and_wal(engine: Engine) -> None:
    if not is_sqlite(str(engine.url)):
        return  # PostgreSQL always enforces foreign keys
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"


def test_the_migrations_ship_inside_the_package() -> None:
    assert (MIGRATIONS / "env.py").is_file()
    assert (MIGRATIONS / "versions" / "0001_initial.py").is_file()
    assert MIGRATIONS.parent == Path(__file__).resolve().parents[2] / "scheduler" / "store"


def test_sqlite_writers_take_the_lock_at_begin_and_readers_do_not(engine: Engine) -> None:
    if not is_sqlite(str(engine.url)):
        return  # PostgreSQL: row locks and unique constraints instead
    with unit_of_work(engine) as writer:
        writer.execute(text("SELECT 1"))
        with read_only(engine) as reader:  # WAL: reading while a writer holds the lock
            assert reader.execute(text("SELECT count(*) FROM audit_log")).scalar() == 0
        other = sqlite3.connect(str(engine.url.database), timeout=0, isolation_level=None)
        try:
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")  # a second writer waits for the first
        finally:
            other.close()
