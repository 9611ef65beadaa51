from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from scheduler.cli import app
from scheduler.export.context import ExportContext, build_context
from scheduler.io import Report, load
from scheduler.io.results import read_results

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))  # tests/builders.py


@pytest.fixture(scope="session")
def sample_dir() -> Path:
    return ROOT / "data" / "sample"


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo") / "demo"
    result = CliRunner().invoke(app, ["demo", "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="session")
def ctx(demo: Path, sample_dir: Path) -> ExportContext:
    inputs = load([sample_dir], Report())
    assert inputs is not None
    plan: dict[str, Any] = json.loads((demo / "schedule" / "plan.json").read_text(encoding="utf-8"))
    report = Report()
    results = read_results(next((demo / "results").glob("*.csv")), plan, inputs.dataset.items, report)
    assert results and report.ok, report.sorted()
    return build_context(plan, inputs.dataset, demo / "draw", results)
