"""The job API for solves (see docs/jobs.md, "Over HTTP").

A round is a database row (:mod:`api.rounds`); the solve worker reads its
rosters, round file and draw from the round's folder, materialised from the
blobs by :class:`~api.round_service.RoundService`.  Planners of the round's
agencies see its jobs; only the lead agency's planners start and stop them;
anyone else gets 404.  Solves run in a :class:`~scheduler.jobs.JobRunner`;
every status change is saved to the jobs table and every terminal change
audited; a completed solve's plan becomes the round's next plan version in
the same transaction as the COMPLETED status.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import AsyncIterator, Iterator, Mapping
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from api.auth import Database, PlannerDep
from api.models import JobStatusOut, file_responses
from api.params import RoundId
from api.problems import error_responses
from api.round_service import RoundService, Workspace, leads, owns
from scheduler.access import Viewer
from scheduler.jobs import JobRunner, JobSpec, JobState, JobStatus, UnknownJob
from scheduler.jobs.solve import TARGET
from scheduler.store import audit, job_records, plans
from scheduler.store import rounds as stored
from scheduler.store.db import unit_of_work
from scheduler.store.models import Job, Round

KIND = "solve"
LOAD_MARGIN = 120.0  # seconds on top of the solver's limit for reading the rosters and the draw
_TERMINAL_ACTIONS = {JobState.COMPLETED: "solve.complete", JobState.CANCELLED: "solve.cancel",
                     JobState.FAILED: "solve.fail", JobState.INTERRUPTED: "solve.fail"}

NOT_FOUND = "没有该轮次或作业，或无权查看 (not found)"


def actor_of(who: Viewer) -> str:
    return f"user:{who.name}"


def _at(value: dt.datetime) -> str:
    return audit.format_at(value)


def status_json(status: JobStatus) -> dict[str, Any]:
    """What the API shows of a job."""
    return {
        "job_id": status.job_id, "round_id": int(status.round_id), "kind": status.kind, "status": status.state.value,
        "times": {state.value: _at(at) for state, at in status.times.items()},
        "phase": None if status.phase is None else status.phase.value,
        "progress": {"placed": status.placed, "visits": status.visits, "share": job_records.progress(status)},
        "best_objective": status.best_objective, "bound": status.bound,
        "message": status.message, "error": status.error,
    }


class JobService:
    """The app's runner and the bridge to the store."""

    def __init__(self, database: Database, rounds: RoundService, settings: Mapping[str, Any] | None = None,
                 max_workers: int = 1) -> None:
        self.database = database
        self.rounds = rounds
        self.settings = dict(settings or {})
        self.max_workers = max_workers
        self._runner: JobRunner | None = None
        self._lock = threading.Lock()
        self._owners: dict[str, str] = {}  # job id → who started it
        self._submitting: dict[str, str] = {}  # round id → who is submitting it now

    # --- life ----------------------------------------------------------------

    def start(self) -> JobRunner:
        """Mark the jobs a previous process left active INTERRUPTED, then
        start the runner (once)."""
        with self._lock:
            if self._runner is None:
                with unit_of_work(self.database.engine()) as session:
                    for status, actor in job_records.interrupt_stale(session, dt.datetime.now(dt.UTC)):
                        audit.append(session, actor=actor, action="solve.fail", subject=f"job:{status.job_id}",
                                     details={"round": status.round_id, "status": status.state.value,
                                              "error": status.error})
                self._runner = JobRunner(self.max_workers, on_change=self._on_change)
            return self._runner

    def stop(self) -> None:
        with self._lock:
            runner, self._runner = self._runner, None
        if runner is not None:
            runner.shutdown()

    @property
    def runner(self) -> JobRunner:
        return self._runner or self.start()

    # --- store ---------------------------------------------------------------

    def _on_change(self, status: JobStatus) -> None:
        actor = self._owners.get(status.job_id) or self._submitting[status.round_id]
        self._owners[status.job_id] = actor
        result = self.runner.result(status.job_id) if status.state is JobState.COMPLETED else None
        with unit_of_work(self.database.engine()) as session:
            round_ = session.get(Round, int(status.round_id))
            assert round_ is not None  # the job was submitted for it
            job, new = job_records.save(session, status, round_, actor)
            subject = f"job:{status.job_id}"
            if new:
                audit.append(session, actor=actor, action="solve.start", subject=subject,
                             details={"round": status.round_id})
            if result is not None and job.result_plan_id is None:
                job.result_plan_id = self.rounds.add_plan(session, actor, round_.id, result, job_id=status.job_id).id
            if status.terminal:
                audit.append(session, actor=actor, action=_TERMINAL_ACTIONS[status.state], subject=subject,
                             details={"round": status.round_id, "status": status.state.value, "error": status.error})

    def note(self, who: Viewer, action: str, status: JobStatus) -> None:
        with unit_of_work(self.database.engine()) as session:
            audit.append(session, actor=actor_of(who), action=action, subject=f"job:{status.job_id}",
                         details={"round": status.round_id, "status": status.state.value, "request": True})

    # --- requests --------------------------------------------------------------

    def submit(self, who: Viewer, round_id: int, space: Workspace) -> JobStatus:
        settings = dict(self.settings)
        spec = JobSpec(str(round_id), KIND, TARGET,
                       {"data": [str(space.data)], "draw_folder": str(space.draw),
                        "round_file": str(space.round_file), "settings": settings},
                       wall_limit=float(settings.get("time_limit", 20.0)) + LOAD_MARGIN)
        runner = self.runner
        with self._lock:  # one submit at a time: on_change reads who submits
            self._submitting[str(round_id)] = actor_of(who)
            try:
                return runner.submit(spec)
            finally:
                del self._submitting[str(round_id)]

    def find(self, who: Viewer, job_id: str, *, lead: bool = False) -> tuple[JobStatus, Job | None]:
        """The job (live status when running here) and its row, when *who* is
        a planner of its round (of the lead agency with *lead*); else 404."""
        if len(job_id) > 36:
            raise HTTPException(404, NOT_FOUND)
        with unit_of_work(self.database.engine()) as session:
            found = job_records.load(session, job_id)
            row = session.get(Job, job_id)
        if found is None:  # unknown, or its first row is not written yet
            raise HTTPException(404, NOT_FOUND)
        try:
            status = self.runner.status(job_id)
        except UnknownJob:
            status = found[0]
        if status.terminal and found[0].state is not status.state:
            status = found[0]  # the end is not stored yet: say what is stored
        round_ = found[1]
        if not (leads(who, round_) if lead else owns(who, round_)):
            raise HTTPException(404, NOT_FOUND)
        return status, row

    def live(self, job_id: str) -> bool:
        try:
            self.runner.status(job_id)
        except UnknownJob:
            return False
        return True


def service(request: Request) -> JobService:
    jobs: JobService = request.app.state.jobs
    return jobs


def accepted(status: JobStatus) -> JSONResponse:
    return JSONResponse(status_json(status), status_code=202)


def _events(jobs: JobService, status: JobStatus) -> AsyncIterator[bytes]:
    """One ``data:`` line per status; a job that is over sends its final status once."""
    statuses: Iterator[JobStatus] = (jobs.runner.subscribe(status.job_id) if jobs.live(status.job_id)
                                     else iter([status]))

    async def stream() -> AsyncIterator[bytes]:
        while True:
            item = await run_in_threadpool(next, statuses, None)
            if item is None:
                return
            yield f"data: {json.dumps(status_json(item), ensure_ascii=False)}\n\n".encode()

    return stream()


def make_router() -> APIRouter:
    router = APIRouter(tags=["jobs"])

    @router.post("/api/rounds/{round_id}/solve", status_code=202, summary="开始求解 (start a solve)",
                 response_model=JobStatusOut, responses=error_responses(401, 403, 404, 409, 422))
    def start_solve(round_id: RoundId, who: PlannerDep, request: Request) -> JSONResponse:
        jobs = service(request)
        with jobs.rounds.reading() as session:
            round_ = session.get(Round, round_id)
            if round_ is None or not owns(who, round_):
                raise HTTPException(404, NOT_FOUND)
            if not leads(who, round_):
                raise HTTPException(403, "只有发起部门的计划科室可以求解本轮次 (only the lead agency's planners)")
            draw = stored.draw_of(session, round_.id)
            if draw is None:
                raise HTTPException(409, "本轮次尚未抽取，不能求解：请先 POST /api/rounds/{id}/draw (draw first)")
            space = jobs.rounds.workspace(session, round_, draw)
        return accepted(jobs.submit(who, round_id, space))

    @router.get("/api/jobs/{job_id}", summary="作业状态 (job status)", response_model=JobStatusOut,
                responses=error_responses(401, 403, 404))
    def job_status(job_id: str, who: PlannerDep, request: Request) -> dict[str, Any]:
        return status_json(service(request).find(who, job_id)[0])

    @router.get("/api/jobs/{job_id}/events", summary="作业状态变化 (server-sent events)", response_class=StreamingResponse,
                responses={200: {"description": "每次状态变化一行 data: 作业状态 JSON (one data: line per status)",
                                 "content": {"text/event-stream": {"schema": {"type": "string"}}}},
                           **error_responses(401, 403, 404)})
    def job_events(job_id: str, who: PlannerDep, request: Request) -> StreamingResponse:
        jobs = service(request)
        status = jobs.find(who, job_id)[0]
        return StreamingResponse(_events(jobs, status), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-cache"})

    def stop(job_id: str, who: Viewer, request: Request, action: str) -> JSONResponse:
        jobs = service(request)
        status = jobs.find(who, job_id, lead=True)[0]
        if status.terminal or not jobs.live(job_id):
            raise HTTPException(409, f"作业已结束（{status.state.value}），无法再停止 (the job is over)")
        jobs.note(who, action, status)
        runner = jobs.runner
        return accepted(runner.finish(job_id) if action == "solve.finish" else runner.cancel(job_id))

    @router.post("/api/jobs/{job_id}/finish", status_code=202, summary="立即结束并保留当前最优安排 (finish)",
                 response_model=JobStatusOut, responses=error_responses(401, 403, 404, 409))
    def finish_job(job_id: str, who: PlannerDep, request: Request) -> JSONResponse:
        return stop(job_id, who, request, "solve.finish")

    @router.delete("/api/jobs/{job_id}", status_code=202, summary="取消作业，不保留任何安排 (cancel)",
                   response_model=JobStatusOut, responses=error_responses(401, 403, 404, 409))
    def cancel_job(job_id: str, who: PlannerDep, request: Request) -> JSONResponse:
        return stop(job_id, who, request, "solve.cancel")

    @router.get("/api/jobs/{job_id}/plan", summary="求解得到的安排 plan.json (the plan)", response_class=Response,
                responses={**file_responses("application/json"), **error_responses(401, 403, 404, 409)})
    def job_plan(job_id: str, who: PlannerDep, request: Request) -> Response:
        jobs = service(request)
        status, row = jobs.find(who, job_id)
        if not status.terminal:
            raise HTTPException(409, f"安排尚未完成（作业状态 {status.state.value}），请稍后再取 (the plan is not ready)")
        plan_id = None if row is None else row.result_plan_id
        if plan_id is None:
            raise HTTPException(404, f"该作业没有得到安排（作业状态 {status.state.value}）(no plan)")
        with jobs.rounds.reading() as session:
            digest = plans.get_plan(session, plan_id).content_hash
        return Response(jobs.rounds.blobs.get(digest), media_type="application/json")

    return router


def install_jobs(app: FastAPI, database: Database, rounds: RoundService,
                 settings: Mapping[str, Any] | None = None) -> JobService:
    jobs = JobService(database, rounds, settings)
    app.state.jobs = jobs
    app.include_router(make_router())
    return jobs
