"""Persistence: the database (SQLAlchemy 2 + Alembic), a content-addressed
blob store beside it and the hash-chained audit log.  See docs/persistence.md."""
