"""Engine, sessions and the declarative base.

The URL comes from ``ONEVISIT_DATABASE_URL``; without it an embedded SQLite
file ``<data dir>/onevisit.db`` is used, the data dir being
``ONEVISIT_DATA_DIR`` (default ``./onevisit-data``).  On SQLite foreign keys
are on, the journal is WAL and every transaction starts with
``BEGIN IMMEDIATE``: SQLite has no advisory locks, so writers take the write
lock at the start and run one at a time.  Every write is one transaction:
:func:`unit_of_work`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import DateTime, Engine, MetaData, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

DATABASE_URL_ENV = "ONEVISIT_DATABASE_URL"
DATA_DIR_ENV = "ONEVISIT_DATA_DIR"
DEFAULT_DATA_DIR = "onevisit-data"
READ_ONLY = "onevisit_read_only"

# Stable constraint names, so migrations and the models agree on every backend.
NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class UTCDateTime(TypeDecorator[dt.datetime]):
    """A timezone-aware UTC timestamp on every backend (SQLite keeps no zone:
    it stores naive UTC and gets the zone back on reading)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: store UTC-aware timestamps only")
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def data_dir() -> Path:
    return Path(os.environ.get(DATA_DIR_ENV) or DEFAULT_DATA_DIR)


def database_url(url: str | None = None) -> str:
    """The given URL, else ``ONEVISIT_DATABASE_URL``, else the SQLite file."""
    if url:
        return url
    if os.environ.get(DATABASE_URL_ENV):
        return os.environ[DATABASE_URL_ENV]
    return f"sqlite:///{(data_dir() / 'onevisit.db').resolve()}"


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN itself (below)
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _sqlite_begin(conn: Any) -> None:
    read_only = conn.get_execution_options().get(READ_ONLY, False)
    conn.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


def make_engine(url: str | None = None) -> Engine:
    """An engine for *url* (see :func:`database_url`); the SQLite file's
    folder is created on first use."""
    url = database_url(url)
    if not is_sqlite(url):
        return create_engine(url, pool_pre_ping=True)
    database = make_url(url).database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": 30})
    event.listen(engine, "connect", _sqlite_pragmas)
    event.listen(engine, "begin", _sqlite_begin)
    return engine


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextlib.contextmanager
def unit_of_work(engine: Engine) -> Iterator[Session]:
    """One transaction: committed when the block ends, rolled back on any error."""
    with session_factory(engine)() as session, session.begin():
        yield session


@contextlib.contextmanager
def read_only(engine: Engine) -> Iterator[Session]:
    """A reading transaction: on SQLite a plain (deferred) BEGIN, so it does
    not take the write lock; it is rolled back at the end."""
    with sessionmaker(engine.execution_options(**{READ_ONLY: True}))() as session, session.begin():
        yield session
        session.rollback()
