"""The store tests use the database fixtures of tests/conftest.py (db_url,
engine): a fresh SQLite file always, and a fresh PostgreSQL schema when
ONEVISIT_TEST_POSTGRES_URL is set (then an unreachable server is an error,
never a skip)."""
