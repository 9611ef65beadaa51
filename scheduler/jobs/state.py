"""The states of a solve job, the transitions allowed between them, and the
job's status record (what the service shows and the store persists).

Pure code: no clocks are read here; every function that moves a job takes
the time it happened.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from enum import StrEnum
from types import MappingProxyType

from scheduler.assign.events import Phase, SolveEvent


class JobState(StrEnum):
    SCHEDULED = "SCHEDULED"  # accepted, waiting for a worker
    RUNNING = "RUNNING"  # a worker process is solving
    COMPLETED = "COMPLETED"  # a plan is ready (also after "finish")
    FAILED = "FAILED"  # the solve raised, or passed its wall-clock limit
    CANCELLED = "CANCELLED"  # stopped on request, nothing kept
    INTERRUPTED = "INTERRUPTED"  # the worker or the service died; nothing kept, may be run again


#: Every allowed transition; any other is refused.
TRANSITIONS: MappingProxyType[JobState, frozenset[JobState]] = MappingProxyType({
    JobState.SCHEDULED: frozenset({JobState.RUNNING, JobState.CANCELLED, JobState.FAILED, JobState.INTERRUPTED}),
    JobState.RUNNING: frozenset({JobState.COMPLETED, JobState.FAILED, JobState.CANCELLED, JobState.INTERRUPTED}),
    JobState.COMPLETED: frozenset(),
    JobState.FAILED: frozenset(),
    JobState.CANCELLED: frozenset(),
    JobState.INTERRUPTED: frozenset(),
})

TERMINAL = frozenset(s for s, targets in TRANSITIONS.items() if not targets)
ACTIVE = frozenset(JobState) - TERMINAL


class TransitionRefused(Exception):
    """A job was asked to move to a state it cannot reach from where it is."""

    def __init__(self, job_id: str, current: JobState, target: JobState) -> None:
        super().__init__(f"作业 {job_id} 不能从 {current.value} 变为 {target.value} (transition refused)")
        self.job_id = job_id
        self.current = current
        self.target = target


def check_transition(job_id: str, current: JobState, target: JobState) -> None:
    """Raise :class:`TransitionRefused` unless *current* → *target* is allowed."""
    if target not in TRANSITIONS[current]:
        raise TransitionRefused(job_id, current, target)


@dataclass(frozen=True, slots=True)
class JobStatus:
    """One job's status.  ``times`` holds the moment each state was reached."""

    job_id: str
    round_id: str
    kind: str  # e.g. "solve"
    state: JobState = JobState.SCHEDULED
    times: MappingProxyType[JobState, dt.datetime] = field(default_factory=lambda: MappingProxyType({}))
    phase: Phase | None = None
    placed: int = 0
    visits: int = 0
    best_objective: float | None = None
    bound: float | None = None
    message: str = ""
    error: str | None = None  # the reason, for FAILED and INTERRUPTED

    @property
    def terminal(self) -> bool:
        return self.state in TERMINAL

    @property
    def key(self) -> tuple[str, str]:
        return (self.round_id, self.kind)


def new_status(job_id: str, round_id: str, kind: str, at: dt.datetime) -> JobStatus:
    """A job just accepted: SCHEDULED at *at*."""
    return JobStatus(job_id, round_id, kind, times=MappingProxyType({JobState.SCHEDULED: at}))


def moved(status: JobStatus, target: JobState, at: dt.datetime, *, message: str | None = None,
          error: str | None = None) -> JobStatus:
    """*status* moved to *target* at *at* (refused when not allowed)."""
    check_transition(status.job_id, status.state, target)
    times = MappingProxyType({**status.times, target: at})
    return replace(status, state=target, times=times, message=status.message if message is None else message,
                   error=error if error is not None else status.error)


def with_event(status: JobStatus, event: SolveEvent) -> JobStatus:
    """*status* updated by a solver progress event (the state is unchanged).
    Objective and bound are kept when an event does not carry them; the
    round's total of visits is the first one counted (later stages count
    sub-models); CP-SAT's improvement events count no placed visits, so the
    last count stands and progress never drops back to 0 while it searches."""
    placed = status.placed if event.phase is Phase.CP_SAT and not event.placed else event.placed
    return replace(
        status, phase=event.phase, placed=placed, visits=status.visits or event.visits, message=event.message,
        best_objective=status.best_objective if event.best_objective is None else event.best_objective,
        bound=status.bound if event.bound is None else event.bound,
    )


INTERRUPTED_REASON = "服务在求解期间停止或重启，作业已中断，未保留任何安排；可以重新运行 (the service stopped during the solve)。"


def mark_interrupted(statuses: Iterable[JobStatus], at: dt.datetime, reason: str = INTERRUPTED_REASON) -> list[JobStatus]:
    """On service start: every job a previous process left SCHEDULED or
    RUNNING becomes INTERRUPTED with *reason*.  Returns only the changed
    statuses (the store writes them back)."""
    return [moved(s, JobState.INTERRUPTED, at, message=reason, error=reason) for s in statuses if s.state in ACTIVE]
