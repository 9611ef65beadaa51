"""A province on a real Dask LocalCluster (two single-threaded worker
processes, started as the use case starts it), against the serial mode on
the same inputs."""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from scheduler.app.errors import ClusterUnavailable
from scheduler.app.inputs import load_inputs
from scheduler.app.province import CountyFinished, Execution, ProvinceEvent, RunStarted, schedule_province
from scheduler.app.scheduling import check, read_plan_document
from scheduler.assign.events import StopSignal
from scheduler.assign.solver import SolverSettings
from scheduler.province.cluster import describe, open_client
from scheduler.province.summary import ProvinceSummary
from scheduler.province.task import CountyStatus, DrawSpec
from tests.province.conftest import generator

COUNTIES = ["宝安县", "昌安县", "长安县"]
# Never done within a test: no gap allowed, five minutes per county.
SLOW = SolverSettings(time_limit=300.0, gap_limit=0.0, workers=1)


@pytest.fixture(scope="module")
def cluster() -> Iterator[str]:
    """The LocalCluster the use case starts when no scheduler is given (two
    single-threaded worker processes); the tests connect to it by address."""
    with open_client(None, 2) as client:
        info = describe(client, local=True)
        assert (info.workers, info.threads) == (2, 2)
        assert all(w["nthreads"] == 1 for w in client.scheduler_info()["workers"].values())
        pids = set(client.run(os.getpid).values())
        assert len(pids) == 2 and os.getpid() not in pids  # worker processes, not threads of this one
        yield info.address


@pytest.fixture(scope="module")
def slow_province(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """3 counties × 15,000 enterprises (about 200 visits each: CP-SAT does not prove optimality soon)."""
    out = tmp_path_factory.mktemp("slow") / "省"
    generator().generate(out, counties=3, enterprises=15_000, townships=6, inspectors=100, agencies=6)
    return out


def plans(out: Path) -> dict[str, bytes]:
    return {p.parent.name: p.read_bytes() for p in sorted(out.glob("*/plan.json"))}


def summary_json(out: Path) -> dict[str, object]:
    doc = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert isinstance(doc, dict)
    return doc


@pytest.fixture(scope="module")
def serial_run(small_province: Path, tmp_path_factory: pytest.TempPathFactory, seed: DrawSpec,
               audit: SolverSettings) -> Path:
    out = tmp_path_factory.mktemp("serial") / "out"
    schedule_province(small_province, out, draw=seed, settings=audit, execution=Execution(serial=True))
    return out


def test_the_cluster_gives_the_serial_plans_and_each_passes_the_independent_checker(
        cluster: str, serial_run: Path, small_province: Path, tmp_path: Path, seed: DrawSpec, audit: SolverSettings) -> None:
    events: list[ProvinceEvent] = []
    out = tmp_path / "out"
    summary = schedule_province(small_province, out, draw=seed, settings=audit, execution=Execution(scheduler=cluster),
                                on_progress=events.append)
    assert events[0] == RunStarted(3, cluster, 2)
    finished = [e for e in events if isinstance(e, CountyFinished)]
    assert [e.done for e in finished] == [1, 2, 3] and sorted(e.result.county for e in finished) == COUNTIES
    assert {e.result.worker for e in finished}.isdisjoint({""})
    assert [r.county for r in summary.counties] == COUNTIES
    assert all(r.status is CountyStatus.DONE and r.violations == {} for r in summary.counties)
    found = plans(out)
    assert found == plans(serial_run)  # audit mode: byte for byte, wherever each county ran
    for county, data in found.items():  # the checker again, here, on the files written
        assert check(read_plan_document(out / county / "plan.json"), load_inputs([small_province / county])) == []
        assert json.loads(data)["statistics"]["visits"] == next(r.visits for r in summary.counties if r.county == county)
    doc = summary_json(out)
    assert doc["totals"] == {**doc["totals"], "counties": 3, "done": 3, "failed": 0, "cancelled": 0, "violations": {}}


def test_a_failing_county_is_reported_by_name_while_the_others_finish_with_the_rosters_sent_as_bytes(
        cluster: str, serial_run: Path, broken_province: Path, tmp_path: Path, seed: DrawSpec, audit: SolverSettings) -> None:
    out = tmp_path / "out"
    summary = schedule_province(broken_province, out, draw=seed, settings=audit,
                                execution=Execution(scheduler=cluster, send_bytes=True))
    status = {r.county: r.status for r in summary.counties}
    assert status == {"宝安县": CountyStatus.DONE, "昌安县": CountyStatus.FAILED, "长安县": CountyStatus.DONE}
    good = plans(serial_run)
    assert plans(out) == {county: good[county] for county in ("宝安县", "长安县")}  # the workers read no file
    text = (out / "summary.txt").read_text(encoding="utf-8")
    assert "昌安县（失败）：" in text and "不是日期" in text and "inspectors.csv" in text
    assert summary.totals.failed == 1 and summary.totals.done == 2


def run_in_thread(province: Path, out: Path, seed: DrawSpec, execution: Execution,
                  events: list[ProvinceEvent], stop: StopSignal) -> tuple[threading.Thread, dict[str, ProvinceSummary]]:
    outcome: dict[str, ProvinceSummary] = {}

    def run() -> None:
        outcome["summary"] = schedule_province(province, out, draw=seed, settings=SLOW, execution=execution,
                                               on_progress=events.append, stop=stop)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, outcome


def wait_for(condition: object, timeout: float) -> None:
    end = time.monotonic() + timeout
    while not condition() and time.monotonic() < end:  # type: ignore[operator]
        time.sleep(0.05)


def test_cancelling_stops_the_running_counties_at_once_and_starts_no_other(
        cluster: str, slow_province: Path, tmp_path: Path, seed: DrawSpec) -> None:
    events: list[ProvinceEvent] = []
    stop = StopSignal()
    thread, outcome = run_in_thread(slow_province, tmp_path / "out", seed, Execution(scheduler=cluster), events, stop)
    wait_for(lambda: events, 30)
    time.sleep(6)  # both workers are solving their county by now (time limit: 300 s each)
    assert not any(isinstance(e, CountyFinished) for e in events)
    stop.cancel()
    asked = time.monotonic()
    thread.join(60)
    assert not thread.is_alive()
    assert time.monotonic() - asked < 15  # about a second per county, plus closing the client
    summary = outcome["summary"]
    assert [r.status for r in summary.counties] == [CountyStatus.CANCELLED] * 3
    assert any(r.timings.schedule > 0 for r in summary.counties)  # stopped inside the solve
    assert sum("未开始" in r.messages[0] for r in summary.counties) >= 1  # the third county never started
    assert plans(tmp_path / "out") == {}
    assert summary_json(tmp_path / "out")["totals"]["cancelled"] == 3  # type: ignore[index]


def test_finishing_keeps_the_best_plan_of_the_running_county_serially(
        slow_province: Path, tmp_path: Path, seed: DrawSpec) -> None:
    events: list[ProvinceEvent] = []
    stop = StopSignal()
    thread, outcome = run_in_thread(slow_province, tmp_path / "out", seed, Execution(serial=True), events, stop)
    time.sleep(8)  # the first county is in CP-SAT by now
    stop.finish()
    asked = time.monotonic()
    thread.join(60)
    assert not thread.is_alive() and time.monotonic() - asked < 10
    first, *rest = outcome["summary"].counties
    assert first.status is CountyStatus.DONE and first.stopped_early and first.violations == {}
    assert [r.status for r in rest] == [CountyStatus.CANCELLED] * 2
    assert list(plans(tmp_path / "out")) == [first.county]
    doc = read_plan_document(tmp_path / "out" / first.county / "plan.json")
    assert check(doc, load_inputs([slow_province / first.county])) == []


def test_an_unreachable_scheduler_is_refused_in_chinese_and_nothing_is_written(
        small_province: Path, tmp_path: Path, seed: DrawSpec, audit: SolverSettings) -> None:
    out = tmp_path / "out"
    with pytest.raises(ClusterUnavailable, match=r"无法连接 Dask 调度器 tcp://127\.0\.0\.1:9"):
        schedule_province(small_province, out, draw=seed, settings=audit,
                          execution=Execution(scheduler="tcp://127.0.0.1:9", connect_timeout=1.0))
    assert not out.exists()
