"""The independent plan validator (scheduler/assign/validate.py).

One small county, one hand-written valid plan; every test breaks that plan
in exactly one way and expects exactly the one violation it causes.

Enterprises (builders.enterprise_rows): uscc(n) lies in 城关镇 (n = 1, 4, 7,
10), 东城街道 (2, 5, 8, 11) or 清河镇 (3, 6, 9, 12); its tags decide its items.
The valid plan (lead agency SCJG, avoid_home_township true):

    V0001 uscc(1)  城关镇   2026-10-12  SCJG0002 带队, SCJG0003
    V0002 uscc(2)  东城街道 2026-10-12  SCJG0001 带队, WSJK0001
    V0003 uscc(8)  东城街道 2026-10-10  SCJG0001 带队, YJGL0001, YJGL0002   (Saturday make-up workday)
    V0004 uscc(3)  清河镇   2026-10-13  SCJG0001 带队, SCJG0002
    V0005 uscc(10) 城关镇   2026-10-10  WSJK0001 带队, WSJK0002             (lead agency not involved)
    V0006 uscc(6)  清河镇   2026-10-13  SCJG0001 带队, WSJK0002
"""

from __future__ import annotations

import ast
import copy
import datetime as dt
import inspect
import json
from pathlib import Path
from typing import Any

import pytest
from builders import INSPECTOR_HEADER, make_uscc, write_csv, write_folder

import scheduler.assign.validate as validate_module
from scheduler.assign.validate import Violation, certificate_valid, check_plan, leave_covering, read_plan, working_day
from scheduler.domain import Inspector, Item
from scheduler.io import Inputs, Report, load
from scheduler.workdays import WorkCalendar

HISTORY_HEADER = ["统一社会信用代码", "检查日期", "部门", "检查人员编号"]

INSPECTORS = [
    # 人员编号, 姓名, 部门, 执法证号, 执法证有效期, 资格, 所在乡镇, 每日最多检查户数, 不可用日期, 回避企业, 电话
    ["SCJG0001", "张伟", "市场监管", "示执SC00000001", "2028-06-30", "食品安全", "城关镇", "", "", "", ""],
    ["SCJG0002", "王芳", "市场监管", "示执SC00000002", "2027-12-31", "", "东城街道", "1", "2026-10-15~2026-10-16", "", ""],
    ["SCJG0003", "赵敏", "市场监管", "示执SC00000003", "2026-10-12", "", "东城街道", "", "", "", ""],
    ["SCJG0004", "赵磊", "市场监管", "示执SC00000004", "2029-01-01", "", "东城街道", "", "", make_uscc(3), ""],
    ["SCJG0005", "周杰", "市场监管", "示执SC00000005", "2029-01-01", "", "城关镇", "", "", "", ""],
    ["YJGL0001", "李强", "应急管理", "示执YJ00000001", "2029-01-01", "危险化学品安全监管", "清河镇", "5", "", make_uscc(4), ""],
    ["YJGL0002", "刘洋", "应急管理", "示执YJ00000002", "2029-01-01", "危险化学品安全监管；工贸", "城关镇", "", "", "", ""],
    ["YJGL0003", "孙磊", "应急管理", "示执YJ00000003", "2029-01-01", "工贸", "城关镇", "", "", "", ""],
    ["WSJK0001", "陈静", "卫生健康", "示执WJ00000001", "2030-05-01", "", "清河镇", "", "", "", ""],
    ["WSJK0002", "吴婷", "卫生健康", "示执WJ00000002", "2030-05-01", "", "东城街道", "", "", "", ""],
]

HISTORY = [  # not in date order on purpose
    [make_uscc(3), "2026-04-01", "卫生健康", "WSJK0009；WSJK0008"],
    [make_uscc(3), "2026-04-01", "市场监管", "SCJG0005"],  # same day: also the most recent inspection
    [make_uscc(3), "2025-06-01", "市场监管", "SCJG0002"],  # older: SCJG0002 may go again
]


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> Inputs:
    folder = write_folder(tmp_path_factory.mktemp("county"))
    write_csv(folder / "inspectors.csv", INSPECTOR_HEADER, INSPECTORS)
    write_csv(folder / "history.csv", HISTORY_HEADER, HISTORY)
    report = Report()
    loaded = load([folder], report)
    assert loaded is not None and report.ok, [str(p) for p in report.sorted()]
    return loaded


def officer(inspector_id: str, role: str = "成员") -> dict[str, Any]:
    agency = inspector_id[:4]
    return {"inspector_id": inspector_id, "name": "", "agency": agency, "role": role, "drawn": True, "rank": 0}


def visit(visit_id: str, n: int, township: str, date: str, items: list[str], team: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "visit_id": visit_id, "uscc": make_uscc(n), "name": f"示例企业{n}有限公司", "township": township,
        "date": date, "items": items, "agencies": sorted({i.split("-")[0] for i in items}), "team": team,
    }


VALID_PLAN: dict[str, Any] = {
    "format": "onevisit-plan-v1",
    "round": {
        "name": "2026年第四季度跨部门联合抽查", "code": "示例县联抽〔2026〕4号",
        "window": {"start": "2026-09-28", "end": "2026-10-30"},
        "lead_agency": "SCJG", "avoid_home_township": True, "min_team_size": 2,
    },
    "visits": [
        # SCJG0003's certificate expires on 2026-10-12: still valid that day.
        visit("V0001", 1, "城关镇", "2026-10-12", ["SCJG-001", "SCJG-002"],
              [officer("SCJG0002", "带队"), officer("SCJG0003")]),
        visit("V0002", 2, "东城街道", "2026-10-12", ["SCJG-001", "WSJK-001"],
              [officer("SCJG0001", "带队"), officer("WSJK0001")]),
        # YJGL-001 needs 2 officers holding 危险化学品安全监管; the SCJG leader needs none.
        visit("V0003", 8, "东城街道", "2026-10-10", ["SCJG-001", "YJGL-001"],
              [officer("SCJG0001", "带队"), officer("YJGL0001"), officer("YJGL0002")]),
        # SCJG0002 inspected uscc(3) in 2025, but not in the most recent inspection.
        visit("V0004", 3, "清河镇", "2026-10-13", ["SCJG-001"],
              [officer("SCJG0001", "带队"), officer("SCJG0002")]),
        visit("V0005", 10, "城关镇", "2026-10-10", ["WSJK-001"],
              [officer("WSJK0001", "带队"), officer("WSJK0002")]),
        # SCJG0001: two visits on 2026-10-13, both in 清河镇.
        visit("V0006", 6, "清河镇", "2026-10-13", ["SCJG-001", "WSJK-001"],
              [officer("SCJG0001", "带队"), officer("WSJK0002")]),
    ],
    "unassigned": [
        {"visit_id": "V0007", "uscc": make_uscc(5), "name": "示例企业5有限公司", "township": "东城街道",
         "items": ["SCJG-001"], "agencies": ["SCJG"], "reasons": ["执法人员不足"]},
    ],
    "statistics": {"visits": 7, "assigned": 6, "unassigned": 1},
    "audit": {},
}


@pytest.fixture
def plan() -> dict[str, Any]:
    return copy.deepcopy(VALID_PLAN)


def visit_of(plan: dict[str, Any], visit_id: str) -> dict[str, Any]:
    return next(v for v in plan["visits"] if v["visit_id"] == visit_id)


def member(plan: dict[str, Any], visit_id: str, inspector_id: str) -> dict[str, Any]:
    return next(m for m in visit_of(plan, visit_id)["team"] if m["inspector_id"] == inspector_id)


def replace(plan: dict[str, Any], visit_id: str, old: str, new: str) -> None:
    m = member(plan, visit_id, old)
    m.update(inspector_id=new, agency=new[:4])


def check(plan: dict[str, Any], inputs: Inputs) -> list[Violation]:
    return check_plan(plan, inputs.dataset, inputs.calendar)


def only(plan: dict[str, Any], inputs: Inputs) -> Violation:
    found = check(plan, inputs)
    assert len(found) == 1, [str(v) for v in found]
    return found[0]


def assert_one(plan: dict[str, Any], inputs: Inputs, rule: int, visit_id: str | None,
               inspector_id: str | None, *facts: str) -> Violation:
    v = only(plan, inputs)
    assert (v.rule, v.visit_id, v.inspector_id) == (rule, visit_id, inspector_id), str(v)
    for fact in facts:
        assert fact in v.message, str(v)
    return v


# --- the valid plan ---------------------------------------------------------


def test_valid_plan_has_no_violations(plan: dict[str, Any], inputs: Inputs) -> None:
    assert check(plan, inputs) == []


def test_read_plan_round_trips_utf8(tmp_path: Path, plan: dict[str, Any], inputs: Inputs) -> None:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan, ensure_ascii=False, indent=2, sort_keys=True), encoding="utf-8")
    assert read_plan(path) == plan
    assert check(read_plan(path), inputs) == []


def test_violation_str_and_order(plan: dict[str, Any], inputs: Inputs) -> None:
    member(plan, "V0004", "SCJG0001")["role"] = "成员"  # rule 2 on V0004
    visit_of(plan, "V0004")["date"] = "2026-10-17"  # rule 1 on V0004 (Saturday)
    visit_of(plan, "V0001")["date"] = "2026-10-01"  # rule 1 on V0001 (国庆节)
    found = check(plan, inputs)
    assert [(v.rule, v.visit_id) for v in found] == [(1, "V0001"), (1, "V0004"), (2, "V0004")]
    replace(plan, "V0004", "SCJG0002", "SCJG0003")
    s = str(assert_rule(check(plan, inputs), 3, "V0004", "SCJG0003"))
    assert s.startswith("规则3 V0004 SCJG0003: ") and "执法证已于 2026-10-12 过期" in s


def assert_rule(found: list[Violation], rule: int, visit_id: str, inspector_id: str | None) -> Violation:
    return next(v for v in found if (v.rule, v.visit_id, v.inspector_id) == (rule, visit_id, inspector_id))


# --- rule 1: a working day within the window ---------------------------------


def test_rule1_national_day_is_not_a_workday(plan: dict[str, Any], inputs: Inputs) -> None:
    visit_of(plan, "V0005")["date"] = "2026-10-01"
    v = assert_one(plan, inputs, 1, "V0005", None, "2026-10-01", "不是工作日", "国庆节")
    assert v.date == "2026-10-01"


def test_rule1_saturday_is_not_a_workday(plan: dict[str, Any], inputs: Inputs) -> None:
    visit_of(plan, "V0005")["date"] = "2026-10-17"
    assert_one(plan, inputs, 1, "V0005", None, "2026-10-17", "不是工作日", "星期六")


def test_rule1_make_up_saturday_is_a_workday(plan: dict[str, Any], inputs: Inputs) -> None:
    assert dt.date.fromisoformat(visit_of(plan, "V0005")["date"]).weekday() == 5  # 2026-10-10, 调休上班
    assert check(plan, inputs) == []


@pytest.mark.parametrize("date", ["2026-11-03", "2026-09-24"])
def test_rule1_date_outside_window(plan: dict[str, Any], inputs: Inputs, date: str) -> None:
    visit_of(plan, "V0005")["date"] = date
    assert_one(plan, inputs, 1, "V0005", None, date, "不在检查窗口", "2026-09-28 至 2026-10-30")


def test_rule1_missing_date(plan: dict[str, Any], inputs: Inputs) -> None:
    del visit_of(plan, "V0005")["date"]
    assert_one(plan, inputs, 1, "V0005", None, "缺少检查日期")


@pytest.mark.parametrize("date", ["2026/10/12", "20261012", "2026-02-30"])
def test_rule1_malformed_date(plan: dict[str, Any], inputs: Inputs, date: str) -> None:
    visit_of(plan, "V0005")["date"] = date
    assert_one(plan, inputs, 1, "V0005", None, date, "有效日期")


def test_rule1_duplicate_visit_id(plan: dict[str, Any], inputs: Inputs) -> None:
    plan["visits"].append(copy.deepcopy(visit_of(plan, "V0005")))
    assert_one(plan, inputs, 1, "V0005", None, "出现 2 次")


def test_rule1_visit_both_scheduled_and_unassigned(plan: dict[str, Any], inputs: Inputs) -> None:
    plan["unassigned"][0]["visit_id"] = "V0005"
    assert_one(plan, inputs, 1, "V0005", None, "同时出现在 visits 和 unassigned")


def test_rule1_missing_window(plan: dict[str, Any], inputs: Inputs) -> None:
    del plan["round"]["window"]
    assert_one(plan, inputs, 1, None, None, "window")


# --- rule 2: the team ----------------------------------------------------------


def test_rule2_agency_short_of_officers(plan: dict[str, Any], inputs: Inputs) -> None:
    team = visit_of(plan, "V0003")["team"]
    team.remove(member(plan, "V0003", "YJGL0002"))  # 3 officers → 2, but YJGL-001 needs 2 of 应急管理
    assert_one(plan, inputs, 2, "V0003", None, "应急管理", "需 2 名", "实派 1 名")


def test_rule2_team_smaller_than_two(plan: dict[str, Any], inputs: Inputs) -> None:
    team = visit_of(plan, "V0005")["team"]
    team.remove(member(plan, "V0005", "WSJK0002"))  # WSJK-001 needs 1; the team needs 2
    assert_one(plan, inputs, 2, "V0005", None, "仅 1 名", "至少需 2 名")


def test_rule2_min_team_size_never_below_two(plan: dict[str, Any], inputs: Inputs) -> None:
    plan["round"]["min_team_size"] = 1
    visit_of(plan, "V0005")["team"].pop()
    assert_one(plan, inputs, 2, "V0005", None, "至少需 2 名")


def test_rule2_no_leader(plan: dict[str, Any], inputs: Inputs) -> None:
    member(plan, "V0004", "SCJG0001")["role"] = "成员"
    assert_one(plan, inputs, 2, "V0004", None, "没有带队")


def test_rule2_two_leaders(plan: dict[str, Any], inputs: Inputs) -> None:
    member(plan, "V0004", "SCJG0002")["role"] = "带队"
    assert_one(plan, inputs, 2, "V0004", None, "2 名带队", "SCJG0001、SCJG0002")


def test_rule2_leader_not_from_lead_agency(plan: dict[str, Any], inputs: Inputs) -> None:
    member(plan, "V0002", "SCJG0001")["role"] = "成员"
    member(plan, "V0002", "WSJK0001")["role"] = "带队"
    assert_one(plan, inputs, 2, "V0002", "WSJK0001", "卫生健康", "牵头部门市场监管")


def test_rule2_leader_of_other_agency_when_lead_agency_absent(plan: dict[str, Any], inputs: Inputs) -> None:
    member(plan, "V0005", "WSJK0001")["role"] = "成员"
    member(plan, "V0005", "WSJK0002")["role"] = "带队"
    assert check(plan, inputs) == []


def test_rule2_officer_of_uninvolved_agency(plan: dict[str, Any], inputs: Inputs) -> None:
    visit_of(plan, "V0001")["team"].append(officer("YJGL0001"))  # V0001 has SCJG items only
    assert_one(plan, inputs, 2, "V0001", "YJGL0001", "应急管理", "不涉及")


def test_rule2_officer_twice(plan: dict[str, Any], inputs: Inputs) -> None:
    visit_of(plan, "V0004")["team"].append(officer("SCJG0002"))
    assert_one(plan, inputs, 2, "V0004", "SCJG0002", "出现 2 次")


def test_rule2_unknown_inspector(plan: dict[str, Any], inputs: Inputs) -> None:
    visit_of(plan, "V0004")["team"].append(officer("SCJG0099"))
    assert_one(plan, inputs, 2, "V0004", "SCJG0099", "没有人员编号「SCJG0099」")


def test_rule2_unknown_inspector_does_not_count(plan: dict[str, Any], inputs: Inputs) -> None:
    replace(plan, "V0004", "SCJG0002", "SCJG0099")
    found = check(plan, inputs)
    assert [(v.rule, v.visit_id, v.inspector_id) for v in found] == [(2, "V0004", "SCJG0099"), (2, "V0004", None)]
    assert "仅 1 名" in found[1].message


def test_rule2_unknown_item(plan: dict[str, Any], inputs: Inputs) -> None:
    visit_of(plan, "V0004")["items"].append("SCJG-999")
    assert_one(plan, inputs, 2, "V0004", None, "SCJG-999")


def test_rule2_agencies_field_disagrees_with_items(plan: dict[str, Any], inputs: Inputs) -> None:
    visit_of(plan, "V0004")["agencies"] = ["SCJG", "WSJK"]
    assert_one(plan, inputs, 2, "V0004", None, "不一致")


def test_rule2_member_agency_disagrees_with_roster(plan: dict[str, Any], inputs: Inputs) -> None:
    member(plan, "V0004", "SCJG0002")["agency"] = "WSJK"
    assert_one(plan, inputs, 2, "V0004", "SCJG0002", "WSJK", "SCJG")


def test_rule2_unknown_role(plan: dict[str, Any], inputs: Inputs) -> None:
    member(plan, "V0004", "SCJG0002")["role"] = "组员"
    assert_one(plan, inputs, 2, "V0004", "SCJG0002", "组员")


def test_rule2_unknown_enterprise(plan: dict[str, Any], inputs: Inputs) -> None:
    visit_of(plan, "V0004")["uscc"] = make_uscc(99)
    assert_one(plan, inputs, 2, "V0004", None, make_uscc(99))


def test_rule2_township_disagrees_with_roster(plan: dict[str, Any], inputs: Inputs) -> None:
    visit_of(plan, "V0004")["township"] = "城关镇"
    assert_one(plan, inputs, 2, "V0004", None, "城关镇", "清河镇")


# --- rule 3: certificate and qualification ------------------------------------


def test_rule3_certificate_expired(plan: dict[str, Any], inputs: Inputs) -> None:
    replace(plan, "V0004", "SCJG0002", "SCJG0003")  # certificate until 2026-10-12; V0004 is on 10-13
    v = assert_one(plan, inputs, 3, "V0004", "SCJG0003", "2026-10-13", "执法证已于 2026-10-12 过期")
    assert v.date == "2026-10-13"


def test_rule3_missing_qualification(plan: dict[str, Any], inputs: Inputs) -> None:
    replace(plan, "V0003", "YJGL0002", "YJGL0003")  # 工贸 only; YJGL-001 requires 危险化学品安全监管
    assert_one(plan, inputs, 3, "V0003", "YJGL0003", "危险化学品安全监管")


# --- rule 4: availability, daily load, one township a day ---------------------


def test_rule4_officer_on_leave(plan: dict[str, Any], inputs: Inputs) -> None:
    visit_of(plan, "V0004")["date"] = "2026-10-16"  # SCJG0002 unavailable 2026-10-15~2026-10-16
    assert_one(plan, inputs, 4, "V0004", "SCJG0002", "2026-10-16", "不可用", "2026-10-15 至 2026-10-16")


def test_rule4_over_daily_maximum(plan: dict[str, Any], inputs: Inputs) -> None:
    visit_of(plan, "V0006")["team"].append(officer("SCJG0002"))  # 2nd visit on 10-13, 每日最多 1 户
    assert_one(plan, inputs, 4, "V0006", "SCJG0002", "2 户", "V0004、V0006", "最多 1 户")


def test_rule4_two_townships_one_day(plan: dict[str, Any], inputs: Inputs) -> None:
    visit_of(plan, "V0005")["date"] = "2026-10-12"  # WSJK0001: V0002 in 东城街道, V0005 in 城关镇
    assert_one(plan, inputs, 4, "V0005", "WSJK0001", "2 个乡镇", "东城街道（V0002）", "城关镇（V0005）")


# --- rule 5: 回避 ---------------------------------------------------------------


def test_rule5_declared_conflict(plan: dict[str, Any], inputs: Inputs) -> None:
    replace(plan, "V0004", "SCJG0002", "SCJG0004")  # 回避企业 uscc(3)
    assert_one(plan, inputs, 5, "V0004", "SCJG0004", make_uscc(3), "回避")


def test_rule5_inspector_of_last_inspection(plan: dict[str, Any], inputs: Inputs) -> None:
    replace(plan, "V0004", "SCJG0002", "SCJG0005")  # in uscc(3)'s 2026-04-01 inspection
    assert_one(plan, inputs, 5, "V0004", "SCJG0005", "最近一次检查")


def test_rule5_home_township(plan: dict[str, Any], inputs: Inputs) -> None:
    replace(plan, "V0002", "WSJK0001", "WSJK0002")  # WSJK0002 lives in 东城街道, V0002 is there
    assert_one(plan, inputs, 5, "V0002", "WSJK0002", "东城街道")


def test_rule5_home_township_allowed_without_avoidance(plan: dict[str, Any], inputs: Inputs) -> None:
    replace(plan, "V0002", "WSJK0001", "WSJK0002")
    plan["round"]["avoid_home_township"] = False
    assert check(plan, inputs) == []


# --- independence from the solver ----------------------------------------------

SOLVER_MODULES = ("scheduler.assign.solver", "scheduler.assign.eligibility", "scheduler.assign.visits",
                  "scheduler.assign.plan", "scheduler.assign.capacity")
ALLOWED = {"scheduler.domain", "scheduler.vocabulary", "scheduler.workdays"}  # records, words and numbers, the calendar type


def test_a_planted_bug_in_the_shared_roster_helpers_does_not_hide_from_the_checker(
        plan: dict[str, Any], inputs: Inputs, monkeypatch: pytest.MonkeyPatch) -> None:
    # The planted bug: the domain's helpers, which the solver's eligibility
    # uses, declare every certificate valid and every officer available.
    monkeypatch.setattr(Inspector, "cert_valid_on", lambda self, day: True)
    monkeypatch.setattr(Inspector, "available_on", lambda self, day: True)
    sample = inputs.dataset.inspectors[0]
    assert sample.cert_valid_on(dt.date(2999, 1, 1)) and sample.available_on(dt.date(2999, 1, 1))
    visit_of(plan, "V0001")["date"] = "2026-10-14"  # SCJG0003's certificate ends 2026-10-12
    visit_of(plan, "V0004")["date"] = "2026-10-16"  # SCJG0002 unavailable 2026-10-15~2026-10-16
    found = check(plan, inputs)
    assert [(v.rule, v.visit_id, v.inspector_id) for v in found] == [(3, "V0001", "SCJG0003"), (4, "V0004", "SCJG0002")]
    assert "执法证已于 2026-10-12 过期" in found[0].message
    assert "不可用（2026-10-15 至 2026-10-16）" in found[1].message


def test_a_planted_bug_in_the_shared_calendar_does_not_hide_from_the_checker(
        plan: dict[str, Any], inputs: Inputs, monkeypatch: pytest.MonkeyPatch) -> None:
    # The solver takes its days from WorkCalendar.workdays (is_workday): both broken.
    monkeypatch.setattr(WorkCalendar, "is_workday", lambda self, day: True)
    monkeypatch.setattr(WorkCalendar, "workdays", lambda self, start, end: [])
    visit_of(plan, "V0005")["date"] = "2026-10-01"
    visit_of(plan, "V0004")["date"] = "2026-10-17"
    found = check(plan, inputs)
    assert [(v.rule, v.visit_id) for v in found] == [(1, "V0004"), (1, "V0005")]
    assert "不是工作日（星期六）" in found[0].message and "不是工作日（国庆节）" in found[1].message
    # The make-up Saturday 2026-10-10 (V0003, V0005 before the change) stays a working day.
    assert all(v.visit_id != "V0003" for v in found)


def test_calendar_file_dates_first_and_it_covers_its_years(plan: dict[str, Any], inputs: Inputs) -> None:
    # A calendar.csv with one entry for 2026 (10-12 休) covers 2026: 10-12 is
    # a holiday and the make-up Saturday 10-10, which the file does not
    # list, is a Saturday again.
    declared = {dt.date(2026, 10, 12): False}
    found = check_plan(plan, inputs.dataset, WorkCalendar(overrides=declared))
    assert [(v.rule, v.visit_id) for v in found] == [(1, "V0001"), (1, "V0002"), (1, "V0003"), (1, "V0005")]
    assert not working_day(declared, dt.date(2026, 10, 12))
    assert not working_day(declared, dt.date(2026, 10, 10))
    assert working_day(declared, dt.date(2026, 10, 13))
    assert working_day({dt.date(2026, 10, 17): True}, dt.date(2026, 10, 17))  # 上班 on a Saturday
    assert working_day({}, dt.date(2026, 10, 10))  # chinese-calendar: 调休上班
    assert not working_day({}, dt.date(2026, 10, 5))  # chinese-calendar: 国庆节
    assert working_day({dt.date(2027, 1, 1): False}, dt.date(2026, 10, 10))  # a file for 2027 does not cover 2026


def _validate_tree() -> ast.Module:
    return ast.parse(Path(inspect.getfile(validate_module)).read_text(encoding="utf-8"))


def test_the_checker_imports_nothing_of_the_solver() -> None:
    imported: set[str] = set()
    for node in ast.walk(_validate_tree()):  # every import, including those under TYPE_CHECKING
        if isinstance(node, ast.Import):
            imported |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, "relative import"
            imported |= {node.module or ""} | {f"{node.module}.{a.name}" for a in node.names}
    assert not {m for m in imported if m.startswith(SOLVER_MODULES)}
    modules = {m for m in imported if m.startswith("scheduler")}
    assert {m.rsplit(".", 1)[0] if m not in ALLOWED else m for m in modules} <= ALLOWED, sorted(modules)


def test_the_checker_calls_no_rule_helper_of_the_domain_records() -> None:
    # Methods and properties of the records (Inspector.cert_valid_on,
    # available_on, Item.matches …) and the calendar's working-day rule are
    # rule logic the solver may share.
    helpers = {name for cls in (Inspector, Item) for name, value in vars(cls).items()
               if not name.startswith("_") and (inspect.isfunction(value) or isinstance(value, property))}
    helpers |= {"is_workday", "workdays"}  # the calendar's rule (its holiday_name is wording only)
    assert {"cert_valid_on", "available_on"} <= helpers
    used = {node.attr for node in ast.walk(_validate_tree()) if isinstance(node, ast.Attribute)
            and not (isinstance(node.value, ast.Name) and node.value.id == "chinese_calendar")}  # the State Council's data
    named = {node.value for node in ast.walk(_validate_tree()) if isinstance(node, ast.Constant)}  # getattr(o, "...")
    assert not helpers & (used | named)


def test_certificate_valid_through_its_expiry_day() -> None:
    expiry = dt.date(2026, 10, 12)
    assert certificate_valid(expiry, dt.date(2026, 10, 11))
    assert certificate_valid(expiry, expiry)
    assert not certificate_valid(expiry, dt.date(2026, 10, 13))


def test_leave_ranges_include_both_ends() -> None:
    ranges = ((dt.date(2026, 10, 15), dt.date(2026, 10, 16)), (dt.date(2026, 10, 20), dt.date(2026, 10, 20)))
    assert leave_covering(ranges, dt.date(2026, 10, 14)) is None
    assert leave_covering(ranges, dt.date(2026, 10, 15)) == ranges[0]
    assert leave_covering(ranges, dt.date(2026, 10, 16)) == ranges[0]
    assert leave_covering(ranges, dt.date(2026, 10, 17)) is None
    assert leave_covering(ranges, dt.date(2026, 10, 20)) == ranges[1]
    assert leave_covering((), dt.date(2026, 10, 20)) is None


# --- visit ids are opaque strings ------------------------------------------------


def stable_ids(plan: dict[str, Any]) -> dict[str, str]:
    """Give every visit a stable id "<round key>-<USCC>" (the coming format);
    returns old id -> new id."""
    ids = {}
    for entry in plan["visits"] + plan["unassigned"]:
        ids[entry["visit_id"]] = entry["visit_id"] = f"2026Q4-{entry['uscc']}"
    return ids


def test_stable_visit_ids_valid_plan(plan: dict[str, Any], inputs: Inputs) -> None:
    stable_ids(plan)
    assert check(plan, inputs) == []


def test_stable_visit_ids_order_and_messages(plan: dict[str, Any], inputs: Inputs) -> None:
    ids = stable_ids(plan)
    by_id = {v["visit_id"]: v for v in plan["visits"]}
    by_id[ids["V0005"]]["date"] = "2026-10-17"  # rule 1, uscc(10)
    member(plan, ids["V0004"], "SCJG0001")["role"] = "成员"  # rule 2, uscc(3)
    by_id[ids["V0001"]]["date"] = "2026-10-01"  # rule 1, uscc(1)
    plan["round"]["lead_agency"] = ""  # plan-level, rule 2
    found = check(plan, inputs)
    # Plan-level first, then by id as a plain string (here: USCC order), then rule.
    assert [(v.rule, v.visit_id) for v in found] == [
        (2, None), (1, ids["V0001"]), (2, ids["V0004"]), (1, ids["V0005"])]
    assert found[1].message.startswith(f"{ids['V0001']} 2026-10-01 不是工作日")
    assert str(found[2]).startswith(f"规则2 {ids['V0004']}: ")


def test_stable_visit_ids_in_daily_messages(plan: dict[str, Any], inputs: Inputs) -> None:
    ids = stable_ids(plan)
    visit_of(plan, ids["V0006"])["team"].append(officer("SCJG0002"))  # 2nd visit on 10-13, 每日最多 1 户
    visit_of(plan, ids["V0005"])["date"] = "2026-10-12"  # WSJK0001 in 东城街道 and 城关镇
    found = check(plan, inputs)
    assert [(v.rule, v.visit_id, v.inspector_id) for v in found] == [  # uscc(6) < uscc(10)
        (4, ids["V0006"], "SCJG0002"), (4, ids["V0005"], "WSJK0001")]
    assert f"2 户（{ids['V0004']}、{ids['V0006']}）" in found[0].message
    assert f"东城街道（{ids['V0002']}）；城关镇（{ids['V0005']}）" in found[1].message


def test_stable_visit_ids_listing_faults(plan: dict[str, Any], inputs: Inputs) -> None:
    ids = stable_ids(plan)
    plan["unassigned"][0]["visit_id"] = ids["V0005"]
    assert_one(plan, inputs, 1, ids["V0005"], None, "同时出现在 visits 和 unassigned")


def test_visit_ids_of_two_formats_are_ordered_as_plain_strings(plan: dict[str, Any], inputs: Inputs) -> None:
    member(plan, "V0004", "SCJG0001")["role"] = "成员"  # rule 2 on V0004
    visit_of(plan, "V0001")["date"] = "2026-10-01"  # rule 1 on V0001 …
    visit_of(plan, "V0001")["visit_id"] = "2026Q4-" + make_uscc(1)  # … renamed: sorts before "V…"
    visit_of(plan, "V0005")["visit_id"] = "V10"  # as a string after "V0004", as a number too
    visit_of(plan, "V10")["date"] = "2026-10-17"
    found = check(plan, inputs)
    assert [(v.rule, v.visit_id) for v in found] == [(1, "2026Q4-" + make_uscc(1)), (2, "V0004"), (1, "V10")]
