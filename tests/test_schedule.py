"""Scheduling: each hard rule binds in a small case and the plan respects it
(checked by the independent validator, which must also flag the plan once it
is broken by hand); an understaffed round names its bottleneck; the officer
draw is fair; audit mode is byte-for-byte reproducible."""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import random
import sys
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from builders import make_uscc
from sched_cases import make_case, officer
from scipy import stats

from scheduler import planfile
from scheduler.app.scheduling import schedule
from scheduler.assign.eligibility import build_eligibility
from scheduler.assign.solver import SolverSettings
from scheduler.assign.visits import Visit
from scheduler.draw import Reveal, build_rule, run_draw
from scheduler.draw.published import PublishedDraw
from scheduler.io import Report, load


def team(plan: dict[str, Any], visit_id: str) -> list[dict[str, Any]]:
    return next(v["team"] for v in plan["visits"] if v["visit_id"] == visit_id)


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
    t1 = team(plan, case.vid(1))
    assert Counter(m["agency"] for m in t1) == {"SCJG": 1, "YJGL": 2}
    assert [m["agency"] for m in t1 if m["role"] == "带队"] == ["SCJG"]
    t2 = team(plan, case.vid(2))
    assert Counter(m["agency"] for m in t2) == {"WSJK": 2}  # topped up to two officers
    assert sum(m["role"] == "带队" for m in t2) == 1
    broken = copy.deepcopy(plan)
    broken["visits"][0]["team"] = [m for m in t1 if m["agency"] != "YJGL"] + [next(m for m in t1 if m["agency"] == "YJGL")]
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
    members = {v["visit_id"]: {m["inspector_id"] for m in v["team"]} for v in plan["visits"]}
    assert "SCJG0001" not in members[case.vid(1)] and "SCJG0003" not in members[case.vid(1)]
    assert not members[case.vid(2)] & {"SCJG0002", "SCJG0005", "SCJG0004"}
    assert members[case.vid(2)] == {"SCJG0001", "SCJG0003"}  # the only officers left: the rules bind
    broken = copy.deepcopy(plan)
    broken["visits"][1]["team"][0]["inspector_id"] = "SCJG0002"
    broken["visits"][1]["team"][0]["name"] = "人员SCJG0002"
    assert 5 in {v.rule for v in case.violations(broken)}


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


# --- the officer draw -------------------------------------------------------


def _visits(n: int) -> list[Visit]:
    return [Visit(f"V{k:04d}", make_uscc(k + 1), "", ("城关镇", "东城街道")[k % 2], ("SCJG-001",), ("SCJG",),
                  {"SCJG": 2}, {"SCJG": frozenset()}) for k in range(n)]


def _officers(case_folder: Path) -> list[Any]:
    officers = [officer(f"SCJG{k:04d}", "市场监管", ("城关镇", "东城街道", "清河镇")[k % 3],
                        conflicts=make_uscc(k + 1) if k < 3 else "") for k in range(1, 9)]
    case = make_case(case_folder, [("城关镇", ["SCJG-001"])], officers)
    return list(case.inputs.dataset.inspectors)


def officer_counts(visits: list[Visit], officers: list[Any], replications: int, pick: str) -> tuple[Counter[str], Counter[str]]:
    days = [dt.date(2026, 11, 2) + dt.timedelta(days=k) for k in range(5)]
    observed: Counter[str] = Counter()
    expected: Counter[str] = Counter()
    for r in range(replications):
        elig = build_eligibility(visits, officers, hashlib.sha256(b"rep" + r.to_bytes(4, "big")).digest(), days, None, True)
        for v in visits:
            ranked = elig.ranking[(v.id, "SCJG")]
            chosen = ranked[:2] if pick == "draw" else sorted(ranked)[:2]
            observed.update(chosen)
            for o in ranked:
                expected[o] += 2 / len(ranked)
    return observed, expected


def test_officers_are_drawn_in_proportion_to_their_eligibility(tmp_path: Path) -> None:
    officers = _officers(tmp_path / "d")
    visits = _visits(24)
    observed, expected = officer_counts(visits, officers, 150, "draw")
    ids = sorted(expected)
    assert len(ids) == 8 and min(expected.values()) > 100  # eligibility differs (home township, conflicts)
    chi2, p = stats.chisquare([observed[i] for i in ids], [expected[i] for i in ids])
    assert p > 0.001, (chi2, p)
    observed, expected = officer_counts(visits, officers, 150, "first")  # negative control
    _, p_control = stats.chisquare([observed[i] for i in ids], [expected[i] for i in ids])
    assert p_control < 1e-9


def test_plan_teams_are_the_draw_when_capacity_does_not_bind(tmp_path: Path) -> None:
    officers = [officer(f"SCJG000{k}", "市场监管", "清河镇") for k in range(1, 7)]
    case = make_case(tmp_path / "d", [("城关镇", ["SCJG-001"])] * 8, officers)
    plan = case.solve().plan
    assert plan["statistics"]["as_drawn_share"] == 1.0
    assert all(m["drawn"] and m["rank"] < 2 for v in plan["visits"] for m in v["team"])


# --- audit-grade reproducibility ----------------------------------------------


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, PublishedDraw]:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "data"))
    import generate_county

    folder = tmp_path_factory.mktemp("county")
    generate_county.generate(folder, enterprises=4000, townships=6, inspectors=60, agencies=4, excel=False)
    (folder / "round.toml").write_text('name = "审计模式"\nlead_agency = "市场监管"\n[window]\nstart = 2026-11-02\n'
                                       'end = 2026-11-27\n[assignment]\navoid_home_township = true\n', encoding="utf-8")
    inputs = load([folder], Report())
    assert inputs is not None and inputs.round is not None
    result = run_draw(build_rule(inputs.round, inputs.dataset), inputs.dataset, "", [Reveal("seed", "audit")], compare=False)
    return inputs, PublishedDraw.from_result(result)


def test_audit_mode_gives_the_same_bytes_twice_and_with_shuffled_rosters(county: tuple[Any, PublishedDraw]) -> None:
    inputs, draw = county
    settings = SolverSettings(audit=True, deterministic_time=5.0)
    first = planfile.to_bytes(schedule(inputs, draw, settings))
    second = planfile.to_bytes(schedule(inputs, draw, settings))
    assert first == second
    rnd = random.Random(5)
    order = list(range(len(inputs.dataset.enterprises)))
    rnd.shuffle(order)
    inspectors = list(inputs.dataset.inspectors)
    rnd.shuffle(inspectors)
    shuffled = replace(inputs.dataset, enterprises=inputs.dataset.enterprises.iloc[order].reset_index(drop=True),
                       inspectors=tuple(inspectors))
    third = planfile.to_bytes(schedule(replace(inputs, dataset=shuffled), draw, settings))
    assert third == first
    assert b'"interleave_search": true' in first and b'"ortools"' in first
