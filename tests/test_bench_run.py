"""benchmarks/run.py on the sample county only (county-s, a 2-second CP-SAT
limit): both sides run in their own processes, are checked, and the JSON
holds every figure.  No timing is asserted."""

from __future__ import annotations

import copy
import datetime as dt
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from builders import load_by_path

from scheduler.app.inputs import load_inputs
from scheduler.io import Inputs
from scheduler.sample import sample_dir

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"
SIDE_FIGURES = {"visits", "unassigned", "agency_inspections", "joint_share", "violations", "as_drawn_share",
                "officer_day_township_uses", "gap_to_bound", "busiest_week_ratio", "schedule_seconds", "peak_rss_mib",
                "rss_after_loading_mib", "rss_source", "solver"}


def load(name: str) -> ModuleType:
    if str(BENCHMARKS) not in sys.path:
        sys.path.insert(0, str(BENCHMARKS))  # their `import common`, and the spawned steps' imports
    return load_by_path(f"onevisit_bench_{name}", f"benchmarks/{name}.py")


run = load("run")
figures = load("figures")


@pytest.fixture(scope="module")
def inputs() -> Inputs:
    return load_inputs([sample_dir()])


@pytest.fixture(scope="module")
def outcome(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """One run of the runner on county-s: its exit code, output, JSON and kept plans."""
    tmp = tmp_path_factory.mktemp("bench-run")
    argv = ["--instances", "county-s", "--time-limit", "2", "--json", str(tmp / "run.json"), "--keep", str(tmp / "plans")]
    code = run.main(argv)
    return {"code": code, "report": json.loads((tmp / "run.json").read_text(encoding="utf-8")),
            "plans": {side: json.loads((tmp / "plans" / f"county-s-{side}.json").read_text(encoding="utf-8"))
                      for side in ("onevisit", "baseline")}}


def test_the_json_holds_every_figure_the_machine_the_command_and_the_date(outcome: dict[str, Any]) -> None:
    assert outcome["code"] == 0
    report = outcome["report"]
    assert report["command"].startswith("python benchmarks/run.py --instances county-s --time-limit 2")
    assert dt.datetime.fromisoformat(report["date"]).tzinfo is not None
    assert set(report["machine"]) >= {"cpu_count", "platform", "python", "ortools", "load_average_at_start",
                                      "load_average_at_end"}
    assert report["settings"] == {"time_limit": 2.0, "seed": run.DEFAULT_SEED, "mode": "fast (wall-clock limit)"}
    assert list(report["instances"]) == ["county-s"] and report["unavailable"] == {}
    result = report["instances"]["county-s"]
    assert set(result["onevisit"]) == set(result["baseline"]) == SIDE_FIGURES
    assert set(result["ratios"]) == {"visits", "officer_day_township_uses"}
    assert set(result["onevisit"]["violations"]) == {"total", "1", "2", "3", "4", "5", "6"}
    size = result["instance"]
    assert (size["enterprises"], size["townships"], size["inspectors"], size["agencies"]) == (30_000, 18, 300, 8)


def test_onevisit_has_no_violation_and_fewer_visits_than_the_baseline_at_equal_sizes(outcome: dict[str, Any]) -> None:
    result = outcome["report"]["instances"]["county-s"]
    ours, theirs = result["onevisit"], result["baseline"]
    assert ours["violations"]["total"] == 0
    assert theirs["violations"]["total"] > 0 and theirs["violations"]["3"] > 0 and theirs["violations"]["5"] > 0
    # equal per-agency sample sizes: the same agency-inspections, done in fewer visits
    assert ours["unassigned"] == 0
    assert ours["agency_inspections"] == theirs["agency_inspections"] == sum(result["per_agency_sizes"].values())
    assert ours["visits"] == result["instance"]["drawn_enterprises"]
    assert theirs["visits"] == theirs["agency_inspections"]
    assert 0 < result["ratios"]["visits"] < 1
    assert result["ratios"]["visits"] == ours["visits"] / theirs["visits"]
    assert result["ratios"]["officer_day_township_uses"] == ours["officer_day_township_uses"] / theirs["officer_day_township_uses"]
    assert 0 < ours["joint_share"] < 1 and theirs["joint_share"] == 0
    assert ours["as_drawn_share"] is not None and theirs["as_drawn_share"] is None and theirs["gap_to_bound"] is None
    assert ours["busiest_week_ratio"] >= 1 and theirs["busiest_week_ratio"] >= 1


def test_memory_is_each_steps_own_process(outcome: dict[str, Any]) -> None:
    for side in ("onevisit", "baseline"):
        figs = outcome["report"]["instances"]["county-s"][side]
        assert figs["rss_source"].startswith("VmHWM")
        assert 0 < figs["rss_after_loading_mib"] <= figs["peak_rss_mib"]


def test_the_table_has_a_row_per_figure_and_three_columns_per_instance(outcome: dict[str, Any]) -> None:
    text = run.table(outcome["report"]["instances"])
    lines = text.splitlines()
    assert lines[0].split("|")[2:5] == [" county-s OneVisit ", " county-s baseline ", " county-s ratio "]
    assert len(lines) == 2 + len(run.ROWS)
    visits = next(line for line in lines if line.startswith("| enterprise visits"))
    result = outcome["report"]["instances"]["county-s"]
    assert [c.strip() for c in visits.split("|")[2:5]] == [
        f"{result['onevisit']['visits']:,}", f"{result['baseline']['visits']:,}", f"{result['ratios']['visits']:.2f}"]


def test_a_planted_violation_is_counted_negative_control(outcome: dict[str, Any], inputs: Inputs) -> None:
    doc = copy.deepcopy(outcome["plans"]["onevisit"])
    assert run.evaluate(doc, inputs, solver=True)["violations"]["total"] == 0
    visit = doc["visits"][0]
    day = dt.date.fromisoformat(visit["date"])
    visit["date"] = (day + dt.timedelta(days=5 - day.weekday())).isoformat()  # the Saturday of that week
    found = run.evaluate(doc, inputs, solver=True)["violations"]
    assert found["1"] >= 1 and found["total"] >= 1
    doc = copy.deepcopy(outcome["plans"]["onevisit"])
    team = doc["visits"][0]["team"]
    team[1] = dict(team[1], inspector_id=team[0]["inspector_id"])  # one officer twice
    assert run.evaluate(doc, inputs, solver=True)["violations"]["2"] >= 1


def test_an_unavailable_instance_is_reported_and_the_run_exits_1(tmp_path: Path) -> None:
    not_a_folder = tmp_path / "province.txt"
    not_a_folder.write_text("", encoding="utf-8")
    code = run.main(["--instances", "province", "--province-dir", str(not_a_folder), "--json", str(tmp_path / "p.json")])
    report = json.loads((tmp_path / "p.json").read_text(encoding="utf-8"))
    assert code == 1 and report["instances"] == {}
    assert report["unavailable"]["province"] == f"province: {not_a_folder} is not a folder"


W42 = [dt.date(2026, 10, 12) + dt.timedelta(days=d) for d in range(5)]  # Mon 12 – Fri 16 October
W43 = [dt.date(2026, 10, 19) + dt.timedelta(days=d) for d in range(3)]  # Mon 19 – Wed 21 October


def test_busiest_week_ratio_on_a_hand_made_window() -> None:
    workdays = W42 + W43  # 8 working days: even shares 5/8 and 3/8 of the visits
    assert figures.busiest_week_ratio([W42[0]] * 5 + [W43[2]] * 3, workdays) == 1.0
    # 6 and 2 of 8 visits: week 42 holds 6 / (8 × 5/8) = 1.2, week 43 2 / 3
    assert figures.busiest_week_ratio([W42[1]] * 6 + [W43[0]] * 2, workdays) == pytest.approx(1.2)
    # all 4 in the short week: 4 / (4 × 3/8) = 8/3
    assert figures.busiest_week_ratio([W43[1]] * 4, workdays) == pytest.approx(8 / 3)
    assert figures.busiest_week_ratio([], workdays) == 0.0


def test_busiest_week_ratio_uses_iso_weeks_across_the_new_year() -> None:
    # 28–31 December 2026 and 1 January 2027 are ISO week 2026-W53; 4 January 2027 starts W01
    workdays = [dt.date(2026, 12, 28), dt.date(2026, 12, 29), dt.date(2027, 1, 4), dt.date(2027, 1, 5)]
    visits = [dt.date(2026, 12, 28), dt.date(2027, 1, 1), dt.date(2027, 1, 4), dt.date(2027, 1, 5)]
    assert figures.busiest_week_ratio(visits, workdays) == 1.0


def test_busiest_week_ratio_rejects_a_visit_outside_the_windows_weeks() -> None:
    with pytest.raises(ValueError, match="without a working day"):
        figures.busiest_week_ratio([W42[0], dt.date(2026, 11, 2)], W42 + W43)
    with pytest.raises(ValueError, match="no working day"):
        figures.busiest_week_ratio([W42[0]], [])
