from __future__ import annotations

import sys
from pathlib import Path

import pytest

from scheduler.app.demo import demo as run_demo
from scheduler.app.drawing import load_draw
from scheduler.app.inputs import load_inputs
from scheduler.app.results import record_results
from scheduler.app.scheduling import load_plan
from scheduler.export.context import ExportContext, build_context

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
