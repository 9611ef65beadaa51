from __future__ import annotations

import contextlib
import os
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from scheduler.app.demo import demo as run_demo
from scheduler.app.drawing import load_draw
from scheduler.app.inputs import load_inputs
from scheduler.app.results import record_results
from scheduler.app.scheduling import load_plan
from scheduler.export.context import ExportContext, build_context
from scheduler.store.migrate import migrate

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))  # tests/builders.py


@pytest.fixture(scope="session")
def sample_dir() -> Path:
    return ROOT / "data" / "sample"


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample county's round, run through the use cases (the demo's)."""
    out = tmp_path_factory.mktemp("demo") / "demo"
    return run_demo(out)


@pytest.fixture(scope="session")
def ctx(demo: Path, sample_dir: Path) -> ExportContext:
    inputs = load_inputs([sample_dir])
    plan = load_plan(demo / "schedule" / "plan.json")
    recorded = record_results(next((demo / "results").glob("*.csv")), plan, inputs)
    assert recorded.results and recorded.report.ok
    return build_context(plan, inputs.dataset, load_draw(demo / "draw"), recorded.results)


# --- databases (tests/store, tests/api): a fresh SQLite file always, and a fresh
# PostgreSQL schema when ONEVISIT_TEST_POSTGRES_URL is set (then an unreachable
# server is an error, never a skip).

POSTGRES_ENV = "ONEVISIT_TEST_POSTGRES_URL"
BACKENDS = ["sqlite", "postgresql"] if os.environ.get(POSTGRES_ENV) else ["sqlite"]


@contextlib.contextmanager
def fresh_database(backend: str, folder: Path) -> Iterator[str]:
    """An empty database's URL; on PostgreSQL a uniquely named schema in the
    test database (set as the connection's search_path), dropped afterwards."""
    if backend == "sqlite":
        yield f"sqlite:///{folder / 'onevisit.db'}"
        return
    base = os.environ[POSTGRES_ENV]
    schema = f"onevisit_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base)
    try:
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        yield make_url(base).update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database (see :func:`fresh_database`) for one test."""
    with fresh_database(request.param, tmp_path) as url:
        yield url


@pytest.fixture(scope="module", params=BACKENDS)
def module_db_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """An empty database shared by one test module (a service scenario)."""
    with fresh_database(request.param, tmp_path_factory.mktemp("db")) as url:
        yield url


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """The database migrated to head."""
    eng = migrate(db_url)
    yield eng
    eng.dispose()
