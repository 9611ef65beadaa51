"""The visibility rules (scheduler.access): each rule has a test that fails
when the rule is removed."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest
from builders import tiny_plan

from scheduler.access import (
    PUBLIC,
    Decision,
    RoundScope,
    Viewer,
    inspector_schedule,
    public_draw_file,
    public_visits,
    reveal_date,
    round_access,
    round_scope,
    sees_targets,
    township_visits,
    visits_by_inspector,
)
from scheduler.app.scheduling import load_plan
from scheduler.plan import Plan, Team, TeamMember
from scheduler.vocabulary import LEADER
from scheduler.workdays import WorkCalendar

D = dt.date.fromisoformat
CAL = WorkCalendar()
PLANNER = Viewer("planner", 1, agency="SCJG")
OTHER_PLANNER = Viewer("planner", 2, agency="XYZJ")
HEALTH_PLANNER = Viewer("planner", 3, agency="WSJ")
INSPECTOR_A = Viewer("inspector", 4, inspector_id="A1")
INSPECTOR_B = Viewer("inspector", 5, inspector_id="B1")
TOWN_X = Viewer("township", 6, township="城关镇")
TOWN_Y = Viewer("township", 7, township="清河镇")


def officer(inspector_id: str) -> Team:
    return Team((TeamMember(inspector_id, inspector_id, "SCJG", LEADER, True, 0),))


def county_plan() -> Plan:
    """Four visits: A in 城关镇 on Mon 2026-11-23 and Mon 2026-10-12 (after
    the 调休 Saturday 10-10), B in 清河镇 on 2026-11-23 (a WSJ item), A on
    Mon 2026-03-02 (after the 调休 Saturday 02-28)."""
    plan = tiny_plan([("U1", ["SCJG-1"], "2026-11-23"), ("U2", ["SCJG-1", "WSJ-2"], "2026-11-23"),
                      ("U3", ["SCJG-1"], "2026-10-12"), ("U4", ["SCJG-1"], "2026-03-02")],
                     window=("2026-01-05", "2026-12-25"))
    v1, v2, v3, v4 = plan.visits
    visits = (dataclasses.replace(v1, team=officer("A1")),
              dataclasses.replace(v2, team=officer("B1"), township="清河镇"),
              dataclasses.replace(v3, team=officer("A1")),
              dataclasses.replace(v4, team=officer("A1")))
    return dataclasses.replace(plan, visits=visits)


PLAN = county_plan()
PUBLISHED = round_scope(PLAN, published=True)
UNPUBLISHED = round_scope(PLAN, published=False)


def test_scope_holds_lead_and_visit_agencies() -> None:
    assert RoundScope("SCJG", frozenset({"SCJG", "WSJ"}), True) == PUBLISHED


def test_planner_sees_only_their_offices_rounds() -> None:
    assert round_access(PLANNER, UNPUBLISHED) is Decision.ALLOWED
    assert round_access(HEALTH_PLANNER, UNPUBLISHED) is Decision.ALLOWED  # one of its agencies
    assert round_access(OTHER_PLANNER, UNPUBLISHED) is Decision.NOT_FOUND
    assert round_access(OTHER_PLANNER, PUBLISHED) is Decision.NOT_FOUND
    assert sees_targets(PLANNER, UNPUBLISHED)
    assert not sees_targets(OTHER_PLANNER, PUBLISHED)


def test_planner_without_agency_sees_nothing() -> None:
    assert round_access(Viewer("planner", 9), UNPUBLISHED) is Decision.NOT_FOUND


@pytest.mark.parametrize("who", [INSPECTOR_A, TOWN_X, PUBLIC])
def test_nothing_of_an_unpublished_round_outside_the_planner_role(who: Viewer) -> None:
    assert round_access(who, UNPUBLISHED) is Decision.NOT_FOUND
    assert not sees_targets(who, UNPUBLISHED)
    assert round_access(who, PUBLISHED) is Decision.ALLOWED


def test_unpublished_visits_are_not_found_for_every_non_planner() -> None:
    today = D("2026-12-31")
    assert inspector_schedule(INSPECTOR_A, PLAN, UNPUBLISHED, today, CAL) is Decision.NOT_FOUND
    assert township_visits(TOWN_X, PLAN, UNPUBLISHED) is Decision.NOT_FOUND
    assert public_visits(PLAN, UNPUBLISHED, today) is Decision.NOT_FOUND


def test_reveal_date_counts_working_days() -> None:
    assert reveal_date(D("2026-11-23"), CAL) == D("2026-11-20")  # Monday -> the Friday before
    assert reveal_date(D("2026-11-23"), CAL, 2) == D("2026-11-19")
    assert reveal_date(D("2026-11-24"), CAL) == D("2026-11-23")
    assert reveal_date(D("2026-11-23"), CAL, 0) == D("2026-11-23")


def test_reveal_date_across_make_up_workdays() -> None:
    # 2026-10-10 (Saturday) and 2026-02-28 (Saturday) are 调休 working days.
    assert reveal_date(D("2026-10-12"), CAL) == D("2026-10-10")
    assert reveal_date(D("2026-03-02"), CAL) == D("2026-02-28")
    # A user calendar that makes Saturday 2027-03-06 a working day.
    user = WorkCalendar(overrides={D("2027-03-06"): True})
    assert reveal_date(D("2027-03-08"), user) == D("2027-03-06")


def test_reveal_date_skips_the_holiday() -> None:
    # National Day 2026-10-01..07: the working day before Thursday 10-08 is Wednesday 09-30.
    assert reveal_date(D("2026-10-08"), CAL) == D("2026-09-30")


def schedule(who: Viewer, today: str, workdays: int = 1) -> tuple[dict[str, object], ...]:
    views = inspector_schedule(who, PLAN, PUBLISHED, D(today), CAL, workdays)
    assert not isinstance(views, Decision)
    return tuple({"date": v.date.isoformat(), "uscc": v.uscc, "name": v.name, "id": v.visit_id,
                  "revealed": v.revealed, "items": v.items, "team": v.team.ids, "township": v.township} for v in views)


def test_inspector_sees_only_own_visits() -> None:
    assert {v["date"] for v in schedule(INSPECTOR_A, "2026-12-31")} == {"2026-03-02", "2026-10-12", "2026-11-23"}
    assert [v["uscc"] for v in schedule(INSPECTOR_B, "2026-12-31")] == ["U2"]
    assert all(v["team"] == ("A1",) for v in schedule(INSPECTOR_A, "2026-12-31"))


@pytest.fixture(scope="module")
def demo_plan(demo: Path) -> Plan:
    return load_plan(demo / "schedule" / "plan.json")


def test_an_inspector_index_gives_the_same_schedule_as_a_scan(demo_plan: Plan) -> None:
    index = visits_by_inspector(demo_plan)
    scope = round_scope(demo_plan, published=True)
    ids = sorted({i for v in demo_plan.visits for i in v.team.ids})
    assert set(index) == set(ids) and sum(map(len, index.values())) == sum(len(v.team) for v in demo_plan.visits)
    for inspector_id in [*ids[:40], "nobody"]:
        who = Viewer("inspector", 9, inspector_id=inspector_id)
        scanned = inspector_schedule(who, demo_plan, scope, D("2026-11-02"), CAL)
        assert inspector_schedule(who, demo_plan, scope, D("2026-11-02"), CAL, index=index) == scanned


def test_inspector_sees_the_enterprise_from_the_friday_before_a_monday() -> None:
    thursday = {v["date"]: v for v in schedule(INSPECTOR_A, "2026-11-19")}["2026-11-23"]
    assert thursday == {"date": "2026-11-23", "uscc": None, "name": None, "id": None, "revealed": False,
                        "items": (), "team": ("A1",), "township": "城关镇"}
    friday = {v["date"]: v for v in schedule(INSPECTOR_A, "2026-11-20")}["2026-11-23"]
    assert friday["revealed"] and friday["uscc"] == "U1" and friday["name"] == "企业1" and friday["items"] == ("SCJG-1",)
    assert friday["id"] == PLAN.visits[0].visit_id


def test_inspector_reveal_across_a_make_up_saturday() -> None:
    friday = {v["date"]: v for v in schedule(INSPECTOR_A, "2026-10-09")}["2026-10-12"]
    saturday = {v["date"]: v for v in schedule(INSPECTOR_A, "2026-10-10")}["2026-10-12"]
    assert friday["uscc"] is None and saturday["uscc"] == "U3"


def test_reveal_working_days_are_configurable() -> None:
    thursday = {v["date"]: v for v in schedule(INSPECTOR_A, "2026-11-19", workdays=2)}["2026-11-23"]
    assert thursday["uscc"] == "U1"


def test_other_roles_get_no_inspector_schedule() -> None:
    for who in (TOWN_X, PLANNER, PUBLIC, Viewer("inspector", 8)):
        assert inspector_schedule(who, PLAN, PUBLISHED, D("2026-12-31"), CAL) is Decision.FORBIDDEN


def test_township_sees_only_its_township() -> None:
    x = township_visits(TOWN_X, PLAN, PUBLISHED)
    y = township_visits(TOWN_Y, PLAN, PUBLISHED)
    assert not isinstance(x, Decision) and not isinstance(y, Decision)
    assert sorted(str(v.uscc) for v in x) == ["U1", "U3", "U4"]
    assert [v.uscc for v in y] == ["U2"]
    assert township_visits(INSPECTOR_A, PLAN, PUBLISHED) is Decision.FORBIDDEN
    assert township_visits(Viewer("township", 9), PLAN, PUBLISHED) is Decision.FORBIDDEN


def test_public_sees_no_target_before_its_inspection() -> None:
    views = public_visits(PLAN, PUBLISHED, D("2026-11-23"))
    assert not isinstance(views, Decision)
    assert [v.uscc for v in views] == ["U4", "U3"]  # the 11-23 visits are today: not yet
    later = public_visits(PLAN, PUBLISHED, D("2026-11-24"))
    assert not isinstance(later, Decision) and len(later) == 4


def test_public_draw_files_only_public_part_of_a_published_round() -> None:
    assert public_draw_file(file_public=True, round_published=True) is Decision.ALLOWED
    assert public_draw_file(file_public=False, round_published=True) is Decision.NOT_FOUND
    assert public_draw_file(file_public=True, round_published=False) is Decision.NOT_FOUND
