"""benchmarks/bench_service_load.py end to end on the sample county: the
service in its own process, 5 inspectors reading their schedules for about
3 seconds while a re-plan runs.  No timing is asserted: only that every
request succeeded, the figures are printed and the JSON is written."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


def load_benchmark() -> ModuleType:
    if str(BENCHMARKS) not in sys.path:
        sys.path.insert(0, str(BENCHMARKS))  # its `from common import …`
    spec = importlib.util.spec_from_file_location("bench_service_load", BENCHMARKS / "bench_service_load.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look the module up while it loads
    spec.loader.exec_module(module)
    return module


def test_the_load_benchmark_runs_end_to_end_without_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "load.json"
    code = load_benchmark().main(["--size", "sample", "--clients", "5", "--seconds", "3", "--json", str(out)])
    printed = capsys.readouterr().out
    assert code == 0, printed
    for figure in ("requests", "errors 0", "throughput", "p50", "p95", "p99", "max", "solve RUNNING at start"):
        assert figure in printed
    result = json.loads(out.read_text(encoding="utf-8"))
    figures = result["figures"]
    assert figures["errors"] == 0 and figures["requests"] > 0 and figures["throughput_rps"] > 0
    assert set(figures["latency_ms"]) >= {"p50", "p95", "p99", "max"}
    assert result["solve_status_at_start"] == "RUNNING"
    assert result["clients"] == 5 and result["size"] == "sample"
