"""Rounds in the database: a round points at the exact roster snapshot it
drew from and at its round file (a blob); its draw, its plan versions, its
publications and its results are rows next to it.

Each function works inside the caller's unit of work (one transaction per
request); file bytes go to the blob store, rows keep their hashes.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from scheduler.plan import Plan as PlanValue
from scheduler.results import ItemResult
from scheduler.store import audit
from scheduler.store.blobs import BlobStore
from scheduler.store.db import utcnow
from scheduler.store.errors import StoreError
from scheduler.store.models import Draw, DrawFile, Plan, Publication, Result, RosterSnapshot, Round, Visit, VisitMember

ROUND_FILE = "round.toml"
SEALED_PREFIX = "封存/"


@dataclass(frozen=True)
class RoundFacts:
    """What a new round records of its round file (read by the use cases)."""

    name: str
    code: str
    lead_agency: str  # agency code
    agencies: tuple[str, ...]  # every agency code taking part, the lead included
    window: tuple[str, str] = ("", "")  # ISO dates, inclusive
    beacon_description: str = ""
    commitments: tuple[tuple[str, str], ...] = ()  # (party, SHA-256 of the secret)


def create_round(session: Session, blobs: BlobStore, snapshot: RosterSnapshot, round_file: bytes,
                 facts: RoundFacts, *, created_by: str) -> Round:
    """A new round over *snapshot*; the round file is frozen as a blob."""
    settings = {"code": facts.code, "round_file": blobs.put(round_file), "agencies": list(facts.agencies),
                "uid_secret": secrets.token_hex(32),
                "created_by": created_by, "window": list(facts.window),
                "beacon_description": facts.beacon_description,
                "commitments": [{"party": p, "sha256": h} for p, h in facts.commitments]}
    round_ = Round(name=facts.name, agency=facts.lead_agency, snapshot_id=snapshot.id, settings=settings)
    session.add(round_)
    session.flush()
    return round_


def same_name_or_code(session: Session, facts: RoundFacts) -> Round | None:
    """A round of the same lead agency with the same name, or the same
    (non-empty) code."""
    for round_ in session.scalars(select(Round).where(Round.agency == facts.lead_agency).order_by(Round.id)):
        if round_.name == facts.name or (facts.code and round_.settings.get("code") == facts.code):
            return round_
    return None


def agencies_of(round_: Round) -> frozenset[str]:
    listed = round_.settings.get("agencies") or []
    return frozenset([round_.agency, *[str(a) for a in listed]])


def commitments_of(round_: Round) -> list[dict[str, str]]:
    listed = round_.settings.get("commitments") or []
    return [{"party": str(c["party"]), "sha256": str(c["sha256"])} for c in listed]


def announce(session: Session, round_: Round, snapshot: RosterSnapshot, *, actor: str) -> dt.datetime:
    """Make the round's commitments public before its draw (once)."""
    if round_.announced_at is not None:
        raise StoreError(f"本轮次已于 {audit.format_at(round_.announced_at)} 公布承诺值 (announced already)")
    if draw_of(session, round_.id) is not None:
        raise StoreError("本轮次已抽取：承诺值必须在抽取之前公布 (the draw is made already)")
    round_.announced_at = utcnow()
    audit.append(session, actor=actor, action="round.announce", subject=f"round:{round_.id}",
                 details={"commitments": commitments_of(round_), "snapshot": snapshot.content_hash,
                          "round_file_sha256": round_file_hash(round_),
                          "beacon_description": round_.settings.get("beacon_description", "")},
                 at=round_.announced_at)
    session.flush()
    return round_.announced_at


def uid_secret(session: Session, round_: Round) -> bytes:
    """The round's secret for calendar UIDs (made on first use for a round
    created before rounds had one).  Never shown, never audited."""
    value = round_.settings.get("uid_secret")
    if not isinstance(value, str):
        value = secrets.token_hex(32)
        round_.settings = {**round_.settings, "uid_secret": value}
        session.flush()
    return bytes.fromhex(value)


def round_file_hash(round_: Round) -> str | None:
    value = round_.settings.get("round_file")
    return value if isinstance(value, str) else None


def snapshot_of(session: Session, round_: Round) -> RosterSnapshot:
    snapshot = session.get(RosterSnapshot, round_.snapshot_id)
    assert snapshot is not None  # a foreign key
    return snapshot


def draw_of(session: Session, round_id: int) -> Draw | None:
    return session.scalar(select(Draw).where(Draw.round_id == round_id))


def save_draw(session: Session, blobs: BlobStore, round_: Round, files: Mapping[str, bytes], manifest_hash: str) -> Draw:
    """Store the published draw folder's files (relative names; those under
    ``封存/`` are sealed, the rest public).  A round has one draw."""
    if draw_of(session, round_.id) is not None:
        raise StoreError("本轮次已抽取，抽取结果不能重做或覆盖 (the round is drawn already)")
    draw = Draw(round_id=round_.id, manifest_hash=manifest_hash)
    draw.files = [DrawFile(name=name, blob_hash=blobs.put(data), public=not name.startswith(SEALED_PREFIX))
                  for name, data in sorted(files.items())]
    session.add(draw)
    session.flush()
    return draw


def plans_of(session: Session, round_id: int) -> list[Plan]:
    return list(session.scalars(select(Plan).where(Plan.round_id == round_id).order_by(Plan.version)))


def plan_version(session: Session, round_id: int, version: int) -> Plan | None:
    return session.scalar(select(Plan).where(Plan.round_id == round_id, Plan.version == version))


def latest_plan(session: Session, round_id: int, *, published: bool = False) -> Plan | None:
    query = select(Plan).where(Plan.round_id == round_id)
    if published:
        query = query.where(Plan.published_at.is_not(None))
    return session.scalars(query.order_by(Plan.version.desc()).limit(1)).first()


def save_visits(session: Session, plan_row: Plan, plan: PlanValue) -> int:
    """The plan version's visits and team members as rows; returns how many visits."""
    for v in plan.visits:
        row = Visit(plan_id=plan_row.id, visit_id=v.visit_id, uscc=v.uscc, name=v.name, township=v.township,
                    date=v.date, agencies=list(v.agencies), items=list(v.items), revision=v.revision)
        row.members = [VisitMember(inspector_id=m.inspector_id, agency=m.agency, role=m.role) for m in v.team]
        session.add(row)
    session.flush()
    return len(plan.visits)


def publication_of(session: Session, plan_id: int) -> Publication | None:
    return session.scalar(select(Publication).where(Publication.plan_id == plan_id))


def publish(session: Session, round_: Round, plan: Plan, *, actor: str, details: Mapping[str, object]) -> Publication:
    """Publish *plan* (one of *round_*'s versions): the plan row is frozen,
    the round marked published, the publication audited, and the audit
    entry's hash kept as the publication's checkpoint."""
    if plan.round_id != round_.id:
        raise StoreError("该安排不属于本轮次 (the plan is of another round)")
    if plan.published_at is not None:
        raise StoreError(f"第 {plan.version} 版安排已公布 (published already)")
    at = utcnow()
    plan.published_at = at
    if round_.published_at is None:
        round_.published_at = at
    entry = audit.append(session, actor=actor, action="round.publish", subject=f"round:{round_.id}",
                         details={"plan_version": plan.version, "plan_sha256": plan.content_hash, **details}, at=at)
    publication = Publication(round_id=round_.id, plan_id=plan.id, audit_seq=entry.seq, audit_head=entry.entry_hash,
                              published_at=at, published_by=actor)
    session.add(publication)
    session.flush()
    return publication


def visit_key(uscc: str) -> str:
    return uscc


def save_results(session: Session, plan: Plan, results: Iterable[ItemResult], *, by: str,
                 at: dt.datetime | None = None) -> int:
    """Record *results* against *plan*: an item entered again replaces its
    earlier entry.  Returns how many were recorded."""
    at = at or utcnow()
    count = 0
    for r in results:
        session.execute(delete(Result).where(Result.plan_id == plan.id, Result.visit_key == visit_key(r.uscc),
                                             Result.item == r.item))
        session.add(Result(plan_id=plan.id, visit_key=visit_key(r.uscc), item=r.item, outcome=";".join(r.values)[:64],
                           details={"values": list(r.values), "date": r.date.isoformat(), "note": r.note},
                           recorded_at=at, recorded_by=by))
        count += 1
    session.flush()
    return count


def results_of(session: Session, plan_id: int) -> list[ItemResult]:
    rows = session.scalars(select(Result).where(Result.plan_id == plan_id).order_by(Result.visit_key, Result.item))
    return [ItemResult(r.visit_key, r.item, tuple(r.details.get("values") or ()),
                       dt.date.fromisoformat(str(r.details["date"])), str(r.details.get("note") or ""))
            for r in rows]


def count_results(session: Session, plan_id: int) -> int:
    return int(session.scalar(select(func.count()).select_from(Result).where(Result.plan_id == plan_id)) or 0)
