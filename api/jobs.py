"""The job API for solves (see docs/jobs.md, "Over HTTP").

A round is, for now, a folder ``<rounds dir>/<round id>/`` holding ``data/``
(rosters and ``round.toml``) and ``draw/`` (a published draw).  Only a
planner of the round's lead agency sees it; anyone else gets 404.  Solves run
in a :class:`~scheduler.jobs.JobRunner`; every status change is saved to the
jobs table and every terminal change audited.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import threading
import tomllib
from collections.abc import AsyncIterator, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from api.auth import Database, PlannerDep
from scheduler.access import Viewer
from scheduler.jobs import JobRunner, JobSpec, JobState, JobStatus, UnknownJob
from scheduler.jobs.solve import TARGET
from scheduler.store import audit, job_records
from scheduler.store.db import data_dir, unit_of_work

ROUNDS_DIR_ENV = "ONEVISIT_ROUNDS_DIR"
KIND = "solve"
LOAD_MARGIN = 120.0  # seconds on top of the solver's limit for reading the rosters and the draw
_ROUND_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")
_TERMINAL_ACTIONS = {JobState.COMPLETED: "solve.complete", JobState.CANCELLED: "solve.cancel",
                     JobState.FAILED: "solve.fail", JobState.INTERRUPTED: "solve.fail"}

NOT_FOUND = "没有该轮次或作业，或无权查看 (not found)"


def rounds_dir(path: str | Path | None = None) -> Path:
    """The given folder, else ``ONEVISIT_ROUNDS_DIR``, else ``<data dir>/rounds``."""
    if path is not None:
        return Path(path)
    return Path(os.environ.get(ROUNDS_DIR_ENV) or data_dir() / "rounds")


@dataclass(frozen=True)
class RoundFolder:
    round_id: str
    path: Path
    lead_agency: str

    @property
    def data(self) -> Path:
        return self.path / "data"

    @property
    def round_file(self) -> Path:
        return self.data / "round.toml"

    @property
    def draw(self) -> Path:
        return self.path / "draw"


def find_round(base: Path, round_id: str) -> RoundFolder | None:
    """The round folder *round_id* under *base* with its lead agency, or None
    (no such folder, an unsafe name, or no readable round file)."""
    if not _ROUND_ID.match(round_id) or ".." in round_id:
        return None
    path = base / round_id
    round_file = path / "data" / "round.toml"
    try:
        doc = tomllib.loads(round_file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None
    lead = doc.get("lead_agency")
    if not isinstance(lead, str) or not lead.strip() or not (path / "draw").is_dir():
        return None
    return RoundFolder(round_id, path, lead.strip())


def actor_of(who: Viewer) -> str:
    return f"user:{who.name}"


def _at(value: dt.datetime) -> str:
    return audit.format_at(value)


def status_json(status: JobStatus) -> dict[str, Any]:
    """What the API shows of a job."""
    return {
        "job_id": status.job_id, "round_id": status.round_id, "kind": status.kind, "status": status.state.value,
        "times": {state.value: _at(at) for state, at in status.times.items()},
        "phase": None if status.phase is None else status.phase.value,
        "progress": {"placed": status.placed, "visits": status.visits, "share": job_records.progress(status)},
        "best_objective": status.best_objective, "bound": status.bound,
        "message": status.message, "error": status.error,
    }


@dataclass
class _Owner:
    actor: str
    agency: str


class JobService:
    """The app's runner and the bridge to the store."""

    def __init__(self, database: Database, base: Path, settings: Mapping[str, Any] | None = None,
                 max_workers: int = 1) -> None:
        self.database = database
        self.base = base
        self.settings = dict(settings or {})
        self.max_workers = max_workers
        self._runner: JobRunner | None = None
        self._lock = threading.Lock()
        self._owners: dict[str, _Owner] = {}
        self._submitting: dict[str, _Owner] = {}  # round id → who is submitting it now

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
        owner = self._owners.get(status.job_id) or self._submitting[status.round_id]
        self._owners[status.job_id] = owner
        with unit_of_work(self.database.engine()) as session:
            round_ = job_records.round_row(session, status.round_id, owner.agency)
            _job, new = job_records.save(session, status, round_, owner.actor)
            subject = f"job:{status.job_id}"
            if new:
                audit.append(session, actor=owner.actor, action="solve.start", subject=subject,
                             details={"round": status.round_id})
            if status.terminal:
                audit.append(session, actor=owner.actor, action=_TERMINAL_ACTIONS[status.state], subject=subject,
                             details={"round": status.round_id, "status": status.state.value, "error": status.error})

    def note(self, who: Viewer, action: str, status: JobStatus) -> None:
        with unit_of_work(self.database.engine()) as session:
            audit.append(session, actor=actor_of(who), action=action, subject=f"job:{status.job_id}",
                         details={"round": status.round_id, "status": status.state.value, "request": True})

    # --- requests --------------------------------------------------------------

    def submit(self, who: Viewer, folder: RoundFolder) -> JobStatus:
        settings = dict(self.settings)
        spec = JobSpec(folder.round_id, KIND, TARGET,
                       {"data": [str(folder.data)], "draw_folder": str(folder.draw),
                        "round_file": str(folder.round_file), "settings": settings},
                       wall_limit=float(settings.get("time_limit", 20.0)) + LOAD_MARGIN)
        runner = self.runner
        with self._lock:  # one submit at a time: on_change reads who submits
            self._submitting[folder.round_id] = _Owner(actor_of(who), folder.lead_agency)
            try:
                return runner.submit(spec)
            finally:
                del self._submitting[folder.round_id]

    def find(self, who: Viewer, job_id: str) -> JobStatus:
        """The job, when *who* is a planner of its round's office; else 404."""
        try:
            status = self.runner.status(job_id)
            agency = self._owners[job_id].agency
        except (UnknownJob, KeyError):
            if len(job_id) > 36:
                raise HTTPException(404, NOT_FOUND) from None
            with unit_of_work(self.database.engine()) as session:
                found = job_records.load(session, job_id)
            if found is None:
                raise HTTPException(404, NOT_FOUND) from None
            status, agency = found[0], found[1].agency
        if agency != who.agency:
            raise HTTPException(404, NOT_FOUND)
        return status

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

    @router.post("/api/rounds/{round_id}/solve", status_code=202, summary="开始求解 (start a solve)")
    def start_solve(round_id: str, who: PlannerDep, request: Request) -> JSONResponse:
        jobs = service(request)
        folder = find_round(jobs.base, round_id)
        if folder is None or folder.lead_agency != who.agency:
            raise HTTPException(404, NOT_FOUND)
        return accepted(jobs.submit(who, folder))

    @router.get("/api/jobs/{job_id}", summary="作业状态 (job status)")
    def job_status(job_id: str, who: PlannerDep, request: Request) -> dict[str, Any]:
        return status_json(service(request).find(who, job_id))

    @router.get("/api/jobs/{job_id}/events", summary="作业状态变化 (server-sent events)")
    def job_events(job_id: str, who: PlannerDep, request: Request) -> StreamingResponse:
        jobs = service(request)
        status = jobs.find(who, job_id)
        return StreamingResponse(_events(jobs, status), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-cache"})

    def stop(job_id: str, who: Viewer, request: Request, action: str) -> JSONResponse:
        jobs = service(request)
        status = jobs.find(who, job_id)
        if status.terminal or not jobs.live(job_id):
            raise HTTPException(409, f"作业已结束（{status.state.value}），无法再停止 (the job is over)")
        jobs.note(who, action, status)
        runner = jobs.runner
        return accepted(runner.finish(job_id) if action == "solve.finish" else runner.cancel(job_id))

    @router.post("/api/jobs/{job_id}/finish", status_code=202, summary="立即结束并保留当前最优安排 (finish)")
    def finish_job(job_id: str, who: PlannerDep, request: Request) -> JSONResponse:
        return stop(job_id, who, request, "solve.finish")

    @router.delete("/api/jobs/{job_id}", status_code=202, summary="取消作业，不保留任何安排 (cancel)")
    def cancel_job(job_id: str, who: PlannerDep, request: Request) -> JSONResponse:
        return stop(job_id, who, request, "solve.cancel")

    @router.get("/api/jobs/{job_id}/plan", summary="求解得到的安排 plan.json (the plan)")
    def job_plan(job_id: str, who: PlannerDep, request: Request) -> Response:
        jobs = service(request)
        status = jobs.find(who, job_id)
        if not status.terminal:
            raise HTTPException(409, f"安排尚未完成（作业状态 {status.state.value}），请稍后再取 (the plan is not ready)")
        plan = jobs.runner.result(job_id) if jobs.live(job_id) else None
        if plan is None:
            raise HTTPException(404, f"该作业没有得到安排（作业状态 {status.state.value}）(no plan)")
        return Response(plan, media_type="application/json")

    return router


def install_jobs(app: FastAPI, database: Database, base: str | Path | None = None,
                 settings: Mapping[str, Any] | None = None) -> JobService:
    jobs = JobService(database, rounds_dir(base), settings)
    app.state.jobs = jobs
    app.include_router(make_router())
    return jobs
