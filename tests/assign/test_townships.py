"""Large rounds (scheduler.assign.townships): classes of a per-township
placement, and placing them together.  Expected days are reasoned from the
module docstring: largest class first, on the day taking most of its visits
(every officer usable, not elsewhere that day, under the cap and the workload
rule), ties by the week's visits per working day, then the earliest day; a
part that does not fit is split off and placed later."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sched_cases import make_case, officer

from scheduler.app.scheduling import check, schedule
from scheduler.assign.occupancy import DayLimits
from scheduler.assign.solver import SolverSettings
from scheduler.assign.townships import classes, linked_groups, place_classes
from scheduler.domain import Workload

TEN = [dt.date(2026, 11, 2) + dt.timedelta(k) for k in range(12) if (dt.date(2026, 11, 2) + dt.timedelta(k)).weekday() < 5]
TOWN = {"V1": "城关镇", "V2": "城关镇", "V3": "城关镇", "V4": "东城街道", "V5": "东城街道"}


def test_visits_linked_by_an_officer_form_one_group() -> None:
    officers = {"V1": ["A", "B"], "V2": ["B", "C"], "V3": ["D", "E"], "V4": ["C", "F"]}
    assert linked_groups(["V1", "V2", "V3", "V4"], officers) == [["V1", "V2", "V4"], ["V3"]]
    assert classes({"V1": 0, "V2": 0, "V3": 0, "V4": 1, "V5": 0}, TOWN, officers | {"V5": ["A", "X"]}) == [
        ["V5"], ["V4"], ["V1", "V2"], ["V3"]]  # by township (东 before 城 in code point order), then day


def test_classes_sharing_an_officer_take_different_days_largest_first() -> None:
    officers = {"V1": ["A", "B"], "V2": ["A", "C"], "V4": ["A", "D"]}
    usable = {v: frozenset(range(10)) for v in officers}
    limits = DayLimits.of(TEN, Workload(5))
    placed = place_classes([["V4"], ["V1", "V2"]], TOWN, officers, usable, dict.fromkeys("ABCD", 4), limits, 10)
    # The pair first, on day 0; V4 needs A in another township: not day 0; the
    # lighter week (visits per working day) wins the tie: day 5, Monday of week 2.
    assert placed == {"V1": 0, "V2": 0, "V4": 5}


def test_a_class_that_does_not_fit_whole_is_split() -> None:
    officers = {"V1": ["A", "B"], "V2": ["B", "C"], "V3": ["C", "D"]}
    usable = {"V1": frozenset({0, 1}), "V2": frozenset({0, 1}), "V3": frozenset({1, 2})}
    limits = DayLimits.of(TEN, Workload(5))
    placed = place_classes([["V1", "V2", "V3"]], TOWN, officers, usable, dict.fromkeys("ABCD", 4), limits, 10)
    assert placed == {"V1": 1, "V2": 1, "V3": 1}  # day 1 takes all three
    usable["V3"] = frozenset({2})
    placed = place_classes([["V1", "V2", "V3"]], TOWN, officers, usable, dict.fromkeys("ABCD", 4), limits, 10)
    assert placed == {"V1": 0, "V2": 0, "V3": 2}  # two of three on day 0; V3, split off, on its only day


def test_the_workload_rule_and_fixed_visits_hold() -> None:
    officers = {"V1": ["A", "B"], "V2": ["A", "C"], "V3": ["A", "D"]}
    usable = {v: frozenset(range(10)) for v in officers}
    one_day = DayLimits.of(TEN, Workload(1))  # A inspects one day a week
    town = {"V1": "城关镇", "V2": "东城街道", "V3": "清河镇"}
    placed = place_classes([["V1"], ["V2"], ["V3"]], town, officers, usable, dict.fromkeys("ABCD", 4), one_day, 10,
                           fixed={"V1": 7})
    assert placed["V1"] == 7 and placed["V2"] < 5  # week 2 is A's through V1: V2 goes in week 1
    assert "V3" not in placed  # two weeks, one day each: no day left for A (the repair step reports it)


def test_a_large_round_is_scheduled_through_the_townships_without_breaking_a_rule(tmp_path: Path) -> None:
    officers = [officer(f"SCJG000{k}", "市场监管", "清河镇", cap="2") for k in range(1, 7)]
    visits = [(("城关镇", "东城街道")[k % 2], ["SCJG-001"]) for k in range(14)]
    case = make_case(tmp_path / "d", visits, officers, days_per_week=2)
    settings = SolverSettings(audit=True, deterministic_time=5.0, cp_sat_max_visits=0)  # every round counts as large
    plan = schedule(case.inputs, case.draw, settings)
    assert "cp_sat_max_visits" in plan.audit.solver["result"]
    assert plan.statistics.assigned == 14 and check(plan, case.inputs) == []
    assert plan.statistics.busiest_week_ratio <= 1.5
    first = plan.visits[0]
    days = sorted({v.date for v in plan.visits})
    other = next(d for d in reversed(TEN) if d not in days and d.weekday() < 5)
    moved = plan.__class__(plan.round, tuple(v if v is not first else type(v)(
        v.visit_id, v.uscc, v.name, v.township, v.items, v.agencies, other, v.team) for v in plan.visits),
        plan.unassigned, plan.statistics, plan.audit)
    pinned = schedule(case.inputs, case.draw, settings, previous=moved, pinned=[first.visit_id])
    kept = pinned.visit(first.visit_id)
    assert kept is not None and (kept.date, kept.team.ids) == (other, first.team.ids)
    assert check(pinned, case.inputs) == []


def test_no_week_takes_more_than_its_share_when_capped() -> None:
    """Six unrelated one-visit classes usable only in week 1 and on one day of
    week 2: without a cap the spread tie-break alone cannot help (week 1 is
    the only choice for most); with a cap of 1.0 × the even share (3 of 6
    visits a week), week 1 takes three and the rest wait (the repair step's)."""
    officers = {f"V{k}": [f"A{k}", f"B{k}"] for k in range(6)}
    usable = {v: frozenset({0, 1, 2, 3, 4}) for v in officers}
    usable["V5"] = frozenset({0, 5})
    limits = DayLimits.of(TEN, Workload(5))
    town = dict.fromkeys(officers, "城关镇")
    caps = {o: 4 for os in officers.values() for o in os}
    free = place_classes([[v] for v in officers], town, officers, usable, caps, limits, 10)
    assert len(free) == 6 and sum(d < 5 for d in free.values()) == 5  # negative control: week 1 holds five
    capped = place_classes([[v] for v in officers], town, officers, usable, caps, limits, 10, week_share=1.0)
    assert sum(d < 5 for d in capped.values()) == 3 and capped["V5"] == 5 and len(capped) == 4
