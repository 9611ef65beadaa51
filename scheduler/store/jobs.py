"""Starting a job: at most one active (SCHEDULED or RUNNING) job per round
and kind.  The unique partial index ``uq_jobs_active_round_kind`` makes the
second of two simultaneous starts fail; it then gets the first one's job."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from scheduler.store.errors import StoreError
from scheduler.store.models import ACTIVE_JOB_STATUSES, Job


def active_job(session: Session, round_id: int, kind: str) -> Job | None:
    return session.scalar(select(Job).where(Job.round_id == round_id, Job.kind == kind,
                                            Job.status.in_(ACTIVE_JOB_STATUSES)))


def start(session: Session, round_id: int, kind: str, *, created_by: str) -> tuple[Job, bool]:
    """The round's active job of *kind*, or a new SCHEDULED one; the flag
    says whether it is new."""
    for _attempt in range(3):
        existing = active_job(session, round_id, kind)
        if existing is not None:
            return existing, False
        job = Job(id=str(uuid.uuid4()), round_id=round_id, kind=kind, status="SCHEDULED", created_by=created_by)
        try:
            with session.begin_nested():
                session.add(job)
        except IntegrityError:
            continue  # another planner started it at the same moment
        return job, True
    raise StoreError("无法启动任务：并发冲突 (could not start the job)")
