"""Each hard rule of the solver, in an instance where the rule is the only
thing that prevents its violation; and each rule binding in a small case,
with the checker flagging the plan once it is broken by hand.

Every instance is sized by counting, not by seed: the officers who satisfy
the rule are too few (or too busy) for every visit, so the solver leaves a
visit unassigned; the officers who break it would fill the gap.  Each test
asserts that the plan respects the rule and that the independent checker
passes it, then removes the rule from the solver (a monkeypatch of the one
place that enforces it) and asserts that the plan now breaks the rule and
that the checker says so: the negative control, proving the test can fail.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from builders import make_uscc
from sched_cases import Case, make_case, officer

import scheduler.assign.eligibility as eligibility
import scheduler.assign.plan as plan_module
import scheduler.assign.solver as solver
import scheduler.assign.visits as visits_module
from scheduler.assign import schedule as schedule_module
from scheduler.assign.validate import Violation
from scheduler.domain import Inspector
from scheduler.vocabulary import LEADER, MEMBER
from scheduler.workdays import WorkCalendar, days_between

ONE_DAY = ("2026-11-02", "2026-11-02")  # a Monday
TWO_DAYS = ("2026-11-02", "2026-11-03")


def solve(case: Case) -> tuple[dict[str, Any], list[Violation]]:
    plan = case.solve().plan
    return plan, case.violations(plan)


def teams(plan: dict[str, Any]) -> list[set[str]]:
    return [{m["inspector_id"] for m in v["team"]} for v in plan["visits"]]


def visit_of(plan: dict[str, Any], n: int) -> dict[str, Any]:
    """The scheduled visit of enterprise *n* (by USCC: visit ids are opaque)."""
    return next(v for v in plan["visits"] if v["uscc"] == make_uscc(n))


def team(plan: dict[str, Any], n: int) -> list[dict[str, Any]]:
    return visit_of(plan, n)["team"]


def on_duty(plan: dict[str, Any], inspector_id: str) -> list[str]:
    return sorted(v["date"] for v in plan["visits"] if any(m["inspector_id"] == inspector_id for m in v["team"]))


def found(violations: list[Violation], rule: int, *facts: str) -> list[Violation]:
    """The violations of *rule* whose message holds every fact."""
    return [v for v in violations if v.rule == rule and all(f in v.message for f in facts)]


def scjg(k: int, **fields: str) -> list[str]:
    return officer(f"SCJG000{k}", "市场监管", fields.pop("town", "清河镇"), **fields)


def without_reason(monkeypatch: pytest.MonkeyPatch, reason: str) -> None:
    """Remove one exclusion of the officer draw (a rule of eligibility)."""
    original = eligibility.excluded_reason

    def patched(*args: Any, **kwargs: Any) -> str | None:
        why = original(*args, **kwargs)
        return None if why is not None and why.startswith(reason) else why

    monkeypatch.setattr(eligibility, "excluded_reason", patched)


# --- rule 2: the team ------------------------------------------------------------


def test_a_team_has_at_least_two_officers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # SCJG-001 needs one officer; only the minimum team size asks for a second.
    case = make_case(tmp_path / "d", [("城关镇", ["SCJG-001"])], [scjg(k) for k in (1, 2, 3)], window=ONE_DAY)
    plan, violations = solve(case)
    assert violations == []
    assert [len(t) for t in teams(plan)] == [2]

    monkeypatch.setattr(visits_module, "MIN_TEAM", 1)  # negative control: the rule removed
    plan, violations = solve(case)
    assert [len(t) for t in teams(plan)] == [1]
    assert found(violations, 2, "仅 1 名执法人员，至少需 2 名")


def test_every_agency_sends_the_officers_its_items_need(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # YJGL-001 needs two 应急管理 officers; SCJG-001 one 市场监管 officer.
    officers = [scjg(1), scjg(2)] + [officer(f"YJGL000{k}", "应急管理", "清河镇", quals="危险化学品安全监管") for k in (1, 2, 3)]
    case = make_case(tmp_path / "d", [("城关镇", ["SCJG-001", "YJGL-001"])], officers, window=ONE_DAY)
    plan, violations = solve(case)
    assert violations == []
    assert Counter(m["agency"] for m in plan["visits"][0]["team"]) == {"SCJG": 1, "YJGL": 2}

    original = visits_module.team_needs

    def one_each(items: list[str], dataset: Any, lead: str) -> tuple[dict[str, int], dict[str, frozenset[str]]]:
        need, quals = original(items, dataset, lead)
        return {agency: 1 for agency in need}, quals  # still two in total: only the per-agency rule is gone

    monkeypatch.setattr(visits_module, "team_needs", one_each)
    plan, violations = solve(case)
    assert Counter(m["agency"] for m in plan["visits"][0]["team"]) == {"SCJG": 1, "YJGL": 1}
    assert found(violations, 2, "应急管理需 2 名执法人员，实派 1 名")


def test_the_lead_agency_leads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # 应急管理 sends more officers (2 against 1): without the rule it would lead.
    officers = [scjg(1), scjg(2)] + [officer(f"YJGL000{k}", "应急管理", "清河镇", quals="危险化学品安全监管") for k in (1, 2)]
    case = make_case(tmp_path / "d", [("城关镇", ["SCJG-001", "YJGL-001"])], officers, window=ONE_DAY)
    plan, violations = solve(case)
    assert violations == []
    assert [m["agency"] for m in plan["visits"][0]["team"] if m["role"] == LEADER] == ["SCJG"]

    original = plan_module.roles
    monkeypatch.setattr(plan_module, "roles", lambda visit, team, lead: original(visit, team, ""))  # lead agency ignored
    plan, violations = solve(case)
    assert [m["agency"] for m in plan["visits"][0]["team"] if m["role"] == LEADER] == ["YJGL"]
    assert found(violations, 2, f"{LEADER}人员应来自牵头部门市场监管")


def test_exactly_one_leader(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    case = make_case(tmp_path / "d", [("城关镇", ["SCJG-001"])], [scjg(1), scjg(2)], window=ONE_DAY)
    plan, violations = solve(case)
    assert violations == []
    assert sorted(m["role"] for m in plan["visits"][0]["team"]) == [LEADER, MEMBER]

    monkeypatch.setattr(plan_module, "roles", lambda visit, team, lead: [LEADER] * len(team))
    _, violations = solve(case)
    assert found(violations, 2, f"2 名{LEADER}人员", "应恰好 1 名")
    monkeypatch.setattr(plan_module, "roles", lambda visit, team, lead: [MEMBER] * len(team))
    _, violations = solve(case)
    assert found(violations, 2, f"没有{LEADER}人员")


# --- rule 3: certificate and qualification ----------------------------------------


def test_certificate_valid_on_the_visit_date(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Four visits of two officers each, four officers doing one visit a day,
    # two days: 4 + 4 officer-visits would do, but SCJG0001's certificate
    # ends on the first day, so the second day has three officers: one visit.
    officers = [scjg(1, expiry="2026-11-02", cap="1")] + [scjg(k, cap="1") for k in (2, 3, 4)]
    case = make_case(tmp_path / "d", [("城关镇", ["SCJG-001"])] * 4, officers, window=TWO_DAYS)
    plan, violations = solve(case)
    assert violations == []
    assert plan["statistics"]["assigned"] == 3
    assert on_duty(plan, "SCJG0001") == ["2026-11-02"]  # needed, and only while valid

    # Negative control: the domain helper the solver's eligibility uses says
    # every certificate is valid (the checker has its own rule).
    monkeypatch.setattr(Inspector, "cert_valid_on", lambda self, day: True)
    plan, violations = solve(case)
    assert plan["statistics"]["assigned"] == 4
    assert on_duty(plan, "SCJG0001") == ["2026-11-02", "2026-11-03"]
    assert found(violations, 3, "SCJG0001 执法证已于 2026-11-02 过期")


def test_a_certificate_expired_before_the_round(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    officers = [scjg(1, expiry="2026-10-30"), scjg(2), scjg(3, cap="1")]  # SCJG0003 can do one visit
    case = make_case(tmp_path / "d", [("城关镇", ["SCJG-001"])] * 2, officers, window=ONE_DAY)
    plan, violations = solve(case)
    assert violations == []
    assert teams(plan) == [{"SCJG0002", "SCJG0003"}]

    monkeypatch.setattr(Inspector, "cert_valid_on", lambda self, day: True)
    plan, violations = solve(case)
    assert plan["statistics"]["assigned"] == 2
    assert found(violations, 3, "SCJG0001 执法证已于 2026-10-30 过期")


def test_officers_hold_the_qualifications_of_their_agencys_items(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # YJGL-001 needs two officers holding 危险化学品安全监管; two hold it,
    # each can do one visit; two others do not hold it.
    qualified = [officer(f"YJGL000{k}", "应急管理", "清河镇", quals="危险化学品安全监管", cap="1") for k in (1, 2)]
    others = [officer(f"YJGL000{k}", "应急管理", "清河镇", quals="工贸", cap="1") for k in (3, 4)]
    case = make_case(tmp_path / "d", [("城关镇", ["YJGL-001"])] * 2, qualified + others, window=ONE_DAY)
    plan, violations = solve(case)
    assert violations == []
    assert teams(plan) == [{"YJGL0001", "YJGL0002"}]

    without_reason(monkeypatch, "缺少资格")
    plan, violations = solve(case)
    assert plan["statistics"]["assigned"] == 2
    assert found(violations, 3, "不具备资格「危险化学品安全监管」")


# --- rule 4: leave, daily cap, one township a day ---------------------------------


def test_no_visit_on_a_leave_day(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # As the certificate case: SCJG0001 is away on the second day.
    officers = [scjg(1, leave="2026-11-03", cap="1")] + [scjg(k, cap="1") for k in (2, 3, 4)]
    case = make_case(tmp_path / "d", [("城关镇", ["SCJG-001"])] * 4, officers, window=TWO_DAYS)
    plan, violations = solve(case)
    assert violations == []
    assert plan["statistics"]["assigned"] == 3
    assert on_duty(plan, "SCJG0001") == ["2026-11-02"]

    monkeypatch.setattr(Inspector, "available_on", lambda self, day: True)  # the shared helper, broken
    plan, violations = solve(case)
    assert on_duty(plan, "SCJG0001") == ["2026-11-02", "2026-11-03"]
    assert found(violations, 4, "SCJG0001 不可用（2026-11-03）")


def test_an_officer_on_leave_for_the_whole_round(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    officers = [scjg(1, leave="2026-11-01~2026-11-30"), scjg(2), scjg(3, cap="1")]
    case = make_case(tmp_path / "d", [("城关镇", ["SCJG-001"])] * 2, officers, window=ONE_DAY)
    plan, violations = solve(case)
    assert violations == []
    assert teams(plan) == [{"SCJG0002", "SCJG0003"}]

    monkeypatch.setattr(Inspector, "available_on", lambda self, day: True)
    plan, violations = solve(case)
    assert plan["statistics"]["assigned"] == 2
    assert found(violations, 4, "SCJG0001 不可用（2026-11-01 至 2026-11-30）")


def test_at_most_the_daily_cap(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Two officers who do one visit a day, two visits, one day.
    case = make_case(tmp_path / "d", [("城关镇", ["SCJG-001"])] * 2, [scjg(1, cap="1"), scjg(2, cap="1")], window=ONE_DAY)
    plan, violations = solve(case)
    assert violations == []
    assert plan["statistics"]["assigned"] == 1

    original = schedule_module.solve

    def uncapped(visits: Any, elig: Any, officers: Any, *args: Any, **kwargs: Any) -> Any:
        return original(visits, elig, [replace(o, max_visits_per_day=99) for o in officers], *args, **kwargs)

    monkeypatch.setattr(schedule_module, "solve", uncapped)  # the solver no longer sees the caps
    plan, violations = solve(case)
    assert plan["statistics"]["assigned"] == 2
    assert found(violations, 4, "SCJG0001 当日检查 2 户", "超过每日最多 1 户")


def test_one_township_per_officer_and_day(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The only two officers, one day, one visit in each of two townships.
    case = make_case(tmp_path / "d", [("城关镇", ["SCJG-001"]), ("东城街道", ["SCJG-001"])], [scjg(1), scjg(2)],
                     window=ONE_DAY)
    plan, violations = solve(case)
    assert violations == []
    assert plan["statistics"]["assigned"] == 1

    def anywhere(self: solver.Occupancy, officer: str, day: int, township: str, extra: int = 1) -> bool:
        return self.load.get((officer, day), 0) + extra <= self.caps[officer]  # the township ignored

    monkeypatch.setattr(solver.Occupancy, "free", anywhere)
    plan, violations = solve(case)
    assert plan["statistics"]["assigned"] == 2
    assert found(violations, 4, "当日在 2 个乡镇检查", f"城关镇（{visit_of(plan, 1)['visit_id']}）",
                 f"东城街道（{visit_of(plan, 2)['visit_id']}）")


# --- rule 1: working days --------------------------------------------------------


def test_only_working_days(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # 2026-09-30 is the window's only working day (国庆节 follows).
    case = make_case(tmp_path / "d", [("城关镇", ["SCJG-001"])] * 2, [scjg(1, cap="1"), scjg(2, cap="1")],
                     window=("2026-09-30", "2026-10-07"))
    plan, violations = solve(case)
    assert violations == []
    assert [v["date"] for v in plan["visits"]] == ["2026-09-30"]

    def every_day(self: WorkCalendar, start: dt.date, end: dt.date) -> list[dt.date]:
        return list(days_between(start, end))

    monkeypatch.setattr(WorkCalendar, "workdays", every_day)  # the solver's list of days; the checker asks is_workday
    plan, violations = solve(case)
    assert plan["statistics"]["assigned"] == 2
    assert found(violations, 1, "不是工作日（国庆节）")


# --- rule 5: 回避 -----------------------------------------------------------------

RECUSALS: dict[str, tuple[Callable[[], dict[str, Any]], str, str]] = {
    # name: (make_case arguments for SCJG0004, the exclusion that enforces it, the checker's words)
    "declared conflict": (lambda: {"officers": [scjg(4, cap="1", conflicts=f"{make_uscc(1)}；{make_uscc(2)}")]},
                          "回避企业", "须回避企业"),
    "last inspection": (lambda: {"officers": [scjg(4, cap="1")], "history": [
        [make_uscc(1), "2026-05-06", "市场监管", "SCJG0004"], [make_uscc(2), "2026-06-01", "市场监管", "SCJG0004"],
        [make_uscc(1), "2025-03-01", "市场监管", "SCJG0001"]]},  # older: SCJG0001 may go again
                        "上次检查人员", "最近一次检查"),
    "home township": (lambda: {"officers": [scjg(4, cap="1", town="城关镇")], "avoid_home": True},
                      "本人所在乡镇", "不得检查本乡镇企业"),
}


@pytest.mark.parametrize("kind", sorted(RECUSALS))
def test_recusal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str) -> None:
    # Two visits in 城关镇, one day, four officers doing one visit a day;
    # SCJG0004 must recuse from both enterprises, so one visit is staffed.
    make, reason, words = RECUSALS[kind]
    extra = make()
    officers = [scjg(k, cap="1") for k in (1, 2, 3)] + extra.pop("officers")
    case = make_case(tmp_path / "d", [("城关镇", ["SCJG-001"])] * 2, officers, window=ONE_DAY, **extra)
    plan, violations = solve(case)
    assert violations == []
    assert plan["statistics"]["assigned"] == 1
    assert on_duty(plan, "SCJG0004") == []

    without_reason(monkeypatch, reason)
    plan, violations = solve(case)
    assert plan["statistics"]["assigned"] == 2
    assert on_duty(plan, "SCJG0004") == ["2026-11-02"]
    assert found(violations, 5, "SCJG0004", words)


# --- each rule binding in a small case; the checker flags the plan broken by hand ---


def test_rule1_working_days_in_a_window_full_of_holidays(tmp_path: Path) -> None:
    case = make_case(tmp_path / "d", [("城关镇", ["SCJG-001"])] * 12,
                     [officer(f"SCJG000{k}", "市场监管", "清河镇") for k in range(1, 5)],
                     window=("2026-09-28", "2026-10-11"))
    plan = case.solve().plan
    workdays = {"2026-09-28", "2026-09-29", "2026-09-30", "2026-10-08", "2026-10-09", "2026-10-10"}  # 10-10: 调休上班
    assert plan["statistics"]["assigned"] == 12
    assert {v["date"] for v in plan["visits"]} <= workdays
    assert case.violations(plan) == []
    broken = copy.deepcopy(plan)
    broken["visits"][0]["date"] = "2026-10-02"  # 国庆节
    assert [v.rule for v in case.violations(broken)] == [1]


def test_rule2_team_per_agency_total_and_leader(tmp_path: Path) -> None:
    officers = ([officer(f"SCJG000{k}", "市场监管", "清河镇") for k in range(1, 4)]
                + [officer(f"YJGL000{k}", "应急管理", "清河镇", quals="危险化学品安全监管") for k in range(1, 4)]
                + [officer(f"WSJK000{k}", "卫生健康", "清河镇") for k in range(1, 4)])
    case = make_case(tmp_path / "d", [("城关镇", ["SCJG-001", "YJGL-001"]), ("东城街道", ["WSJK-001"]),
                                      ("城关镇", ["YJGL-001", "WSJK-001"])], officers)
    plan = case.solve().plan
    assert case.violations(plan) == []
    t1 = team(plan, 1)
    assert Counter(m["agency"] for m in t1) == {"SCJG": 1, "YJGL": 2}
    assert [m["agency"] for m in t1 if m["role"] == "带队"] == ["SCJG"]
    t2 = team(plan, 2)
    assert Counter(m["agency"] for m in t2) == {"WSJK": 2}  # topped up to two officers
    assert sum(m["role"] == "带队" for m in t2) == 1
    broken = copy.deepcopy(plan)
    visit_of(broken, 1)["team"] = [m for m in t1 if m["agency"] != "YJGL"] + [next(m for m in t1 if m["agency"] == "YJGL")]
    assert {v.rule for v in case.violations(broken)} == {2}


def test_rule3_certificate_valid_on_the_day_and_qualification(tmp_path: Path) -> None:
    officers = [officer("SCJG0001", "市场监管", "清河镇"), officer("SCJG0002", "市场监管", "清河镇"),
                officer("YJGL0001", "应急管理", "清河镇", quals="危险化学品安全监管", expiry="2026-11-03"),
                officer("YJGL0002", "应急管理", "清河镇", quals="危险化学品安全监管", cap="1"),
                officer("YJGL0003", "应急管理", "清河镇", quals="危险化学品安全监管", cap="1"),
                officer("YJGL0004", "应急管理", "清河镇")]  # the last is not qualified
    case = make_case(tmp_path / "d", [("城关镇", ["SCJG-001", "YJGL-001"])] * 10, officers)
    plan = case.solve().plan
    assert plan["statistics"]["assigned"] == 10
    assert case.violations(plan) == []
    used = [(v["date"], m["inspector_id"]) for v in plan["visits"] for m in v["team"]]
    assert not [u for u in used if u[1] == "YJGL0004"]
    assert all(date <= "2026-11-03" for date, oid in used if oid == "YJGL0001")
    assert any(oid == "YJGL0001" for _, oid in used)  # the rule binds: the expiring officer is needed
    broken = copy.deepcopy(plan)
    visit = next(v for v in broken["visits"] if any(m["inspector_id"] == "YJGL0001" for m in v["team"]))
    visit["date"] = "2026-11-13"
    assert 3 in {v.rule for v in case.violations(broken)}


def test_rule4_leave_daily_cap_and_one_township_a_day(tmp_path: Path) -> None:
    officers = [officer("SCJG0001", "市场监管", "清河镇", cap="1", leave="2026-11-02~2026-11-06"),
                officer("SCJG0002", "市场监管", "清河镇", cap="1"),
                officer("SCJG0003", "市场监管", "清河镇", cap="2")]
    visits = [("城关镇" if k % 2 else "东城街道", ["SCJG-001"]) for k in range(12)]
    case = make_case(tmp_path / "d", visits, officers)
    plan = case.solve().plan
    assert plan["statistics"]["assigned"] == 12
    assert case.violations(plan) == []
    per_day: dict[tuple[str, str], list[str]] = {}
    for v in plan["visits"]:
        for m in v["team"]:
            per_day.setdefault((m["inspector_id"], v["date"]), []).append(v["township"])
    caps = {"SCJG0001": 1, "SCJG0002": 1, "SCJG0003": 2}
    for (oid, date), towns in per_day.items():
        assert len(towns) <= caps[oid] and len(set(towns)) == 1
        assert not (oid == "SCJG0001" and date <= "2026-11-06")
    broken = copy.deepcopy(plan)
    a, b = broken["visits"][0], next(v for v in broken["visits"] if v["township"] != broken["visits"][0]["township"])
    b["date"], b["team"] = a["date"], copy.deepcopy(a["team"])
    assert 4 in {v.rule for v in case.violations(broken)}


def test_rule5_conflicts_last_inspectors_and_home_township(tmp_path: Path) -> None:
    officers = [officer("SCJG0001", "市场监管", "清河镇", conflicts=make_uscc(1)),
                officer("SCJG0002", "市场监管", "清河镇"),
                officer("SCJG0003", "市场监管", "城关镇"),
                officer("SCJG0004", "市场监管", "东城街道"),
                officer("SCJG0005", "市场监管", "清河镇")]
    history = [[make_uscc(2), "2026-05-06", "市场监管", "SCJG0002；SCJG0005"], [make_uscc(2), "2025-03-01", "市场监管", "SCJG0001"]]
    case = make_case(tmp_path / "d", [("城关镇", ["SCJG-001"]), ("东城街道", ["SCJG-001"]), ("城关镇", ["SCJG-001"])],
                     officers, avoid_home=True, history=history)
    plan = case.solve().plan
    assert case.violations(plan) == []
    members = {n: {m["inspector_id"] for m in team(plan, n)} for n in (1, 2, 3)}
    assert "SCJG0001" not in members[1] and "SCJG0003" not in members[1]
    assert not members[2] & {"SCJG0002", "SCJG0005", "SCJG0004"}
    assert members[2] == {"SCJG0001", "SCJG0003"}  # the only officers left: the rules bind
    broken = copy.deepcopy(plan)
    visit_of(broken, 2)["team"][0]["inspector_id"] = "SCJG0002"
    visit_of(broken, 2)["team"][0]["name"] = "人员SCJG0002"
    assert 5 in {v.rule for v in case.violations(broken)}
