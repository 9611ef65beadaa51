"""The job states, their transition table and the recovery function."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from scheduler.assign.events import Phase, SolveEvent
from scheduler.jobs.state import (
    ACTIVE,
    TERMINAL,
    TRANSITIONS,
    JobState,
    TransitionRefused,
    check_transition,
    mark_interrupted,
    moved,
    new_status,
    with_event,
)

T0 = dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC)
S, R, C, F, X, I = (JobState.SCHEDULED, JobState.RUNNING, JobState.COMPLETED, JobState.FAILED,  # noqa: E741
                    JobState.CANCELLED, JobState.INTERRUPTED)
ALLOWED = {(S, R), (S, X), (S, F), (S, I), (R, C), (R, F), (R, X), (R, I)}


def at(seconds: int) -> dt.datetime:
    return T0 + dt.timedelta(seconds=seconds)


def test_the_table_allows_exactly_the_lifecycle() -> None:
    table = {(a, b) for a, targets in TRANSITIONS.items() for b in targets}
    assert table == ALLOWED
    assert {C, F, X, I} == TERMINAL
    assert {S, R} == ACTIVE


@pytest.mark.parametrize(("current", "target"), sorted(itertools.product(JobState, JobState)))
def test_check_transition_refuses_everything_else(current: JobState, target: JobState) -> None:
    if (current, target) in ALLOWED:
        check_transition("j", current, target)
    else:
        with pytest.raises(TransitionRefused) as info:
            check_transition("j", current, target)
        assert info.value.current is current and info.value.target is target
        assert "不能从" in str(info.value)


def test_moved_records_a_timestamp_per_state_reached() -> None:
    status = new_status("j1", "round-1", "solve", at(0))
    running = moved(status, R, at(2))
    done = moved(running, C, at(9), message="ok")
    assert done.state is C and done.terminal
    assert dict(done.times) == {S: at(0), R: at(2), C: at(9)}
    assert done.message == "ok" and done.error is None
    assert status.state is S and dict(status.times) == {S: at(0)}  # the record is immutable


def test_failed_keeps_the_error_text() -> None:
    failed = moved(moved(new_status("j", "r", "solve", at(0)), R, at(1)), F, at(3), error="数据有错误")
    assert failed.error == "数据有错误"
    with pytest.raises(TransitionRefused):
        moved(failed, R, at(4))


def test_with_event_updates_progress_and_keeps_known_bounds() -> None:
    status = moved(new_status("j", "r", "solve", at(0)), R, at(1))
    status = with_event(status, SolveEvent(Phase.CP_SAT, "求解中", visits=40, placed=40, best_objective=90.0, bound=80.0))
    status = with_event(status, SolveEvent(Phase.CP_SAT, "求解中", placed=0))
    assert (status.phase, status.visits, status.placed) == (Phase.CP_SAT, 40, 40)  # an improvement counts nothing
    assert (status.best_objective, status.bound) == (90.0, 80.0)
    assert status.state is R
    status = with_event(status, SolveEvent(Phase.CP_SAT, "子模型", visits=7, placed=33))
    assert (status.visits, status.placed) == (40, 33)  # the round's total stays
    status = with_event(status, SolveEvent(Phase.DONE, "无人可派", visits=40, placed=0))
    assert status.placed == 0  # a final count of 0 is a count


def test_mark_interrupted_changes_only_active_jobs() -> None:
    scheduled = new_status("a", "r1", "solve", at(0))
    running = moved(new_status("b", "r2", "solve", at(0)), R, at(1))
    completed = moved(running, C, at(5))
    cancelled = moved(new_status("d", "r3", "solve", at(0)), X, at(1))
    changed = mark_interrupted([scheduled, running, completed, cancelled], at(60))
    assert [s.job_id for s in changed] == ["a", "b"]
    for status in changed:
        assert status.state is I and status.times[I] == at(60)
        assert status.error is not None and "中断" in status.error
    assert mark_interrupted(changed, at(61)) == []
