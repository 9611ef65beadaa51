"""The solver's entry point (scheduler.assign.schedule, through the use case
scheduler.app.scheduling.schedule): structured events, the stop signal
(finish keeps the best plan so far, cancel keeps nothing), a previous plan
(next version, revisions, withdrawn events) and pinned visits."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest
from sched_cases import Case, make_case, officer

from scheduler import planfile
from scheduler.app.errors import SolveCancelled, UseCaseError
from scheduler.app.scheduling import check, schedule
from scheduler.assign.events import Phase, SolveEvent, StopSignal
from scheduler.assign.solver import SolverSettings
from scheduler.plan import Plan

SETTINGS = SolverSettings(audit=True, deterministic_time=5.0)


def county(tmp_path: Path, leave: str = "") -> Case:
    officers = [officer(f"SCJG000{k}", "市场监管", "清河镇", leave=leave if k == 1 else "") for k in range(1, 7)]
    visits = [(("城关镇", "东城街道")[k % 2], ["SCJG-001"]) for k in range(10)]
    return make_case(tmp_path / "d", visits, officers)


def test_events_are_structured_and_end_with_done(tmp_path: Path) -> None:
    case = county(tmp_path)
    events: list[SolveEvent] = []
    plan = schedule(case.inputs, case.draw, SETTINGS, on_event=events.append)
    phases = [e.phase for e in events]
    assert phases[0] is Phase.OFFICER_DRAW and phases[-1] is Phase.DONE
    assert {Phase.CONSTRUCT, Phase.LOCAL_SEARCH, Phase.CP_SAT, Phase.REPAIR} <= set(phases)
    assert events[-1].placed == plan.statistics.assigned == 10 and all(e.visits == 10 for e in events)
    assert any(e.best_objective is not None and e.bound is not None for e in events if e.phase is Phase.CP_SAT)


def test_finish_during_the_search_keeps_the_best_plan_so_far(tmp_path: Path) -> None:
    case = county(tmp_path)
    stop = StopSignal()

    def on_event(event: SolveEvent) -> None:
        if event.phase is Phase.CP_SAT:  # the model is built: stop the search now
            stop.finish()

    plan = schedule(case.inputs, case.draw, SETTINGS, on_event=on_event, stop=stop)
    assert plan.statistics.assigned + plan.statistics.unassigned == 10
    assert plan.statistics.assigned > 0
    assert plan.audit.solver.get("stopped") == "finish"
    assert check(plan, case.inputs) == []  # what is kept is a valid plan


def test_cancel_keeps_nothing(tmp_path: Path) -> None:
    case = county(tmp_path)
    stop = StopSignal()

    def on_event(event: SolveEvent) -> None:
        if event.phase is Phase.LOCAL_SEARCH:
            stop.cancel()

    with pytest.raises(SolveCancelled, match="求解已取消"):
        schedule(case.inputs, case.draw, SETTINGS, on_event=on_event, stop=stop)


def test_finishing_before_the_officer_draw_exists_keeps_nothing(tmp_path: Path) -> None:
    case = county(tmp_path)
    stop = StopSignal()
    stop.finish()
    with pytest.raises(SolveCancelled, match="之前已结束"):
        schedule(case.inputs, case.draw, SETTINGS, stop=stop)


def test_a_plan_from_a_previous_one_is_its_next_version(tmp_path: Path) -> None:
    case = county(tmp_path)
    first = schedule(case.inputs, case.draw, SETTINGS)
    assert first.version == 1 and first.withdrawn == () and {v.revision for v in first.visits} == {0}
    second = schedule(case.inputs, case.draw, SETTINGS, previous=first)
    assert second.version == 2
    assert second.audit.previous_plan_sha256 == planfile.sha256(first)
    assert [(v.visit_id, v.date, v.team.ids, v.revision) for v in second.visits] == \
           [(v.visit_id, v.date, v.team.ids, 0) for v in first.visits]  # nothing changed: nothing revised
    assert second.withdrawn == ()


def test_changed_visits_are_revised_and_lost_events_withdrawn(tmp_path: Path) -> None:
    case = county(tmp_path)
    first = schedule(case.inputs, case.draw, SETTINGS)
    mine = [v for v in first.visits if "SCJG0001" in v.team.ids]
    assert mine
    days = {v.date for v in mine}
    leave = "；".join(sorted({d.isoformat() for d in days}))
    later = county(tmp_path / "later", leave=leave)  # SCJG0001 falls ill on the days of their visits
    second = schedule(later.inputs, later.draw, SETTINGS, previous=first)
    assert check(second, later.inputs) == []
    before = {v.visit_id: v for v in first.visits}
    assert any(v.revision == 1 for v in second.visits)
    for v in second.visits:
        changed = (v.date, v.team.ids) != (before[v.visit_id].date, before[v.visit_id].team.ids)
        assert v.revision == (1 if changed else 0), v
    gone = {(w.visit_id, w.inspector_id): w for w in second.withdrawn}
    for v in mine:
        now = second.visit(v.visit_id)
        assert now is not None
        if "SCJG0001" not in now.team.ids:
            w = gone[(v.visit_id, "SCJG0001")]
            assert (w.date, w.revision) == (v.date, 1)
    # A third version carries the withdrawals forward and writes and reads back whole.
    third = schedule(later.inputs, later.draw, SETTINGS, previous=second)
    assert third.version == 3 and set(third.withdrawn) >= set(second.withdrawn)
    assert planfile.from_bytes(planfile.to_bytes(third)) == third


def moved(plan: Plan, visit_id: str, day: dt.date) -> Plan:
    visits = tuple(dataclasses.replace(v, date=day) if v.visit_id == visit_id else v for v in plan.visits)
    return dataclasses.replace(plan, visits=visits)


def test_pinned_visits_keep_their_day_and_team(tmp_path: Path) -> None:
    case = county(tmp_path)
    first = schedule(case.inputs, case.draw, SETTINGS)
    target = first.visits[0]
    days = sorted({v.date for v in first.visits})
    other = next(d for d in (dt.date(2026, 11, 13), dt.date(2026, 11, 12)) if d not in days)  # a day nobody uses
    edited = moved(first, target.visit_id, other)
    second = schedule(case.inputs, case.draw, SETTINGS, previous=edited, pinned=[target.visit_id])
    kept = second.visit(target.visit_id)
    assert kept is not None and (kept.date, kept.team.ids) == (other, target.team.ids)
    assert check(second, case.inputs) == []
    unpinned = schedule(case.inputs, case.draw, SETTINGS, previous=edited)
    again = unpinned.visit(target.visit_id)
    assert again is not None and again.date != other  # without the pin the search moves it back with its group


def test_a_pin_that_cannot_hold_is_refused_with_the_reason(tmp_path: Path) -> None:
    case = county(tmp_path)
    first = schedule(case.inputs, case.draw, SETTINGS)
    target = first.visits[0]
    saturday = dt.date(2026, 11, 7)
    with pytest.raises(UseCaseError) as info:
        schedule(case.inputs, case.draw, SETTINGS, previous=moved(first, target.visit_id, saturday), pinned=[target.visit_id])
    assert f"{target.visit_id}：2026-11-07 不是本轮次实施期限内的工作日，无法固定" in info.value.lines[1]
    with pytest.raises(UseCaseError) as info:
        schedule(case.inputs, case.draw, SETTINGS, pinned=[target.visit_id])
    assert "需要上一版安排结果" in "\n".join(info.value.lines)
