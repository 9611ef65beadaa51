"""Alembic environment: the engine comes from ``config.attributes`` (see
scheduler/store/migrate.py), so no alembic.ini or URL in a file is needed."""

from __future__ import annotations

from alembic import context

from scheduler.store import models  # noqa: F401  (registers the tables)
from scheduler.store.db import Base

engine = context.config.attributes["engine"]
with engine.connect() as connection:
    context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
