"""The capacity check (scheduler/assign/capacity.py): a round that cannot be
staffed is proven so before solving, and the message names the agency, the
township, the dates and the shortfall."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sched_cases import STAGE_DAYS as DAYS
from sched_cases import make_case, officer
from sched_cases import stage_eligibility as eligibility
from sched_cases import stage_visit as visit

from scheduler.assign.capacity import Shortage, check_capacity
from scheduler.domain import Inspector

NAMES = {"SCJG": "市场监管", "WSJK": "卫生健康"}


def inspector(oid: str, cap: int = 4) -> Inspector:
    return Inspector(oid, oid, oid[:4], oid, dt.date(2030, 1, 1), max_visits_per_day=cap)


def test_enough_officers_no_shortage() -> None:
    visits = [visit(1, "城关镇"), visit(2, "东城街道")]
    elig = eligibility(visits, ["SCJG0001", "SCJG0002"], {"SCJG0001": {0, 1}, "SCJG0002": {1, 2}})
    assert check_capacity(visits, elig, [inspector("SCJG0001"), inspector("SCJG0002")]) == []


def test_too_few_eligible_officers() -> None:
    # Each visit needs two; one officer is usable (the other has no usable day).
    visits = [visit(1, "城关镇"), visit(2, "城关镇")]
    elig = eligibility(visits, ["SCJG0001", "SCJG0002"], {"SCJG0001": {0, 1, 2, 3, 4}, "SCJG0002": set()})
    found = check_capacity(visits, elig, [inspector("SCJG0001"), inspector("SCJG0002")])
    assert found == [Shortage("SCJG", "城关镇", DAYS[0], DAYS[-1], 4, 2, ("V0001", "V0002"), "eligible")]
    assert found[0].short == 2
    assert found[0].message(NAMES) == ("市场监管：城关镇 2026-11-02 至 2026-11-06 符合条件（部门、资格、回避）且在期限内可用的执法人员不足，"
                                       "需 4 人次，最多 2 人次，缺 2 人次（涉及 2 户）")


def test_no_common_day() -> None:
    # Two officers, each usable, never on the same day.
    visits = [visit(1, "清河镇")]
    elig = eligibility(visits, ["SCJG0001", "SCJG0002"], {"SCJG0001": {0, 1}, "SCJG0002": {3, 4}})
    found = check_capacity(visits, elig, [inspector("SCJG0001"), inspector("SCJG0002")])
    assert found == [Shortage("SCJG", "清河镇", DAYS[0], DAYS[-1], 2, 1, ("V0001",), "common-day")]
    assert "没有一个工作日能凑齐所需人数，需 2 人次，最多 1 人次，缺 1 人次（涉及 1 户）" in found[0].message(NAMES)


def test_flow_shortage_names_agency_township_dates_and_shortfall() -> None:
    # Three visits in 东城街道 need 2 × 3 = 6 officer-visits; the two officers
    # do one visit a day on 11-03 and 11-04 only: 2 × 2 = 4.  卫生健康 in
    # 城关镇 is staffed and is not named.
    visits = [visit(1, "东城街道"), visit(2, "东城街道"), visit(3, "东城街道"), visit(4, "城关镇", agency="WSJK")]
    officers = [inspector("SCJG0001", cap=1), inspector("SCJG0002", cap=1), inspector("WSJK0001"), inspector("WSJK0002")]
    elig = eligibility(visits, [o.id for o in officers],
                       {"SCJG0001": {1, 2}, "SCJG0002": {1, 2}, "WSJK0001": {0, 1, 2, 3, 4}, "WSJK0002": {0, 1, 2, 3, 4}})
    found = check_capacity(visits, elig, officers)
    assert found == [Shortage("SCJG", "东城街道", DAYS[1], DAYS[2], 6, 4, ("V0001", "V0002", "V0003"), "flow")]
    assert found[0].message(NAMES) == ("市场监管：东城街道 2026-11-03 至 2026-11-04 执法人员可用人日不足，"
                                       "需 6 人次，最多 4 人次，缺 2 人次（涉及 3 户）")


# --- through the whole schedule ----------------------------------------------------


def test_an_understaffed_agency_is_named_not_timed_out(tmp_path: Path) -> None:
    officers = [officer("SCJG0001", "市场监管", "清河镇"), officer("SCJG0002", "市场监管", "清河镇"),
                officer("YJGL0001", "应急管理", "清河镇", quals="危险化学品安全监管"),
                officer("YJGL0002", "应急管理", "清河镇", quals="危险化学品安全监管", expiry="2026-09-30")]
    case = make_case(tmp_path / "d", [("城关镇", ["SCJG-001", "YJGL-001"])] * 3 + [("东城街道", ["SCJG-001"])], officers)
    result = case.solve()
    plan = result.plan
    assert plan["statistics"]["assigned"] == 1 and plan["statistics"]["unassigned"] == 3
    reason = plan["unassigned"][0]["reasons"][0]
    assert reason.startswith("应急管理：城关镇 2026-11-02 至 2026-11-13 符合条件（部门、资格、回避）且在期限内可用的执法人员不足")
    assert "需 6 人次，最多 3 人次，缺 3 人次（涉及 3 户）" in reason
    assert case.violations(plan) == []


def test_flow_bottleneck_names_agency_township_dates_and_shortfall(tmp_path: Path) -> None:
    leave = "2026-11-02~2026-11-03；2026-11-06~2026-11-13"  # both free only on 11-04 and 11-05
    officers = [officer("SCJG0001", "市场监管", "清河镇"), officer("SCJG0002", "市场监管", "清河镇"),
                officer("YJGL0001", "应急管理", "清河镇", quals="危险化学品安全监管", cap="1", leave=leave),
                officer("YJGL0002", "应急管理", "清河镇", quals="危险化学品安全监管", cap="1", leave=leave)]
    case = make_case(tmp_path / "d", [("城关镇", ["SCJG-001", "YJGL-001"])] * 3, officers)
    result = case.solve()
    assert list(result.typed.statistics.shortages) == [
        "应急管理：城关镇 2026-11-04 至 2026-11-05 执法人员可用人日不足，需 6 人次，最多 4 人次，缺 2 人次（涉及 3 户）"
    ]
    assert result.plan["statistics"]["assigned"] == 2
    assert case.violations(result.plan) == []
