"""benchmarks/run.py on a tiny province (2 counties × 3,000 enterprises, a
2-second CP-SAT limit, a LocalCluster of 2 workers, and the serial run):
the JSON's structure and the facts that must hold whatever the timing.
No timing is asserted."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from test_bench_run import SIDE_FIGURES, load

from scheduler.app.inputs import load_inputs
from scheduler.province.summary import summarise
from scheduler.province.task import CountyResult, CountyStatus

run = load("run")
province_run = load("province_run")
figures = load("figures")

COUNTIES = ["宝安县", "昌安县"]  # data/generate_province.py's first two names


@pytest.fixture(scope="module")
def outcome(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """One run of the runner on the tiny province: exit code, JSON, kept plans, the province folder."""
    tmp = tmp_path_factory.mktemp("bench-province")
    argv = ["--instances", "province", "--province-counties", "2", "--province-enterprises", "3000", "--time-limit", "2",
            "--province-serial", "--province-dir", str(tmp / "province"), "--json", str(tmp / "run.json"),
            "--keep", str(tmp / "plans")]
    code = run.main(argv)
    plans = {c: json.loads((tmp / "plans" / "province-onevisit" / c / "plan.json").read_text(encoding="utf-8")) for c in COUNTIES}
    baseline = {c: json.loads((tmp / "plans" / "province-baseline" / f"{c}.json").read_text(encoding="utf-8")) for c in COUNTIES}
    return {"code": code, "report": json.loads((tmp / "run.json").read_text(encoding="utf-8")), "plans": plans,
            "baseline": baseline, "folder": tmp / "province"}


def test_the_json_has_the_county_instances_shape_and_the_province_run(outcome: dict[str, Any]) -> None:
    assert outcome["code"] == 0
    report = outcome["report"]
    assert report["unavailable"] == {} and list(report["instances"]) == ["province"]
    assert report["settings"]["province"] == {"counties": 2, "enterprises": 3000, "dir": str(outcome["folder"]),
                                              "workers": 2, "serial": True}
    result = report["instances"]["province"]
    assert set(result["onevisit"]) == set(result["baseline"]) == SIDE_FIGURES
    assert set(result["onevisit"]["violations"]) == {"total", "1", "2", "3", "4", "5", "6"}
    assert set(result["ratios"]) == {"visits", "officer_day_township_uses"}
    size = result["instance"]
    assert (size["counties"], size["enterprises"], size["townships"], size["inspectors"]) == (2, 6000, 16, 400)
    assert sorted(result["counties"]) == COUNTIES
    p = result["province"]
    assert p["counties"] == 2 and p["generated_counties"] == 2 and p["failed_counties"] == {}
    assert p["draws_match"] is True  # the workers drew what the load + draw step drew
    assert p["dask"]["workers"] == 2 and p["solver_settings"]["cp_sat_workers"] == 1
    assert len(p["dask"]["worker_peak_rss_mib"]) == 2 and all(v > 0 for v in p["dask"]["worker_peak_rss_mib"].values())
    assert result["onevisit"]["peak_rss_mib"] == max(p["dask"]["worker_peak_rss_mib"].values())
    assert p["load_validate_draw"]["peak_rss_mib"] > 0 and p["load_validate_draw"]["seconds"] > 0
    serial = p["serial"]
    assert serial["scaling_efficiency"] == pytest.approx(serial["wall_seconds"] / (2 * p["dask"]["wall_seconds"]), abs=1e-3)


def test_onevisit_has_no_violation_and_fewer_visits_than_the_baseline(outcome: dict[str, Any]) -> None:
    result = outcome["report"]["instances"]["province"]
    ours, theirs = result["onevisit"], result["baseline"]
    assert ours["violations"]["total"] == 0 and ours["unassigned"] == 0
    assert theirs["violations"]["total"] > 0
    assert ours["agency_inspections"] == theirs["agency_inspections"] == sum(result["per_agency_sizes"].values())
    assert ours["visits"] == result["instance"]["drawn_enterprises"]
    assert 0 < result["ratios"]["visits"] < 1
    assert 0 < ours["joint_share"] < 1 and theirs["joint_share"] == 0
    assert ours["as_drawn_share"] is not None and theirs["gap_to_bound"] is None


def test_the_province_figures_are_the_counties_together(outcome: dict[str, Any]) -> None:
    result = outcome["report"]["instances"]["province"]
    for side in ("onevisit", "baseline"):
        counties = [result["counties"][c][side] for c in COUNTIES]
        for key in ("visits", "agency_inspections", "officer_day_township_uses"):
            assert result[side][key] == sum(c[key] for c in counties)
        for rule in result[side]["violations"]:
            assert result[side]["violations"][rule] == sum(c["violations"][rule] for c in counties)
    # the busiest week over every visit of the province, from the plans written (one window for all counties)
    inputs = load_inputs([outcome["folder"] / COUNTIES[0]], need_round=True)
    assert inputs.round is not None
    workdays = inputs.calendar.workdays(inputs.round.start, inputs.round.end)
    plans = [*outcome["plans"].values()]
    for side, docs in (("onevisit", plans), ("baseline", [*outcome["baseline"].values()])):
        dates = [dt.date.fromisoformat(v["date"]) for doc in docs for v in doc["visits"]]
        assert result[side]["busiest_week_ratio"] == pytest.approx(figures.busiest_week_ratio(dates, workdays))
    uses = sum(d["statistics"]["officer_day_township_uses"] for d in plans)
    bound = sum(d["statistics"]["lower_bound_uses_given_teams"] for d in plans)
    assert result["onevisit"]["gap_to_bound"] == pytest.approx(uses / bound - 1)


def test_the_table_has_the_province_columns_and_the_run_lines(outcome: dict[str, Any]) -> None:
    result = outcome["report"]["instances"]
    lines = run.table(result).splitlines()
    assert lines[0].split("|")[2:5] == [" province OneVisit ", " province baseline ", " province ratio "]
    text = province_run.run_text(result["province"])
    assert "2 workers × 1 thread" in text and "scaling efficiency" in text


def test_a_province_folder_is_reused_and_a_smaller_province_is_its_first_counties(outcome: dict[str, Any], tmp_path: Path) -> None:
    folder = outcome["folder"]
    before = {p: p.stat().st_mtime_ns for p in folder.rglob("*.csv")}
    prepared = province_run.prepare(province_run.ProvinceOptions(counties=1, enterprises=3000, folder=folder), tmp_path)
    assert (prepared.generated, prepared.names) == (0, COUNTIES[:1])
    assert {p: p.stat().st_mtime_ns for p in folder.rglob("*.csv")} == before
    view = province_run.county_view(folder, prepared.names, tmp_path / "view")
    assert sorted(p.name for p in view.iterdir()) == COUNTIES[:1]


def _doc(dates: list[str], agencies: list[list[str]], uses: int, bound: int, as_drawn: float) -> dict[str, Any]:
    visits = [{"uscc": f"U{n}", "agencies": a, "date": d} for n, (d, a) in enumerate(zip(dates, agencies, strict=True))]
    return {"visits": visits, "unassigned": [],
            "statistics": {"officer_day_township_uses": uses, "lower_bound_uses_given_teams": bound, "as_drawn_share": as_drawn,
                           "gap_to_bound": uses / bound - 1}}


W42 = [(dt.date(2026, 10, 12) + dt.timedelta(days=d)).isoformat() for d in range(5)]
W43 = [(dt.date(2026, 10, 19) + dt.timedelta(days=d)).isoformat() for d in range(5)]


def test_merged_plans_total_uses_and_bounds_and_weight_the_as_drawn_share() -> None:
    a = _doc([W42[0]] * 4, [["A", "B"], ["A"], ["A"], ["B"]], uses=10, bound=10, as_drawn=0.5)  # 2 of 4 as drawn
    b = _doc([W43[0]], [["A"]], uses=30, bound=20, as_drawn=1.0)  # gap 50 %
    merged = figures.merge_plans([a, b])
    st = merged["statistics"]
    assert (st["officer_day_township_uses"], st["lower_bound_uses_given_teams"]) == (40, 30)
    assert st["gap_to_bound"] == pytest.approx(40 / 30 - 1)  # not the mean of the gaps (0.25)
    assert st["as_drawn_share"] == pytest.approx(3 / 5)  # not the mean of the shares (0.75)
    days = [dt.date.fromisoformat(d) for d in W42 + W43]
    got = figures.plan_figures(merged, [3, 3, 5], days, solver_statistics=True)
    assert (got["visits"], got["agency_inspections"]) == (5, 6)
    assert got["joint_share"] == pytest.approx(2 / 6)
    assert got["violations"]["3"] == 2 and got["violations"]["5"] == 1 and got["violations"]["total"] == 3
    assert got["busiest_week_ratio"] == pytest.approx(4 / (5 * 5 / 10))  # 4 of 5 visits in week 42


def test_onevisit_side_counts_the_workers_violations_negative_control() -> None:
    docs = {"甲县": _doc([W42[0], W43[1]], [["A"], ["A", "B"]], 4, 4, 1.0), "乙县": _doc([W42[2]], [["B"]], 2, 2, 1.0)}
    results = [CountyResult("甲县", CountyStatus.DONE, visits=2, assigned=2, violations={3: 2, 5: 1}, worker="h:1", peak_rss_mib=300),
               CountyResult("乙县", CountyStatus.DONE, visits=1, assigned=1, violations={}, worker="h:2", peak_rss_mib=250),
               CountyResult("丙县", CountyStatus.FAILED, ("坏了",), worker="h:2", peak_rss_mib=260)]
    summary = summarise(results, wall_seconds=5.0, where="tcp://x", workers=2, settings={})
    for doc in docs.values():
        doc["audit"] = {"solver": {"status": "OPTIMAL"}}
    scheduled = province_run.Scheduled(summary, {c: figures.slim(d) for c, d in docs.items()}, 7.0)
    days = [dt.date.fromisoformat(d) for d in W42 + W43]
    ours = province_run.onevisit_side(scheduled, ["甲县", "乙县"], days)
    assert ours["violations"] == {"total": 3, "1": 0, "2": 0, "3": 2, "4": 0, "5": 1, "6": 0}
    assert (ours["visits"], ours["agency_inspections"], ours["solver"]) == (3, 4, {"OPTIMAL": 2})
    assert ours["peak_rss_mib"] == 300 and ours["schedule_seconds"] == 5.0
    assert province_run.worker_peaks(summary) == {"h:1": 300, "h:2": 260}
