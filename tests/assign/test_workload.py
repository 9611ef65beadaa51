"""The workload rule (rule 6): at most N inspection days per officer in an ISO
week, and optionally in a month; the solver keeps it, the independent checker
finds a plan that breaks it, and the round file is the authority over the
plan's header."""

from __future__ import annotations

import copy
import datetime as dt
from collections import defaultdict
from pathlib import Path
from typing import Any

from sched_cases import make_case, officer

from scheduler.assign.validate import check_plan
from scheduler.domain import Workload


def days_per_period(plan: dict[str, Any], period: str) -> dict[tuple[str, tuple[int, int]], set[str]]:
    """Per (officer, week or month): the dates of their visits, counted here
    from the plan alone."""
    out: dict[tuple[str, tuple[int, int]], set[str]] = defaultdict(set)
    for v in plan["visits"]:
        day = dt.date.fromisoformat(v["date"])
        key = day.isocalendar()[:2] if period == "week" else (day.year, day.month)
        for m in v["team"]:
            out[(m["inspector_id"], key)].add(v["date"])
    return out


def two_officers_six_visits(tmp_path: Path, **workload: Any) -> Any:
    """Six visits in one township, each needing both officers, who can do one
    visit a day: each visit takes one officer-day of each, so the weekly
    limit decides how many of the window's ten working days can be used."""
    officers = [officer("SCJG0001", "市场监管", "清河镇", cap="1"), officer("SCJG0002", "市场监管", "清河镇", cap="1")]
    return make_case(tmp_path / "d", [("城关镇", ["SCJG-001"])] * 6, officers, **workload)


def test_the_solver_keeps_the_weekly_limit_and_it_binds(tmp_path: Path) -> None:
    free = two_officers_six_visits(tmp_path / "a").solve().plan  # negative control: no limit, everything fits
    assert free["statistics"]["assigned"] == 6
    three = two_officers_six_visits(tmp_path / "b", days_per_week=3).solve().plan
    assert three["statistics"]["assigned"] == 6
    assert three["round"]["workload"] == {"max_days_per_week": 3, "max_days_per_month": None}
    assert sorted(len(d) for d in days_per_period(three, "week").values()) == [3, 3, 3, 3]  # two officers, two weeks
    two = two_officers_six_visits(tmp_path / "c", days_per_week=2)
    plan = two.solve().plan
    assert (plan["statistics"]["assigned"], plan["statistics"]["unassigned"]) == (4, 2)  # 2 days × 2 weeks
    assert max(len(d) for d in days_per_period(plan, "week").values()) == 2
    assert two.violations(plan) == []


def test_the_checker_finds_a_week_over_the_limit(tmp_path: Path) -> None:
    case = two_officers_six_visits(tmp_path, days_per_week=3)
    plan = case.solve().plan
    assert case.violations(plan) == []
    broken = copy.deepcopy(plan)
    week_days = {dt.date(2026, 11, 2) + dt.timedelta(k) for k in range(5)}
    used = {v["date"] for v in broken["visits"]}
    spare = min(d.isoformat() for d in week_days if d.isoformat() not in used)  # a free day of the first week
    moved = next(v for v in broken["visits"] if dt.date.fromisoformat(v["date"]) not in week_days)
    moved["date"] = spare
    found = case.violations(broken)
    assert {(v.rule, v.inspector_id) for v in found} == {(6, "SCJG0001"), (6, "SCJG0002")}
    assert all("2026年第45周检查 4 天" in v.message and "超过每周最多 3 天" in v.message for v in found)
    # The round file is the authority: a header raised to 7 does not hide it.
    relaxed = copy.deepcopy(broken)
    relaxed["round"]["workload"]["max_days_per_week"] = 7
    assert case.violations(relaxed) == []
    assert {v.rule for v in check_plan(relaxed, case.inputs.dataset, case.inputs.calendar, workload=Workload(3))} == {6}


def test_the_monthly_limit(tmp_path: Path) -> None:
    officers = [officer("SCJG0001", "市场监管", "清河镇", cap="1"), officer("SCJG0002", "市场监管", "清河镇", cap="1")]
    case = make_case(tmp_path / "d", [("城关镇", ["SCJG-001"])] * 6, officers, window=("2026-11-23", "2026-12-04"),
                     days_per_month=2)
    plan = case.solve().plan
    assert plan["statistics"]["assigned"] == 4  # two days in November, two in December
    assert {len(d) for d in days_per_period(plan, "month").values()} == {2}
    assert case.violations(plan) == []
    broken = copy.deepcopy(plan)
    december = [v for v in broken["visits"] if v["date"] >= "2026-12-01"]
    december[0]["date"] = next(d for d in ("2026-11-23", "2026-11-24", "2026-11-25") if d not in {v["date"] for v in broken["visits"]})
    assert {(v.rule, v.inspector_id) for v in case.violations(broken)} == {(6, "SCJG0001"), (6, "SCJG0002")}
    assert "超过每月最多 2 天" in case.violations(broken)[0].message
