"""One county's task, run in this process."""

from __future__ import annotations

import json
import pickle
import shutil
from pathlib import Path

import pytest
from builders import break_inspectors

from scheduler.app.inputs import load_inputs
from scheduler.app.scheduling import check
from scheduler.assign.events import StopSignal
from scheduler.assign.solver import SolverSettings
from scheduler.io.source import Source
from scheduler.province.counties import discover_counties
from scheduler.province.task import CountyStatus, DrawSpec, county_task, run_county


@pytest.fixture(scope="module")
def first(small_province: Path, seed: DrawSpec, audit: SolverSettings) -> tuple[Path, bytes]:
    """The first county and its plan, from its folder."""
    county = discover_counties(small_province)[0]
    result = run_county(county_task(county, seed, audit))
    assert result.status is CountyStatus.DONE, result.messages
    assert result.plan_json is not None
    return county.folder, result.plan_json


def test_a_county_is_drawn_scheduled_and_checked_by_the_independent_checker(
        small_province: Path, seed: DrawSpec, audit: SolverSettings) -> None:
    county = discover_counties(small_province)[0]
    result = run_county(county_task(county, seed, audit))
    assert result.status is CountyStatus.DONE and result.messages == ()
    assert result.visits > 20 and result.assigned + result.unassigned == result.visits
    assert result.violations == {}
    assert result.timings.load > 0 and result.timings.schedule > 0 and result.timings.check > 0
    assert result.worker and result.peak_rss_mib > 0
    assert pickle.loads(pickle.dumps(result)) == result  # it travels back from a worker
    doc = json.loads(result.plan_json or b"")
    assert len(doc["visits"]) == result.assigned
    assert check(doc, load_inputs([county.folder])) == []  # the checker on the bytes as they are written


def test_the_rosters_sent_as_bytes_give_the_same_plan_as_the_folder(
        first: tuple[Path, bytes], small_province: Path, seed: DrawSpec, audit: SolverSettings) -> None:
    county = discover_counties(small_province)[0]
    task = county_task(county, seed, audit, send_bytes=True)
    assert all(isinstance(s, Source) for s in task.sources)
    assert sorted(s.name for s in task.sources if isinstance(s, Source)) == [
        "agencies.csv", "enterprises.csv", "history.csv", "inspectors.csv", "items.csv", "round.toml"]
    result = run_county(pickle.loads(pickle.dumps(task)))
    assert result.plan_json == first[1]


def test_a_broken_roster_is_a_failed_result_with_the_reason_not_an_exception(
        small_province: Path, tmp_path: Path, seed: DrawSpec, audit: SolverSettings) -> None:
    shutil.copytree(small_province / "宝安县", tmp_path / "宝安县")
    break_inspectors(tmp_path / "宝安县")
    result = run_county(county_task(discover_counties(tmp_path)[0], seed, audit))
    assert result.status is CountyStatus.FAILED and result.plan_json is None
    assert result.messages[0].startswith("数据有错误")
    assert any("inspectors.csv" in m and "第 3 行" in m and "不是日期" in m for m in result.messages), result.messages


def test_a_county_without_a_round_file_uses_the_shared_one_or_fails_without_one(
        small_province: Path, tmp_path: Path, seed: DrawSpec, audit: SolverSettings) -> None:
    shutil.copytree(small_province / "宝安县", tmp_path / "宝安县")
    (tmp_path / "宝安县" / "round.toml").unlink()
    result = run_county(county_task(discover_counties(tmp_path)[0], seed, audit))
    assert result.status is CountyStatus.FAILED
    assert "缺少抽查轮次配置" in result.messages[0]
    (tmp_path / "全省.toml").write_text((small_province / "昌安县" / "round.toml").read_text(encoding="utf-8"), encoding="utf-8")
    result = run_county(county_task(discover_counties(tmp_path)[0], seed, audit, send_bytes=True))
    assert result.status is CountyStatus.DONE, result.messages
    assert json.loads(result.plan_json or b"")["round"]["name"] == "昌安县2026年第四季度跨部门联合抽查"


def test_a_stopped_run_does_not_start_a_county(small_province: Path, seed: DrawSpec, audit: SolverSettings) -> None:
    stop = StopSignal()
    stop.finish()
    result = run_county(county_task(discover_counties(small_province)[0], seed, audit), stop)
    assert result.status is CountyStatus.CANCELLED and result.plan_json is None
    assert "未开始" in result.messages[0]


def test_a_county_without_a_seed_is_refused_by_the_draw(small_province: Path, audit: SolverSettings) -> None:
    result = run_county(county_task(discover_counties(small_province)[0], DrawSpec(), audit))
    assert result.status is CountyStatus.FAILED
    assert result.timings.load > 0 and result.timings.draw == 0
