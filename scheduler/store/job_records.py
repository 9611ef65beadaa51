"""Job rows: saving a :class:`~scheduler.jobs.JobStatus`, reading it back,
and marking the jobs a previous process left active as INTERRUPTED.

Each function works inside the caller's unit of work.  A job's round is the
``rounds`` row named after the round's folder id (:func:`round_row`).
"""

from __future__ import annotations

import datetime as dt
from types import MappingProxyType

from sqlalchemy import select
from sqlalchemy.orm import Session

from scheduler.assign.events import Phase
from scheduler.jobs.state import JobState, JobStatus, mark_interrupted
from scheduler.store.models import ACTIVE_JOB_STATUSES, Job, RosterSnapshot, Round
from scheduler.store.snapshots import content_hash

#: The column holding the moment each state was reached.
TIME_COLUMNS = MappingProxyType({
    JobState.SCHEDULED: "scheduled_at",
    JobState.RUNNING: "running_at",
    JobState.COMPLETED: "completed_at",
    JobState.FAILED: "failed_at",
    JobState.CANCELLED: "cancelled_at",
    JobState.INTERRUPTED: "interrupted_at",
})


def _folder_snapshot(session: Session) -> RosterSnapshot:
    """The empty snapshot rounds served from folders point at (their rosters
    stay in the folder; freezing them into blobs comes with the rounds API)."""
    digest = content_hash({})
    snapshot = session.scalar(select(RosterSnapshot).where(RosterSnapshot.content_hash == digest))
    if snapshot is None:
        snapshot = RosterSnapshot(content_hash=digest)
        session.add(snapshot)
        session.flush()
    return snapshot


def round_row(session: Session, name: str, agency: str) -> Round:
    """The ``rounds`` row of the round folder *name* owned by *agency*, created on first use."""
    found = session.scalar(select(Round).where(Round.name == name, Round.agency == agency).order_by(Round.id))
    if found is None:
        found = Round(name=name, agency=agency, snapshot_id=_folder_snapshot(session).id, settings={"folder": name})
        session.add(found)
        session.flush()
    return found


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


def status_of(job: Job, round_name: str) -> JobStatus:
    """A stored job as a status record (counts of placed visits are not stored)."""
    times = {state: getattr(job, column) for state, column in TIME_COLUMNS.items() if getattr(job, column) is not None}
    return JobStatus(job.id, round_name, job.kind, state=JobState(job.status), times=MappingProxyType(times),
                     phase=_phase(job.phase), best_objective=job.best_objective, bound=job.bound,
                     message=job.error_message or "", error=job.error_message)


def load(session: Session, job_id: str) -> tuple[JobStatus, Round] | None:
    """A stored job's status and its round, or None."""
    job = session.get(Job, job_id)
    if job is None:
        return None
    round_ = session.get(Round, job.round_id)
    assert round_ is not None  # a foreign key
    return status_of(job, round_.name), round_


def interrupt_stale(session: Session, at: dt.datetime) -> list[tuple[JobStatus, str]]:
    """Every job stored as SCHEDULED or RUNNING becomes INTERRUPTED (on
    service start: the process that ran them is gone).  Returns them, each
    with who started it."""
    rows = session.execute(select(Job, Round).join(Round, Job.round_id == Round.id)
                           .where(Job.status.in_(ACTIVE_JOB_STATUSES))).all()
    changed = mark_interrupted([status_of(job, round_.name) for job, round_ in rows], at)
    by_id = {job.id: (job, round_) for job, round_ in rows}
    out = []
    for status in changed:
        job, round_ = by_id[status.job_id]
        save(session, status, round_, job.created_by)
        out.append((status, job.created_by))
    return out
