"""The stored tables (typed SQLAlchemy 2 declarative models).

Timestamps are UTC; hashes are lowercase hex SHA-256 (64 characters); a
file's bytes live in the blob store (:mod:`scheduler.store.blobs`) and the
tables keep their hashes.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Date, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from scheduler.store.db import Base, UTCDateTime, utcnow

HASH = String(64)
ROLES = ("planner", "inspector", "township", "public")
JOB_STATUSES = ("SCHEDULED", "RUNNING", "COMPLETED", "FAILED", "CANCELLED", "INTERRUPTED")
ACTIVE_JOB_STATUSES = ("SCHEDULED", "RUNNING")
STOP_REQUESTS = ("finish", "cancel")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class RosterSnapshot(Base):
    """A frozen set of roster files; ``content_hash`` covers names and blob hashes."""

    __tablename__ = "roster_snapshots"
    id: Mapped[int] = mapped_column(primary_key=True)
    content_hash: Mapped[str] = mapped_column(HASH, unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    files: Mapped[list[SnapshotFile]] = relationship(back_populates="snapshot", order_by="SnapshotFile.name")


class SnapshotFile(Base):
    __tablename__ = "snapshot_files"
    __table_args__ = (UniqueConstraint("snapshot_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    snapshot_id: Mapped[int] = mapped_column(ForeignKey("roster_snapshots.id", ondelete="RESTRICT"))
    name: Mapped[str] = mapped_column(String(255))
    blob_hash: Mapped[str] = mapped_column(HASH)
    size: Mapped[int] = mapped_column(Integer)
    snapshot: Mapped[RosterSnapshot] = relationship(back_populates="files")


class Round(Base):
    __tablename__ = "rounds"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(255))
    agency: Mapped[str] = mapped_column(String(255))  # the planning office that owns the round
    snapshot_id: Mapped[int] = mapped_column(ForeignKey("roster_snapshots.id", ondelete="RESTRICT"))
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    published_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    announced_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())  # commitments made public


class Draw(Base):
    """A round's published draw: its files are blobs, ``manifest_hash`` the manifest's."""

    __tablename__ = "draws"
    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="RESTRICT"), unique=True)
    manifest_hash: Mapped[str] = mapped_column(HASH)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    files: Mapped[list[DrawFile]] = relationship(back_populates="draw", order_by="DrawFile.name")


class DrawFile(Base):
    __tablename__ = "draw_files"
    __table_args__ = (UniqueConstraint("draw_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    draw_id: Mapped[int] = mapped_column(ForeignKey("draws.id", ondelete="RESTRICT"))
    name: Mapped[str] = mapped_column(String(255))
    blob_hash: Mapped[str] = mapped_column(HASH)
    public: Mapped[bool] = mapped_column(default=True)  # False for the sealed part
    draw: Mapped[Draw] = relationship(back_populates="files")


class Plan(Base):
    """One version of a round's plan (``plan.json`` as a blob).  Once
    ``published_at`` is set the row's content is never changed."""

    __tablename__ = "plans"
    __table_args__ = (UniqueConstraint("round_id", "version"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="RESTRICT"))
    version: Mapped[int] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(HASH)  # blob hash of plan.json
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by: Mapped[str] = mapped_column(String(255))
    published_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())


class Publication(Base):
    """A published plan version, with the audit log's head (``audit_seq``,
    ``audit_head``) at the moment of publication: the checkpoint the public
    notices print."""

    __tablename__ = "publications"
    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="RESTRICT"))
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="RESTRICT"), unique=True)
    audit_seq: Mapped[int] = mapped_column(Integer)
    audit_head: Mapped[str] = mapped_column(HASH)
    published_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    published_by: Mapped[str] = mapped_column(String(255))


class Visit(Base):
    """One visit of a plan version (the queryable copy of ``plan.json``'s visits)."""

    __tablename__ = "visits"
    __table_args__ = (UniqueConstraint("plan_id", "visit_id"), Index("ix_visits_plan_id_township", "plan_id", "township"))
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="RESTRICT"))
    visit_id: Mapped[str] = mapped_column(String(64))
    uscc: Mapped[str] = mapped_column(String(18))
    name: Mapped[str] = mapped_column(String(255))
    township: Mapped[str] = mapped_column(String(255))
    date: Mapped[dt.date] = mapped_column(Date)
    agencies: Mapped[list[str]] = mapped_column(JSON)
    items: Mapped[list[str]] = mapped_column(JSON)
    revision: Mapped[int] = mapped_column(Integer)
    members: Mapped[list[VisitMember]] = relationship(back_populates="visit", order_by="VisitMember.id")


class VisitMember(Base):
    __tablename__ = "visit_members"
    __table_args__ = (UniqueConstraint("visit_row_id", "inspector_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    visit_row_id: Mapped[int] = mapped_column(ForeignKey("visits.id", ondelete="RESTRICT"))
    inspector_id: Mapped[str] = mapped_column(String(64), index=True)
    agency: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(16))
    visit: Mapped[Visit] = relationship(back_populates="members")


class Result(Base):
    """An inspection result per visit and check item of a published plan."""

    __tablename__ = "results"
    __table_args__ = (UniqueConstraint("plan_id", "visit_key", "item"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="RESTRICT"))
    visit_key: Mapped[str] = mapped_column(String(255))
    item: Mapped[str] = mapped_column(String(255))
    outcome: Mapped[str] = mapped_column(String(64))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    recorded_by: Mapped[str] = mapped_column(String(255))


class User(Base):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(_in("role", ROLES), name="role"),
        CheckConstraint("role <> 'inspector' OR inspector_id IS NOT NULL", name="inspector_scope"),
        CheckConstraint("role <> 'township' OR township IS NOT NULL", name="township_scope"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(255), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    agency: Mapped[str | None] = mapped_column(String(255))
    inspector_id: Mapped[str | None] = mapped_column(String(64))
    township: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Token(Base):
    """An API token: only its SHA-256 is stored, with a non-secret prefix for logs."""

    __tablename__ = "tokens"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    prefix: Mapped[str] = mapped_column(String(16), index=True)
    token_hash: Mapped[str] = mapped_column(HASH, unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    last_used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    user: Mapped[User] = relationship()


class Job(Base):
    """A solve (or other long task) of a round.  At most one active
    (SCHEDULED or RUNNING) job per round and kind: a unique partial index."""

    __tablename__ = "jobs"
    __table_args__ = (
        CheckConstraint(_in("status", JOB_STATUSES), name="status"),
        CheckConstraint(f"stop_request IS NULL OR {_in('stop_request', STOP_REQUESTS)}", name="stop_request"),
        Index(
            "uq_jobs_active_round_kind", "round_id", "kind", unique=True,
            sqlite_where=text(_in("status", ACTIVE_JOB_STATUSES)),
            postgresql_where=text(_in("status", ACTIVE_JOB_STATUSES)),
        ),
    )
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="RESTRICT"))
    kind: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), default="SCHEDULED")
    created_by: Mapped[str] = mapped_column(String(255))
    scheduled_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    running_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    completed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    failed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    cancelled_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    interrupted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    phase: Mapped[str | None] = mapped_column(String(64))
    progress: Mapped[float | None] = mapped_column(Float)
    best_objective: Mapped[float | None] = mapped_column(Float)
    bound: Mapped[float | None] = mapped_column(Float)
    stop_request: Mapped[str | None] = mapped_column(String(8))
    result_plan_id: Mapped[int | None] = mapped_column(ForeignKey("plans.id", ondelete="RESTRICT"))
    error_message: Mapped[str | None] = mapped_column(Text)


class AuditEntry(Base):
    """One entry of the hash-chained audit log (see :mod:`scheduler.store.audit`)."""

    __tablename__ = "audit_log"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[str] = mapped_column(String(32))  # ISO 8601 UTC, e.g. 2026-11-25T10:53:34.123456Z
    actor: Mapped[str] = mapped_column(String(255))
    action: Mapped[str] = mapped_column(String(64))
    subject: Mapped[str] = mapped_column(String(255))
    details: Mapped[dict[str, Any]] = mapped_column(JSON)
    prev_hash: Mapped[str] = mapped_column(HASH, unique=True)
    entry_hash: Mapped[str] = mapped_column(HASH, unique=True)
