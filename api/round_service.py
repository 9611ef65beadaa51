"""Rounds of the service: the bridge between the database (rows and blobs)
and the use cases of :mod:`scheduler.app`.

The database is the record.  Files the use cases want as paths (the solve
worker reads a folder; exports are written to one) are materialised under
``<data dir>/rounds/<round id>/`` from the blobs, atomically and only once:
that folder is a cache that can always be rebuilt.  Parsed inputs and plans
are cached in memory by content hash, so a request that only reads (an
inspector's schedule) does not re-read the rosters.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.auth import Database
from scheduler import atomic, planfile
from scheduler.access import DEFAULT_REVEAL_WORKDAYS, RoundScope, Viewer, visits_by_inspector
from scheduler.agencies import AgencyDirectory
from scheduler.app.drawing import draw as run_draw
from scheduler.app.drawing import load_draw, publish_draw
from scheduler.app.errors import InputRejected, UseCaseError
from scheduler.app.exporting import export
from scheduler.app.inputs import load_inputs, validate
from scheduler.app.scheduling import check, plan_mismatches
from scheduler.draw import Reveal
from scheduler.draw.published import PublishedDraw
from scheduler.export.checkpoint import AuditCheckpoint
from scheduler.io import Inputs
from scheduler.io.source import Source
from scheduler.plan import Plan, ScheduledVisit
from scheduler.store import audit, plans
from scheduler.store import rounds as stored
from scheduler.store import snapshots as snapshot_store
from scheduler.store.audit import canonical_json, format_at
from scheduler.store.blobs import BlobStore
from scheduler.store.db import data_dir, read_only, unit_of_work
from scheduler.store.errors import StoreError
from scheduler.store.models import ACTIVE_JOB_STATUSES, Draw, Job, Publication, RosterSnapshot, Round
from scheduler.store.models import Plan as PlanRow
from scheduler.store.snapshots import read_files

REVEAL_WORKDAYS_ENV = "ONEVISIT_REVEAL_WORKDAYS"
CHINA = ZoneInfo("Asia/Shanghai")
DATA_FOLDER = "data"
DRAW_FOLDER = "draw"
EXPORTS_FOLDER = "exports"

K = TypeVar("K")
V = TypeVar("V")


class LRU(Generic[K, V]):
    """A small thread-safe cache: the value of a key is computed once."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()
        self._computing: dict[K, threading.Lock] = {}

    def get(self, key: K, make: Callable[[], V]) -> V:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
            gate = self._computing.setdefault(key, threading.Lock())
        with gate:
            with self._lock:
                if key in self._items:
                    return self._items[key]
            value = make()
            with self._lock:
                self._items[key] = value
                self._computing.pop(key, None)
                while len(self._items) > self.size:
                    self._items.popitem(last=False)
            return value


def china_today() -> dt.date:
    return dt.datetime.now(CHINA).date()


def reveal_workdays() -> int:
    value = os.environ.get(REVEAL_WORKDAYS_ENV, "")
    return int(value) if value.strip().isdigit() else DEFAULT_REVEAL_WORKDAYS


def agency_code(text: str | None) -> str | None:
    """A viewer's agency as a code ("市场监管" → "SCJG"); unknown spellings stay as written."""
    if text is None:
        return None
    found = AgencyDirectory().resolve(text)
    return found.code if found is not None else text.strip()


def owns(who: Viewer, round_: Round) -> bool:
    """A planner of one of the round's agencies (the lead or a partner)."""
    return who.role == "planner" and agency_code(who.agency) in stored.agencies_of(round_)


def leads(who: Viewer, round_: Round) -> bool:
    """A planner of the round's lead agency: the one who may change it."""
    return who.role == "planner" and agency_code(who.agency) == round_.agency


def scope_of(round_: Round) -> RoundScope:
    return RoundScope(round_.agency, stored.agencies_of(round_), round_.published_at is not None)


@dataclass(frozen=True)
class Workspace:
    """A round's files as paths (a cache of the blobs)."""

    path: Path

    @property
    def data(self) -> Path:
        return self.path / DATA_FOLDER

    @property
    def round_file(self) -> Path:
        return self.data / stored.ROUND_FILE

    @property
    def draw(self) -> Path:
        return self.path / DRAW_FOLDER


class RoundService:
    """Reads rounds for the API, with the caches above."""

    def __init__(self, database: Database, base: Path | None = None, *,
                 today: Callable[[], dt.date] = china_today, workdays: int | None = None) -> None:
        self.database = database
        self.base = Path(base) if base is not None else data_dir()
        self.blobs = BlobStore(self.base / "blobs")
        self.today = today
        self.workdays = reveal_workdays() if workdays is None else workdays
        self._inputs: LRU[tuple[str, str], Inputs] = LRU(4)
        self._plans: LRU[str, Plan] = LRU(16)
        self._indexes: LRU[str, Mapping[str, tuple[ScheduledVisit, ...]]] = LRU(16)
        self._input_keys: dict[int, tuple[str, str]] = {}  # round id → its inputs' key (fixed for a round)
        self._draws: LRU[str, PublishedDraw] = LRU(8)
        self._folders = threading.Lock()  # materialising rosters and draws (fast)
        self._exporting: LRU[Path, threading.Lock] = LRU(64)  # one lock per export folder (slow)

    # --- rows ------------------------------------------------------------------

    @contextlib.contextmanager
    def reading(self) -> Iterator[Session]:
        with read_only(self.database.engine()) as session:
            yield session

    def folder(self, round_id: int) -> Path:
        return self.base / "rounds" / str(round_id)

    # --- inputs, draws, plans -----------------------------------------------------

    def inputs(self, session: Session, round_: Round) -> Inputs:
        """The round's rosters and round file, validated (cached: a round's
        snapshot and round file never change)."""
        key = self._input_keys.get(round_.id)
        if key is None:
            snapshot = stored.snapshot_of(session, round_)
            key = self._input_keys[round_.id] = (snapshot.content_hash, stored.round_file_hash(round_) or "")

        def make() -> Inputs:
            snapshot = stored.snapshot_of(session, round_)
            files = read_files(self.blobs, snapshot)
            sources = [Source(name, data) for name, data in sorted(files.items())]
            return load_inputs(sources, Source(stored.ROUND_FILE, self.blobs.get(key[1])), need_round=True)

        return self._inputs.get(key, make)

    def plan(self, row: PlanRow) -> Plan:
        return self._plans.get(row.content_hash, lambda: planfile.from_bytes(self.blobs.get(row.content_hash)))

    def inspector_index(self, row: PlanRow) -> Mapping[str, tuple[ScheduledVisit, ...]]:
        """Each inspector's visits in plan version *row* (cached by the plan's hash)."""
        return self._indexes.get(row.content_hash, lambda: visits_by_inspector(self.plan(row)))

    def draw(self, session: Session, round_: Round, draw: Draw) -> PublishedDraw:
        return self._draws.get(draw.manifest_hash, lambda: load_draw(self.workspace(session, round_, draw).draw))

    # --- files as paths -----------------------------------------------------------

    def _materialise(self, target: Path, files: dict[str, str]) -> None:
        """Write *files* (relative name → blob hash) into *target* once, atomically."""
        with self._folders:
            if target.is_dir():
                return
            stage = target.with_name(f".{target.name}.tmp-{os.getpid()}-{threading.get_ident()}")
            for name, digest in files.items():
                atomic.write_bytes(stage / name, self.blobs.get(digest))
            stage.rename(target)

    def workspace(self, session: Session, round_: Round, draw: Draw | None) -> Workspace:
        """The round's rosters, round file and (when drawn) draw as folders."""
        space = Workspace(self.folder(round_.id))
        if not space.data.is_dir():
            snapshot = stored.snapshot_of(session, round_)
            files = {f.name: f.blob_hash for f in snapshot.files}
            files[stored.ROUND_FILE] = stored.round_file_hash(round_) or ""
            self._materialise(space.data, files)
        if draw is not None and not space.draw.is_dir():
            self._materialise(space.draw, {f.name: f.blob_hash for f in draw.files})
        return space

    def exports(self, session: Session, round_: Round, row: PlanRow) -> Path:
        """The folder of every export of plan version *row* (written on first
        request; a new folder when results or the publication change)."""
        publication = stored.publication_of(session, row.id)
        results = stored.results_of(session, row.id)
        checkpoint = None if publication is None else checkpoint_of(publication)
        key = hashlib.sha256(canonical_json({
            "plan": row.content_hash,
            "results": [[r.uscc, r.item, list(r.values), r.date.isoformat(), r.note] for r in results],
            "checkpoint": None if checkpoint is None else [checkpoint.seq, checkpoint.entry_hash],
        })).hexdigest()[:16]
        target = self.folder(round_.id) / EXPORTS_FOLDER / f"v{row.version}-{key}"
        with self._exporting.get(target, threading.Lock):
            if target.is_dir():
                return target
            draw_row = stored.draw_of(session, round_.id)
            draw = None if draw_row is None else self.draw(session, round_, draw_row)
            export(self.plan(row), self.inputs(session, round_), target, draw=draw, results=results, workers=1,
                   checkpoint=checkpoint)
        return target

    # --- changes (each one transaction, audited) -------------------------------------

    def freeze_rosters(self, actor: str, contents: dict[str, bytes]) -> Frozen:
        """Validate roster files and freeze them as a snapshot; raises
        :class:`~scheduler.app.errors.InputRejected` with every problem."""
        result = validate([Source(n, d) for n, d in sorted(contents.items())])
        if not result.ok:
            raise InputRejected(result.report)
        with unit_of_work(self.database.engine()) as session:
            snapshot = snapshot_store.freeze(session, self.blobs, contents)
            audit.append(session, actor=actor, action="roster.upload", subject=f"snapshot:{snapshot.id}",
                         details={"content_hash": snapshot.content_hash,
                                  "files": {f.name: f.blob_hash for f in snapshot.files}})
            return Frozen(snapshot.id, snapshot.content_hash,
                          tuple((f.name, f.blob_hash, f.size) for f in snapshot.files), result.summary)

    def round_facts(self, snapshot_id: int, round_file: bytes) -> stored.RoundFacts:
        """Validate a round file against a snapshot: what the round records of it."""
        with self.reading() as session:
            snapshot = session.get(RosterSnapshot, snapshot_id)
            if snapshot is None:
                raise UnknownRecord(f"没有编号为 {snapshot_id} 的名录快照 (no such snapshot)")
            files = read_files(self.blobs, snapshot)
        result = validate([Source(n, d) for n, d in sorted(files.items())], Source(stored.ROUND_FILE, round_file))
        if result.inputs is None or result.inputs.round is None:
            raise InputRejected(result.report)
        declared, items = result.inputs.round, result.inputs.dataset.items
        chosen = set(declared.items)
        agencies = set(declared.agencies) | {i.agency for i in items if i.code in chosen} | {declared.lead_agency}
        if not declared.agencies and not declared.items:
            agencies |= {i.agency for i in items}
        return stored.RoundFacts(declared.name, declared.code, declared.lead_agency, tuple(sorted(agencies)),
                                 (declared.start.isoformat(), declared.end.isoformat()),
                                 declared.seed.beacon_description,
                                 tuple((c.party, c.sha256) for c in declared.seed.commitments))

    def create_round(self, actor: str, snapshot_id: int, round_file: bytes, facts: stored.RoundFacts) -> int:
        """A new round; refused when the office has one of the same name or
        code (visit ids and calendar UIDs derive from them)."""
        with unit_of_work(self.database.engine()) as session:
            snapshot = session.get(RosterSnapshot, snapshot_id)
            if snapshot is None:
                raise UnknownRecord(f"没有编号为 {snapshot_id} 的名录快照 (no such snapshot)")
            same = stored.same_name_or_code(session, facts)
            if same is not None:
                raise StoreError(f"本部门已有同名或同编号的抽查轮次（轮次 {same.id}「{same.name}」）：轮次名称和编号用于生成"
                                 "检查编号和日历事件，不能重复；请修改 round.toml 的 name 或 code (a round of this name or "
                                 "code exists)")
            round_ = stored.create_round(session, self.blobs, snapshot, round_file, facts, created_by=actor)
            audit.append(session, actor=actor, action="round.create", subject=f"round:{round_.id}",
                         details={"name": facts.name, "code": facts.code, "snapshot": snapshot.content_hash,
                                  "round_file_sha256": stored.round_file_hash(round_)})
            return round_.id

    def announce(self, actor: str, round_id: int) -> dt.datetime:
        with unit_of_work(self.database.engine()) as session:
            round_ = session.get(Round, round_id)
            if round_ is None:
                raise UnknownRecord(f"没有编号为 {round_id} 的轮次 (no such round)")
            return stored.announce(session, round_, stored.snapshot_of(session, round_), actor=actor)

    def make_draw(self, actor: str, round_id: int, *, beacon: str = "", reveals: dict[str, str] | None = None,
                  seed: str | None = None, mode: str = "coordinated") -> tuple[Draw, int]:
        """Draw the round with the CLI's use case and store its files; the
        draw's row and how many enterprises it selected.  A round is drawn
        once (:class:`~scheduler.store.errors.StoreError`)."""
        reveals = dict(reveals or {})
        with self.reading() as session:
            round_ = session.get(Round, round_id)
            if round_ is None:
                raise UnknownRecord(f"没有编号为 {round_id} 的轮次 (no such round)")
            if stored.draw_of(session, round_id) is not None:
                raise StoreError("本轮次已抽取，抽取结果不能重做或覆盖 (the round is drawn already)")
            if stored.commitments_of(round_) and round_.announced_at is None:
                raise StoreError("本轮次有承诺值：须先公布承诺值（POST /api/rounds/{id}/announce）再抽取，"
                                 "否则无法证明承诺早于抽取 (announce the commitments before the draw)")
            inputs = self.inputs(session, round_)
        result = run_draw(inputs, mode=mode, beacon=beacon, reveals=[Reveal(p, v) for p, v in reveals.items()],
                          seed=seed)
        with tempfile.TemporaryDirectory(prefix="onevisit-draw-") as tmp:
            folder = publish_draw(result, inputs, Path(tmp) / "draw")
            files = {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
                     if p.is_file() and not p.name.startswith(".")}
        published = PublishedDraw.from_result(result)
        with unit_of_work(self.database.engine()) as session:
            round_ = session.get(Round, round_id)
            assert round_ is not None
            row = stored.save_draw(session, self.blobs, round_, files, published.manifest_sha256)
            audit.append(session, actor=actor, action="draw", subject=f"round:{round_id}",
                         details={"manifest_sha256": row.manifest_hash, "beacon": beacon,
                                  "parties": sorted(reveals), "selected": len(published.selection)})
            row.files  # noqa: B018 - loaded for the caller
            return row, len(published.selection)

    def add_plan(self, session: Session, actor: str, round_id: int, data: bytes, *, job_id: str | None = None,
                 action: str = "plan.create", details: dict[str, object] | None = None) -> PlanRow:
        """A new plan version of the round, in the caller's transaction."""
        row = plans.add_version(session, round_id, self.blobs.put(data), created_by=actor)
        visits = stored.save_visits(session, row, self._plans.get(row.content_hash, lambda: planfile.from_bytes(data)))
        noted: dict[str, object] = {"version": row.version, "plan_sha256": row.content_hash, "visits": visits,
                                    **(details or {})}
        if job_id is not None:
            noted["job"] = job_id
        audit.append(session, actor=actor, action=action, subject=f"round:{round_id}", details=noted)
        return row

    def edit_plan(self, actor: str, round_id: int, uploaded: bytes) -> PlanRow:
        """A plan changed by hand (plan.json uploaded) as the round's next
        version, after the independent checker passed it; never over a
        published or any earlier version."""
        try:
            plan = planfile.from_bytes(uploaded)
        except planfile.PlanFormatError as exc:
            raise PlanRejected("无法读取上传的 plan.json (unreadable plan)", [str(exc)]) from None
        data = planfile.to_bytes(plan)
        with self.reading() as session:
            round_ = session.get(Round, round_id)
            if round_ is None:
                raise UnknownRecord(f"没有编号为 {round_id} 的轮次 (no such round)")
            draw_row = stored.draw_of(session, round_id)
            if draw_row is None:
                raise StoreError("本轮次尚未抽取，没有可修改的安排 (not drawn)")
            if self.active_job(session, round_id) is not None:
                raise StoreError("本轮次正在求解，求解结束后再提交手工调整 (a solve is running)")
            latest = stored.latest_plan(session, round_id)
            if latest is not None and latest.content_hash == hashlib.sha256(data).hexdigest():
                raise StoreError(f"上传的安排与第 {latest.version} 版相同，未保存 (no change)")
            based_on = None if latest is None else latest.version
            inputs, manifest = self.inputs(session, round_), draw_row.manifest_hash
        if plan.audit.draw_manifest_sha256 != manifest:
            raise PlanRejected("上传的安排不是按本轮次的抽取结果生成的：manifest.json 的 SHA-256 不同 "
                               "(the plan is of another draw)")
        problems = plan_mismatches(plan, inputs) + [str(v) for v in check(plan, inputs)]
        if problems:
            raise PlanRejected(f"上传的安排违反 {len(problems)} 条硬性规则，未保存 (hard rules broken: nothing saved)",
                               problems)
        with unit_of_work(self.database.engine()) as session:
            return self.add_plan(session, actor, round_id, data, action="plan.edit",
                                 details={"based_on": based_on, "uploaded_sha256": hashlib.sha256(uploaded).hexdigest()})

    # --- jobs --------------------------------------------------------------------

    @staticmethod
    def active_job(session: Session, round_id: int) -> Job | None:
        return session.scalars(select(Job).where(Job.round_id == round_id, Job.status.in_(ACTIVE_JOB_STATUSES))
                               .limit(1)).first()


@dataclass(frozen=True)
class Frozen:
    """A roster snapshot as stored: id, content hash, files (name, sha256, size), summary."""

    id: int
    content_hash: str
    files: tuple[tuple[str, str, int], ...]
    summary: dict[str, Any] | None


class PlanRejected(UseCaseError):
    """An uploaded plan that cannot be kept (422): unreadable, of another draw, or breaking hard rules."""


class UnknownRecord(StoreError):
    """A snapshot or round that does not exist (404)."""

    http_status = 404


def checkpoint_of(publication: Publication) -> AuditCheckpoint:
    return AuditCheckpoint(publication.audit_seq, publication.audit_head, format_at(publication.published_at))
