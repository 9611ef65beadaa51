"""Rounds over HTTP (see docs/service.md): upload rosters, create a round,
draw, read plans with their check report, download exports, publish, enter
results; and what inspectors, township offices and the public may read.

Every handler parses, asks :mod:`scheduler.access` whether the viewer may
see it, calls a use case of :mod:`scheduler.app` through
:class:`~api.round_service.RoundService`, and presents.  A round outside the
viewer's scope is 404 (its existence is not revealed); a role that may never
do something is 403; no token where one is needed is 401.
"""

from __future__ import annotations

import datetime as dt
import mimetypes
import tempfile
from pathlib import Path, PurePosixPath
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Body, File, Request, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel, Field
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from api.auth import InspectorDep, PlannerDep, TownshipDep, ViewerDep, deny
from api.models import (
    XLSX,
    Announcement,
    DrawFile,
    DrawOut,
    InspectorSchedule,
    PlanDetail,
    PlanVersion,
    Published,
    Recorded,
    Results,
    RoundOut,
    Snapshot,
    TownshipVisits,
    file_responses,
)
from api.params import MAX_ID, RoundId, Version
from api.problems import ERROR_RESPONSES, UploadRejected, error_responses
from api.round_service import CHINA, RoundService, agency_code, leads, owns, scope_of
from api.uploads import check_uploads, read_uploads
from scheduler import planfile
from scheduler.access import Decision, Viewer, VisitView, inspector_schedule, public_draw_file, public_visits, reveal_date, township_visits
from scheduler.app.results import record_results
from scheduler.app.scheduling import check
from scheduler.export import notice as notice_export
from scheduler.export import township as township_export
from scheduler.export.bundle import TOWNSHIP_FOLDER
from scheduler.export.own_schedule import OwnSchedule, OwnVisit, event_uid
from scheduler.export.own_schedule import calendar_bytes as own_calendar
from scheduler.export.own_schedule import workbook as own_workbook
from scheduler.io import Problem
from scheduler.store import audit
from scheduler.store import rounds as stored
from scheduler.store.db import unit_of_work
from scheduler.store.models import Plan as PlanRow
from scheduler.store.models import RosterSnapshot, Round

NOT_FOUND = "没有该轮次，或无权查看 (not found)"


class CreateRound(BaseModel):
    snapshot_id: int = Field(description="名录快照编号 (POST /api/snapshots 的结果)", ge=1, le=MAX_ID)
    round_file: str = Field(description="抽查轮次配置 round.toml 的全文 (TOML text)", max_length=200_000)


class DrawRequest(BaseModel):
    beacon: str = Field("", description="公开随机源的值，按轮次配置的说明书写 (the beacon value)", max_length=2_000)
    reveals: dict[str, str] = Field(default_factory=dict, description="各承诺方揭示的秘密值 (party → secret)")
    seed: str | None = Field(None, description="没有承诺值的轮次用的普通种子 (plain seed)", max_length=2_000)
    mode: str = Field("coordinated", pattern="^(coordinated|independent)$")


class PublishRequest(BaseModel):
    version: int | None = Field(None, description="要公布的安排版本；缺省为最新版本 (default: latest)", ge=1,
                                  le=MAX_ID)


def service(request: Request) -> RoundService:
    rounds: RoundService = request.app.state.rounds
    return rounds


def actor_of(who: Viewer) -> str:
    return f"user:{who.name}"


def _at(value: dt.datetime | None) -> str | None:
    return None if value is None else audit.format_at(value)


def _not_found() -> HTTPException:
    return HTTPException(404, NOT_FOUND)


def visible_round(session: Any, who: Viewer, round_id: int) -> Round:
    """The round when *who* may see it: an owning planner, or anyone once published."""
    round_ = session.get(Round, round_id)
    if round_ is None:
        raise _not_found()
    if who.role == "planner":
        if not owns(who, round_):
            raise _not_found()
    elif round_.published_at is None:
        raise _not_found()
    return round_


def led_round(session: Any, who: Viewer, round_id: int) -> Round:
    """The round when *who* is a planner of its lead agency (the only one who changes it)."""
    round_ = visible_round(session, who, round_id)
    if not leads(who, round_):
        raise HTTPException(403, "只有发起部门的计划科室可以修改本轮次 (only the lead agency's planners)")
    return round_


def plan_json(row: PlanRow) -> dict[str, Any]:
    return {"version": row.version, "sha256": row.content_hash, "created_at": _at(row.created_at),
            "created_by": row.created_by, "published_at": _at(row.published_at)}


def round_json(session: Any, rounds: RoundService, who: Viewer, round_: Round) -> dict[str, Any]:
    planner = owns(who, round_)
    snapshot = session.get(RosterSnapshot, round_.snapshot_id)
    draw = stored.draw_of(session, round_.id)
    plans = [p for p in stored.plans_of(session, round_.id) if planner or p.published_at is not None]
    active = rounds.active_job(session, round_.id) if planner else None
    state = ("published" if round_.published_at else "planned" if plans else "drawn" if draw
             else "announced" if round_.announced_at else "created")
    return {
        "id": round_.id, "name": round_.name, "code": round_.settings.get("code", ""),
        "lead_agency": round_.agency, "agencies": sorted(stored.agencies_of(round_)), "state": state,
        "snapshot": {"id": round_.snapshot_id, "content_hash": snapshot.content_hash if snapshot else None},
        "round_file_sha256": stored.round_file_hash(round_),
        "created_at": _at(round_.created_at), "announced_at": _at(round_.announced_at),
        "published_at": _at(round_.published_at),
        "draw": None if draw is None else {"manifest_sha256": draw.manifest_hash, "created_at": _at(draw.created_at)},
        "plans": [plan_json(p) for p in plans],
        "active_job": None if active is None else active.id,
    }


def announcement_json(session: Any, rounds: RoundService, round_: Round | None) -> dict[str, Any]:
    """What anyone may read of a round before its draw: nothing about enterprises."""
    assert round_ is not None
    snapshot = session.get(RosterSnapshot, round_.snapshot_id)
    digest = stored.round_file_hash(round_)
    window = round_.settings.get("window") or ["", ""]
    return {
        "round_id": round_.id, "name": round_.name, "code": round_.settings.get("code", ""),
        "lead_agency": round_.agency, "agencies": sorted(stored.agencies_of(round_)),
        "window": {"start": window[0], "end": window[1]},
        "beacon_description": round_.settings.get("beacon_description", ""),
        "commitments": stored.commitments_of(round_),
        "snapshot_content_hash": snapshot.content_hash if snapshot else None,
        "round_file_sha256": digest,
        "round_file": rounds.blobs.get(digest).decode("utf-8") if digest else None,
        "announced_at": _at(round_.announced_at),
    }


def view_json(view: VisitView) -> dict[str, Any]:
    return {
        "revealed": view.revealed, "date": view.date.isoformat(), "township": view.township,
        "agencies": list(view.agencies),
        "team": [{"inspector_id": m.inspector_id, "name": m.name, "agency": m.agency, "role": m.role}
                 for m in view.team],
        "visit_id": view.visit_id, "uscc": view.uscc, "name": view.name, "items": list(view.items),
        "revision": view.revision,
    }


def file_response(data: bytes, name: str) -> Response:
    media = mimetypes.guess_type(name)[0] or "application/octet-stream"
    if name.endswith(".xlsx"):
        media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    elif name.endswith(".ics"):
        media = "text/calendar; charset=utf-8"
    quoted = PurePosixPath(name).name
    return Response(data, media_type=media,
                    headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(quoted)}"})


def safe_relative(name: str) -> str | None:
    """A relative file name without ``..``, absolute parts or backslashes."""
    path = PurePosixPath(name)
    if not name or "\\" in name or path.is_absolute() or any(p in ("..", ".", "") for p in name.split("/")):
        return None
    return str(path)


def listing(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder).as_posix()) for p in folder.rglob("*")
                  if p.is_file() and not p.name.startswith("."))


def make_router() -> APIRouter:
    router = APIRouter(tags=["rounds"])

    # --- upload and create ------------------------------------------------------

    @router.post("/api/snapshots", status_code=201, summary="上传名录库 (upload rosters)", response_model=Snapshot,
                 responses={**error_responses(401, 403), **ERROR_RESPONSES})
    async def upload_snapshot(request: Request, who: PlannerDep,
                              files: Annotated[list[UploadFile] | None, File(description="名录库文件")] = None,
                              ) -> dict[str, Any]:
        contents, problems = check_uploads(await read_uploads(files or []))
        if problems:
            raise UploadRejected(problems)
        tomls = [n for n in contents if n.lower().endswith(".toml")]
        if tomls:
            raise UploadRejected([Problem(n, None, None, "轮次配置请在创建轮次时提交，不属于名录库 (round files go to POST /api/rounds)")
                                  for n in tomls])
        frozen = await run_in_threadpool(service(request).freeze_rosters, actor_of(who), contents)
        return {"id": frozen.id, "content_hash": frozen.content_hash,
                "files": [{"name": n, "sha256": h, "size": size} for n, h, size in frozen.files],
                "summary": frozen.summary}

    @router.post("/api/rounds", status_code=201, summary="创建抽查轮次 (create a round)", response_model=RoundOut,
                 responses=error_responses(401, 403, 404, 409, 422))
    def create_round(body: CreateRound, who: PlannerDep, request: Request) -> dict[str, Any]:
        rounds = service(request)
        text = body.round_file.encode("utf-8")
        facts = rounds.round_facts(body.snapshot_id, text)
        if agency_code(who.agency) != facts.lead_agency:
            raise HTTPException(403, f"轮次的发起部门是 {facts.lead_agency}，只能由该部门的计划科室创建 "
                                     "(only the lead agency's planners create a round)")
        round_id = rounds.create_round(actor_of(who), body.snapshot_id, text, facts)
        with rounds.reading() as session:
            return round_json(session, rounds, who, visible_round(session, who, round_id))

    # --- read rounds --------------------------------------------------------------

    @router.get("/api/rounds", summary="可见的轮次 (rounds you may see)", response_model=list[RoundOut],
                responses=error_responses(401))
    def list_rounds(who: ViewerDep, request: Request) -> list[dict[str, Any]]:
        rounds = service(request)
        with rounds.reading() as session:
            rows = session.scalars(select(Round).order_by(Round.id)).all()
            return [round_json(session, rounds, who, r) for r in rows
                    if (owns(who, r) if who.role == "planner" else r.published_at is not None)]

    @router.get("/api/rounds/{round_id}", summary="轮次 (a round)", response_model=RoundOut,
                responses=error_responses(401, 404, 422))
    def get_round(round_id: RoundId, who: ViewerDep, request: Request) -> dict[str, Any]:
        rounds = service(request)
        with rounds.reading() as session:
            return round_json(session, rounds, who, visible_round(session, who, round_id))

    # --- announcement (before the draw) ---------------------------------------------

    @router.post("/api/rounds/{round_id}/announce", summary="公布承诺值（抽取之前）(announce the commitments)",
                 response_model=Announcement, responses=error_responses(401, 403, 404, 409, 422))
    def announce(round_id: RoundId, who: PlannerDep, request: Request) -> dict[str, Any]:
        rounds = service(request)
        with rounds.reading() as session:
            led_round(session, who, round_id)
        rounds.announce(actor_of(who), round_id)
        with rounds.reading() as session:
            return announcement_json(session, rounds, session.get(Round, round_id))

    @router.get("/api/rounds/{round_id}/announcement", summary="抽取前公布的承诺值 (the pre-draw announcement)",
                response_model=Announcement, responses=error_responses(401, 404, 422))
    def announcement(round_id: RoundId, who: ViewerDep, request: Request) -> dict[str, Any]:
        rounds = service(request)
        with rounds.reading() as session:
            round_ = session.get(Round, round_id)
            if round_ is None or not (owns(who, round_) or round_.announced_at is not None):
                raise _not_found()
            return announcement_json(session, rounds, round_)

    @router.get("/api/announcements", summary="已公布承诺值的轮次 (announced rounds)",
                response_model=list[Announcement], responses=error_responses())
    def announcements(request: Request) -> list[dict[str, Any]]:
        rounds = service(request)
        with rounds.reading() as session:
            rows = session.scalars(select(Round).where(Round.announced_at.is_not(None)).order_by(Round.id)).all()
            return [announcement_json(session, rounds, r) for r in rows]

    # --- draw -------------------------------------------------------------------------

    @router.post("/api/rounds/{round_id}/draw", status_code=201, summary="抽取检查对象 (run the draw)",
                 response_model=DrawOut, responses=error_responses(401, 403, 404, 409, 422))
    def make_draw(round_id: RoundId, body: DrawRequest, who: PlannerDep, request: Request) -> dict[str, Any]:
        rounds = service(request)
        with rounds.reading() as session:
            led_round(session, who, round_id)
        row, selected = rounds.make_draw(actor_of(who), round_id, beacon=body.beacon, reveals=body.reveals, seed=body.seed,
                               mode=body.mode)
        return {"manifest_sha256": row.manifest_hash, "selected": selected,
                "files": [{"name": f.name, "sha256": f.blob_hash, "public": f.public} for f in row.files]}

    def draw_file_allowed(who: Viewer, round_: Round, public: bool) -> bool:
        if owns(who, round_):
            return True
        return public_draw_file(file_public=public, round_published=round_.published_at is not None) \
            is Decision.ALLOWED

    @router.get("/api/rounds/{round_id}/draw/files", summary="抽取结果文件 (draw files)", response_model=list[DrawFile],
                responses=error_responses(401, 404, 422))
    def draw_files(round_id: RoundId, who: ViewerDep, request: Request) -> list[dict[str, Any]]:
        rounds = service(request)
        with rounds.reading() as session:
            round_ = visible_round(session, who, round_id)
            row = stored.draw_of(session, round_.id)
            if row is None:
                raise HTTPException(404, "本轮次尚未抽取 (not drawn yet)")
            return [{"name": f.name, "sha256": f.blob_hash, "public": f.public} for f in row.files
                    if draw_file_allowed(who, round_, f.public)]

    @router.get("/api/rounds/{round_id}/draw/files/{name:path}", summary="下载抽取结果文件 (download a draw file)",
                response_class=Response, responses={**file_responses(), **error_responses(401, 404, 422)})
    def draw_file(round_id: RoundId, name: str, who: ViewerDep, request: Request) -> Response:
        rounds = service(request)
        with rounds.reading() as session:
            round_ = visible_round(session, who, round_id)
            row = stored.draw_of(session, round_.id)
            found = None if row is None else next((f for f in row.files if f.name == name), None)
            if found is None or not draw_file_allowed(who, round_, found.public):
                raise HTTPException(404, "没有该文件，或无权查看 (not found)")
            digest = found.blob_hash
        return file_response(rounds.blobs.get(digest), name)

    # --- plans ----------------------------------------------------------------------------

    def visible_plan(session: Any, who: Viewer, round_: Round, version: int) -> PlanRow:
        row = stored.plan_version(session, round_.id, version)
        if row is None or (not owns(who, round_) and row.published_at is None):
            raise HTTPException(404, f"没有第 {version} 版安排，或无权查看 (no such plan version)")
        return row

    @router.get("/api/rounds/{round_id}/plans", summary="安排的各个版本 (plan versions)", response_model=list[PlanVersion],
                responses=error_responses(401, 403, 404, 422))
    def list_plans(round_id: RoundId, who: PlannerDep, request: Request) -> list[dict[str, Any]]:
        rounds = service(request)
        with rounds.reading() as session:
            round_ = visible_round(session, who, round_id)
            return [plan_json(p) for p in stored.plans_of(session, round_.id)]

    @router.get("/api/rounds/{round_id}/plans/{version}", summary="安排、检查报告和统计 (plan, check report, statistics)",
                response_model=PlanDetail, responses=error_responses(401, 403, 404, 422))
    def get_plan(round_id: RoundId, version: Version, who: PlannerDep, request: Request) -> dict[str, Any]:
        rounds = service(request)
        with rounds.reading() as session:
            round_ = visible_round(session, who, round_id)
            row = visible_plan(session, who, round_, version)
            plan = rounds.plan(row)
            inputs = rounds.inputs(session, round_)
            meta = plan_json(row)
        document = planfile.to_json(plan)
        violations = check(plan, inputs)
        return {**meta, "plan": document, "statistics": document.get("statistics"),
                "check": {"ok": not violations, "violations": [
                    {"rule": v.rule, "visit_id": v.visit_id, "inspector_id": v.inspector_id, "date": v.date,
                     "message": v.message} for v in violations]}}

    @router.get("/api/rounds/{round_id}/plans/{version}/plan.json", summary="下载 plan.json (download the plan)",
                response_class=Response,
                responses={**file_responses("application/json"), **error_responses(401, 403, 404, 422)})
    def plan_file(round_id: RoundId, version: Version, who: PlannerDep, request: Request) -> Response:
        rounds = service(request)
        with rounds.reading() as session:
            row = visible_plan(session, who, visible_round(session, who, round_id), version)
            digest = row.content_hash
        return Response(rounds.blobs.get(digest), media_type="application/json")

    @router.get("/api/rounds/{round_id}/plans/{version}/exports", summary="导出文件列表 (exports)", response_model=list[str],
                responses=error_responses(401, 403, 404, 422))
    def list_exports(round_id: RoundId, version: Version, who: PlannerDep, request: Request) -> list[str]:
        rounds = service(request)
        with rounds.reading() as session:
            round_ = visible_round(session, who, round_id)
            folder = rounds.exports(session, round_, visible_plan(session, who, round_, version))
        return listing(folder)

    @router.get("/api/rounds/{round_id}/plans/{version}/exports/{name:path}", summary="下载导出文件 (download an export)",
                response_class=Response, responses={**file_responses(), **error_responses(401, 403, 404, 422)})
    def export_file(round_id: RoundId, version: Version, name: str, who: PlannerDep, request: Request) -> Response:
        rounds = service(request)
        relative = safe_relative(name)
        with rounds.reading() as session:
            round_ = visible_round(session, who, round_id)
            folder = rounds.exports(session, round_, visible_plan(session, who, round_, version))
        path = folder / relative if relative else None
        if path is None or not path.is_file() or path.name.startswith("."):
            raise HTTPException(404, "没有该导出文件 (no such export)")
        return file_response(path.read_bytes(), name)

    # --- publish ---------------------------------------------------------------------------

    @router.post("/api/rounds/{round_id}/publish", summary="公布安排 (publish)", response_model=Published,
                 responses=error_responses(401, 403, 404, 409, 422))
    def publish(round_id: RoundId, who: PlannerDep, request: Request,
                body: Annotated[PublishRequest | None, Body()] = None) -> dict[str, Any]:
        rounds = service(request)
        with unit_of_work(rounds.database.engine()) as session:
            round_ = led_round(session, who, round_id)
            active = rounds.active_job(session, round_.id)
            if active is not None:
                raise HTTPException(409, f"本轮次正在求解（作业 {active.id}），求解结束后才能公布 (a solve is running)")
            version = body.version if body and body.version else None
            row = (stored.plan_version(session, round_.id, version) if version
                   else stored.latest_plan(session, round_.id))
            if row is None:
                raise HTTPException(409, "本轮次还没有可公布的安排 (no plan to publish)")
            if row.published_at is not None:
                raise HTTPException(409, f"第 {row.version} 版安排已公布 (published already)")
            publication = stored.publish(session, round_, row, actor=actor_of(who), details={})
            return {"round_id": round_.id, "version": row.version, "plan_sha256": row.content_hash,
                    "published_at": _at(publication.published_at),
                    "audit": {"seq": publication.audit_seq, "entry_hash": publication.audit_head}}

    # --- results -----------------------------------------------------------------------------

    @router.post("/api/rounds/{round_id}/results", summary="录入检查结果 (enter results)", response_model=Recorded,
                 responses=error_responses(401, 403, 404, 409, 422))
    async def enter_results(round_id: RoundId, request: Request, who: PlannerDep,
                            file: Annotated[UploadFile, File(description="填好的检查结果表 (the filled results form)")],
                            ) -> dict[str, Any]:
        data = await file.read()
        return await run_in_threadpool(_record, service(request), who, round_id, file.filename or "results.xlsx", data)

    def _record(rounds: RoundService, who: Viewer, round_id: int, filename: str, data: bytes) -> dict[str, Any]:
        with rounds.reading() as session:
            round_ = led_round(session, who, round_id)
            row = stored.latest_plan(session, round_.id, published=True)
            if row is None:
                raise HTTPException(409, "本轮次的安排尚未公布，不能录入检查结果 (publish the plan first)")
            plan, inputs, plan_id = rounds.plan(row), rounds.inputs(session, round_), row.id
        name = PurePosixPath(filename.replace("\\", "/")).name or "results.xlsx"
        with tempfile.TemporaryDirectory(prefix="onevisit-results-") as tmp:
            path = Path(tmp) / name
            path.write_bytes(data)
            recorded = record_results(path, plan, inputs)
        with unit_of_work(rounds.database.engine()) as session:
            plan_row = session.get(PlanRow, plan_id)
            assert plan_row is not None
            count = stored.save_results(session, plan_row, recorded.results, by=actor_of(who))
            audit.append(session, actor=actor_of(who), action="results.record", subject=f"round:{round_id}",
                         details={"plan_version": plan_row.version, "items": count, "file": name,
                                  "file_sha256": rounds.blobs.put(data), "enterprises": recorded.enterprises})
        return {"recorded": count, "enterprises": recorded.enterprises}

    @router.get("/api/rounds/{round_id}/results", summary="检查结果 (results)", response_model=Results,
                responses=error_responses(401, 403, 404, 422))
    def get_results(round_id: RoundId, who: ViewerDep, request: Request) -> dict[str, Any]:
        rounds = service(request)
        with rounds.reading() as session:
            round_ = visible_round(session, who, round_id)
            row = stored.latest_plan(session, round_.id, published=True)
            if row is None:
                raise HTTPException(404, "本轮次尚无公布的安排 (nothing published)")
            results = stored.results_of(session, row.id)
            plan, scope, version, planner = rounds.plan(row), scope_of(round_), row.version, owns(who, round_)
        if planner:
            shown = {v.uscc for v in plan.visits}
        else:
            views = public_visits(plan, scope, rounds.today())
            if isinstance(views, Decision):
                deny(views)
                raise AssertionError
            shown = {v.uscc for v in views if v.uscc}
        names = {v.uscc: v.name for v in plan.visits}
        return {"version": version, "results": [
            {"uscc": r.uscc, "name": names.get(r.uscc), "item": r.item, "values": list(r.values),
             "date": r.date.isoformat(), "note": r.note} for r in results if r.uscc in shown]}

    # --- inspectors, townships, the public ------------------------------------------------------

    def published_plan(session: Any, rounds: RoundService, who: Viewer, round_id: int) -> tuple[Round, Any]:
        round_ = visible_round(session, who, round_id)
        row = stored.latest_plan(session, round_.id, published=True)
        if row is None:
            raise _not_found()
        return round_, row

    @router.get("/api/rounds/{round_id}/my-schedule", summary="我的检查安排 (an inspector's own schedule)",
                response_model=InspectorSchedule, responses=error_responses(401, 403, 404, 422))
    def my_schedule(round_id: RoundId, who: InspectorDep, request: Request) -> dict[str, Any]:
        rounds = service(request)
        schedule = own_schedule(rounds, who, round_id)
        return {"round_id": round_id, "version": schedule.plan_version, "inspector_id": who.inspector_id,
                "reveal_workdays": rounds.workdays, "visits": [view_json(v.view) for v in schedule.visits]}

    def own_schedule(rounds: RoundService, who: Viewer, round_id: int) -> OwnSchedule:
        with rounds.reading() as session:
            round_, row = published_plan(session, rounds, who, round_id)
            plan, scope, version = rounds.plan(row), scope_of(round_), row.version
            calendar = rounds.inputs(session, round_).calendar
            index = rounds.inspector_index(row)
            secret = round_.settings.get("uid_secret")
            round_pk = round_.id
        if not isinstance(secret, str):
            with unit_of_work(rounds.database.engine()) as session:
                round_row = session.get(Round, round_pk)
                assert round_row is not None
                secret = stored.uid_secret(session, round_row).hex()
        today = rounds.today()
        views = inspector_schedule(who, plan, scope, today, calendar, rounds.workdays, index=index)
        if isinstance(views, Decision):
            deny(views)
            raise AssertionError
        own = index.get(who.inspector_id or "", ())
        key = bytes.fromhex(secret)
        visits = tuple(OwnVisit(view, reveal_date(v.date, calendar, rounds.workdays),
                                event_uid(key, v.visit_id, who.inspector_id or ""))
                       for view, v in zip(views, own, strict=True))
        return OwnSchedule(plan.round.name, version, who.inspector_id or "", dt.datetime.now(dt.UTC), visits)

    @router.get("/api/rounds/{round_id}/my-schedule.ics", summary="我的检查日程（日历）(own schedule, calendar)",
                response_class=Response, responses={**file_responses("text/calendar"),
                                                    **error_responses(401, 403, 404, 422)})
    def my_calendar(round_id: RoundId, who: InspectorDep, request: Request) -> Response:
        schedule = own_schedule(service(request), who, round_id)
        return file_response(own_calendar(schedule), f"检查日程_{schedule.inspector_id}.ics")

    @router.get("/api/rounds/{round_id}/my-schedule.xlsx", summary="我的检查日程（工作簿）(own schedule, workbook)",
                response_class=Response, responses={**file_responses(XLSX), **error_responses(401, 403, 404, 422)})
    def my_workbook(round_id: RoundId, who: InspectorDep, request: Request) -> Response:
        schedule = own_schedule(service(request), who, round_id)
        stamp = schedule.generated_at.astimezone(CHINA).replace(tzinfo=None, microsecond=0)
        return file_response(own_workbook(schedule, stamp), f"检查日程_{schedule.inspector_id}.xlsx")

    @router.get("/api/rounds/{round_id}/township", summary="本乡镇的检查 (a township's visits)",
                response_model=TownshipVisits, responses=error_responses(401, 403, 404, 422))
    def township(round_id: RoundId, who: TownshipDep, request: Request) -> dict[str, Any]:
        rounds = service(request)
        with rounds.reading() as session:
            round_, row = published_plan(session, rounds, who, round_id)
            plan, scope, version = rounds.plan(row), scope_of(round_), row.version
        views = township_visits(who, plan, scope)
        if isinstance(views, Decision):
            deny(views)
            raise AssertionError
        return {"round_id": round_id, "version": version, "township": who.township,
                "visits": [view_json(v) for v in views]}

    @router.get("/api/rounds/{round_id}/township/workbook", summary="本乡镇的工作簿 (a township's workbook)",
                response_class=Response, responses={**file_responses(XLSX), **error_responses(401, 403, 404, 422)})
    def township_workbook(round_id: RoundId, who: TownshipDep, request: Request) -> Response:
        rounds = service(request)
        with rounds.reading() as session:
            round_, row = published_plan(session, rounds, who, round_id)
            folder = rounds.exports(session, round_, row)
            round_name = rounds.plan(row).round.name
        path = folder / TOWNSHIP_FOLDER / township_export.file_name(who.township or "", round_name)
        if not path.is_file():
            raise HTTPException(404, "本乡镇在本轮次没有检查 (no visits in your township)")
        return file_response(path.read_bytes(), path.name)

    @router.get("/api/rounds/{round_id}/notices", summary="公示文件 (public notices)", response_model=list[str],
                responses=error_responses(401, 404, 422))
    def notices(round_id: RoundId, who: ViewerDep, request: Request) -> list[str]:
        rounds = service(request)
        with rounds.reading() as session:
            round_, row = published_plan(session, rounds, who, round_id)
            folder = rounds.exports(session, round_, row)
        return listing(folder / notice_export.PUBLIC_FOLDER)

    @router.get("/api/rounds/{round_id}/notices/{name}", summary="下载公示文件 (download a notice)",
                response_class=Response, responses={**file_responses(), **error_responses(401, 404, 422)})
    def notice(round_id: RoundId, name: str, who: ViewerDep, request: Request) -> Response:
        rounds = service(request)
        with rounds.reading() as session:
            round_, row = published_plan(session, rounds, who, round_id)
            folder = rounds.exports(session, round_, row)
        relative = safe_relative(name)
        path = folder / notice_export.PUBLIC_FOLDER / relative if relative else None
        if path is None or not path.is_file():
            raise HTTPException(404, "没有该公示文件 (no such notice)")
        return file_response(path.read_bytes(), name)

    return router


def install_rounds(app: Any, rounds: RoundService) -> None:
    app.state.rounds = rounds
    app.include_router(make_router())

