"""Job rows: saving a :class:`~scheduler.jobs.JobStatus`, reading it back,
and marking the jobs a previous process left active as INTERRUPTED.

Each function works inside the caller's unit of work.  A job's round id
(``JobStatus.round_id``) is its ``rounds`` row's id, as text.
"""

from __future__ import annotations

import datetime as dt
from types import MappingProxyType

from sqlalchemy import select
from sqlalchemy.orm import Session

from scheduler.assign.events import Phase
from scheduler.jobs.state import JobState, JobStatus, mark_interrupted
from scheduler.store.models import ACTIVE_JOB_STATUSES, Job, Round

#: The column holding the moment each state was reached.
TIME_COLUMNS = MappingProxyType({
    JobState.SCHEDULED: "scheduled_at",
    JobState.RUNNING: "running_at",
    JobState.COMPLETED: "completed_at",
    JobState.FAILED: "failed_at",
    JobState.CANCELLED: "cancelled_at",
    JobState.INTERRUPTED: "interrupted_at",
})


def progress(status: JobStatus) -> float | None:
    """The share of visits placed, 0..1 (None before the solver counted them)."""
    return None if not status.visits else min(1.0, status.placed / status.visits)


def save(session: Session, status: JobStatus, round_: Round, created_by: str) -> tuple[Job, bool]:
    """Write *status* to its row (created when missing); the flag says whether it is new."""
    job = session.get(Job, status.job_id)
    new = job is None
    if job is None:
        job = Job(id=status.job_id, round_id=round_.id, kind=status.kind, created_by=created_by)
        session.add(job)
    job.status = status.state.value
    for state, at in status.times.items():
        setattr(job, TIME_COLUMNS[state], at)
    job.phase = None if status.phase is None else status.phase.value
    job.progress = progress(status)
    job.best_objective = status.best_objective
    job.bound = status.bound
    job.error_message = status.error
    session.flush()
    return job, new


def _phase(value: str | None) -> Phase | None:
    try:
        return None if value is None else Phase(value)
    except ValueError:
        return None


def status_of(job: Job, round_id: str) -> JobStatus:
    """A stored job as a status record (counts of placed visits are not stored)."""
    times = {state: getattr(job, column) for state, column in TIME_COLUMNS.items() if getattr(job, column) is not None}
    return JobStatus(job.id, round_id, job.kind, state=JobState(job.status), times=MappingProxyType(times),
                     phase=_phase(job.phase), best_objective=job.best_objective, bound=job.bound,
                     message=job.error_message or "", error=job.error_message)


def load(session: Session, job_id: str) -> tuple[JobStatus, Round] | None:
    """A stored job's status and its round, or None."""
    job = session.get(Job, job_id)
    if job is None:
        return None
    round_ = session.get(Round, job.round_id)
    assert round_ is not None  # a foreign key
    return status_of(job, str(round_.id)), round_


def interrupt_stale(session: Session, at: dt.datetime) -> list[tuple[JobStatus, str]]:
    """Every job stored as SCHEDULED or RUNNING becomes INTERRUPTED (on
    service start: the process that ran them is gone).  Returns them, each
    with who started it."""
    rows = session.execute(select(Job, Round).join(Round, Job.round_id == Round.id)
                           .where(Job.status.in_(ACTIVE_JOB_STATUSES))).all()
    changed = mark_interrupted([status_of(job, str(round_.id)) for job, round_ in rows], at)
    by_id = {job.id: (job, round_) for job, round_ in rows}
    out = []
    for status in changed:
        job, round_ = by_id[status.job_id]
        save(session, status, round_, job.created_by)
        out.append((status, job.created_by))
    return out
