"""Alembic, configured in code: ``migrate(url)`` creates or upgrades a
database to the newest schema.  No ``alembic.ini`` is needed; the
migrations ship inside the package (``scheduler/store/migrations``)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine

from scheduler.store.db import make_engine

MIGRATIONS = Path(__file__).with_name("migrations")


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def migrate(url: str | None = None, engine: Engine | None = None) -> Engine:
    """Bring the database at *url* (or *engine*) to the newest revision;
    returns the engine."""
    engine = engine or make_engine(url)
    command.upgrade(alembic_config(engine), "head")
    return engine
