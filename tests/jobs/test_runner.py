"""The job runner: real solves in spawned worker processes."""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from job_rounds import Round

from scheduler.app.scheduling import check
from scheduler.assign.events import Phase
from scheduler.jobs import worker
from scheduler.jobs.runner import JobRunner, JobSpec, UnknownJob
from scheduler.jobs.solve import TARGET
from scheduler.jobs.state import JobState, JobStatus

# Runs until stopped: one CP-SAT model over the whole round (its 1,054 visits
# are above the threshold where rounds are planned by township, which has no
# long phase to stop).
LONG = {"time_limit": 600.0, "gap_limit": 0.0, "audit": False, "cp_sat_max_visits": 10_000}
STOP_BOUND = 2.0  # seconds from a stop request to the terminal state
TIMEOUT = 120.0  # generous bound on a whole test's waits (never reached when the runner works)


def spec(r: Round, *, round_id: str = "round-1", kind: str = "solve", settings: dict[str, Any] | None = None,
         wall_limit: float = 600.0) -> JobSpec:
    kwargs = {"data": [str(r.data)], "round_file": str(r.round_file), "draw_folder": str(r.draw_folder),
              "settings": settings or {}}
    return JobSpec(round_id, kind, TARGET, kwargs, wall_limit)


@pytest.fixture
def runner() -> Iterator[JobRunner]:
    r = JobRunner()
    yield r
    r.shutdown()


def collect(runner: JobRunner, job_id: str) -> tuple[list[JobStatus], threading.Thread]:
    seen: list[JobStatus] = []

    def read() -> None:
        seen.extend(runner.subscribe(job_id))

    thread = threading.Thread(target=read, daemon=True)
    thread.start()
    return seen, thread


def until(runner: JobRunner, job_id: str, phase: Phase) -> JobStatus:
    """Block until the job reports *phase* (or fail)."""
    for status in runner.subscribe(job_id):
        if status.phase is phase:
            return status
        assert not status.terminal, f"ended before {phase}: {status}"
    raise AssertionError("stream ended")


def stop_latency(runner: JobRunner, job_id: str, verb: str) -> tuple[JobStatus, float]:
    t0 = time.monotonic()
    getattr(runner, verb)(job_id)
    status = runner.wait(job_id, TIMEOUT)
    elapsed = time.monotonic() - t0
    print(f"{verb}: terminal {status.state} {elapsed:.2f} s after the request")
    return status, elapsed


def test_sample_solve_completes_with_a_checked_plan(sample_round: Round) -> None:
    changes: list[JobStatus] = []
    runner = JobRunner(on_change=changes.append)
    try:
        job = runner.submit(spec(sample_round))
        seen, reader = collect(runner, job.job_id)
        final = runner.wait(job.job_id, TIMEOUT)
        reader.join(TIMEOUT)
    finally:
        runner.shutdown()
    assert final.state is JobState.COMPLETED, final
    plan = runner.result(job.job_id)
    assert plan is not None
    assert check(json.loads(plan), sample_round.inputs) == []
    assert not reader.is_alive() and seen[-1] == final  # the stream ends at the terminal state
    states = [s.state for s in changes]
    assert states[0] is JobState.SCHEDULED and states[-1] is JobState.COMPLETED
    assert states == sorted(states, key=[JobState.SCHEDULED, JobState.RUNNING, JobState.COMPLETED].index)
    phases = [s.phase for s in changes if s.phase is not None]
    assert phases[0] is Phase.OFFICER_DRAW and Phase.CP_SAT in phases and phases[-1] is Phase.DONE
    assert seen == changes[len(changes) - len(seen):]  # the subscriber saw the same changes, in order
    assert final.visits == 442 and final.placed == 442 and final.bound is not None
    assert set(final.times) == {JobState.SCHEDULED, JobState.RUNNING, JobState.COMPLETED}
    spawn = (final.times[JobState.RUNNING] - final.times[JobState.SCHEDULED]).total_seconds()
    print(f"spawn start-up (submit → worker running): {spawn:.2f} s")


def test_finish_mid_solve_keeps_a_plan_within_two_seconds(runner: JobRunner, long_round: Round) -> None:
    job = runner.submit(spec(long_round, settings=LONG))
    until(runner, job.job_id, Phase.CP_SAT)
    status, elapsed = stop_latency(runner, job.job_id, "finish")
    assert status.state is JobState.COMPLETED, status
    plan = runner.result(job.job_id)
    assert plan is not None and json.loads(plan)["visits"]
    assert elapsed <= STOP_BOUND


def test_cancel_mid_solve_keeps_nothing_within_two_seconds(runner: JobRunner, long_round: Round) -> None:
    job = runner.submit(spec(long_round, settings=LONG))
    until(runner, job.job_id, Phase.CP_SAT)
    status, elapsed = stop_latency(runner, job.job_id, "cancel")
    assert status.state is JobState.CANCELLED, status
    assert runner.result(job.job_id) is None
    assert "取消" in status.message
    assert elapsed <= STOP_BOUND


def test_the_worker_solves_at_a_lower_priority_than_the_service(runner: JobRunner, long_round: Round) -> None:
    job = runner.submit(spec(long_round, settings=LONG))
    until(runner, job.job_id, Phase.CP_SAT)
    pid = runner.pid(job.job_id)
    assert pid is not None
    assert os.getpriority(os.PRIO_PROCESS, pid) == min(19, os.getpriority(os.PRIO_PROCESS, 0) + worker.NICENESS)
    runner.cancel(job.job_id)
    assert runner.wait(job.job_id, TIMEOUT).state is JobState.CANCELLED


def test_a_killed_worker_marks_the_job_interrupted(runner: JobRunner, long_round: Round) -> None:
    job = runner.submit(spec(long_round, settings=LONG))
    until(runner, job.job_id, Phase.CP_SAT)
    pid = runner.pid(job.job_id)
    assert pid is not None
    os.kill(pid, signal.SIGKILL)
    status = runner.wait(job.job_id, TIMEOUT)
    assert status.state is JobState.INTERRUPTED, status
    assert status.error is not None and "退出码 -9" in status.error
    assert runner.result(job.job_id) is None


def test_past_its_wall_clock_limit_a_job_is_terminated_and_failed(long_round: Round) -> None:
    runner = JobRunner(grace=0.5)
    try:
        job = runner.submit(spec(long_round, settings=LONG, wall_limit=1.0))
        status = runner.wait(job.job_id, TIMEOUT)
        pid = runner.pid(job.job_id)
    finally:
        runner.shutdown()
    assert status.state is JobState.FAILED, status
    assert status.error is not None and "作业时限 1 秒" in status.error
    assert pid is not None
    with pytest.raises(ProcessLookupError):  # terminated and reaped
        os.kill(pid, 0)
    assert runner.result(job.job_id) is None
    ran = (status.times[JobState.FAILED] - status.times[JobState.SCHEDULED]).total_seconds()
    assert 1.5 <= ran < 10.0


def test_a_second_start_of_the_same_round_and_kind_returns_the_active_job(runner: JobRunner, long_round: Round) -> None:
    first = runner.submit(spec(long_round, settings=LONG))
    again = runner.submit(spec(long_round, settings=LONG))
    assert again.job_id == first.job_id
    other_kind = runner.submit(spec(long_round, kind="replan", settings=LONG))
    assert other_kind.job_id != first.job_id
    assert runner.status(other_kind.job_id).state is JobState.SCHEDULED  # one worker: it waits its turn
    runner.cancel(other_kind.job_id)
    waited = runner.wait(other_kind.job_id, TIMEOUT)
    assert waited.state is JobState.CANCELLED and JobState.RUNNING not in waited.times
    runner.cancel(first.job_id)
    assert runner.wait(first.job_id, TIMEOUT).state is JobState.CANCELLED
    later = runner.submit(spec(long_round, settings=LONG))  # the old job is over: a new one starts
    assert later.job_id != first.job_id
    runner.cancel(later.job_id)
    assert runner.wait(later.job_id, TIMEOUT).terminal


def test_a_failing_solve_is_failed_with_its_chinese_reason(runner: JobRunner, sample_round: Round, tmp_path: Any) -> None:
    bad = spec(sample_round)
    bad = JobSpec(bad.round_id, bad.kind, bad.target, {**bad.kwargs, "draw_folder": str(tmp_path / "无此文件夹")}, 60.0)
    status = runner.wait(runner.submit(bad).job_id, TIMEOUT)
    assert status.state is JobState.FAILED
    assert status.error is not None and "无此文件夹" in status.error and "Traceback" not in status.error
    assert runner.result(status.job_id) is None


def test_unknown_jobs_are_refused(runner: JobRunner) -> None:
    with pytest.raises(UnknownJob):
        runner.status("nope")


def test_a_worker_that_floods_events_still_meets_its_wall_clock_limit() -> None:
    runner = JobRunner(grace=0.2, on_change=lambda _: time.sleep(0.002))  # a slow store: the queue never runs dry
    try:
        job = runner.submit(JobSpec("r", "solve", "job_targets:chatty_and_deaf", {}, 0.5))
        status = runner.wait(job.job_id, 30)
    finally:
        runner.shutdown()
    assert status.state is JobState.FAILED, status
    assert status.error is not None and "作业时限 0.5 秒" in status.error
    ran = (status.times[JobState.FAILED] - status.times[JobState.SCHEDULED]).total_seconds()
    assert ran < 5.0  # limit + grace + spawn, not whenever the queue happens to run dry
