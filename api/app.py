"""The OneVisit web service.

It validates uploaded rosters exactly as ``onevisit validate`` does (with a
Chinese page for it), keeps rounds in a database and runs them over HTTP:
upload, create, draw, solve (a job), check, export, publish, results; and
it shows inspectors, township offices and the public what concerns them
(docs/service.md).  Run it with ``onevisit serve``.

Handlers stay responsive: uploads are read on the event loop, validation
(CPU-bound) runs in a worker thread.  Unusable uploads are answered 422 and
every error as Chinese JSON (:mod:`api.problems`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any

from fastapi import FastAPI, File, UploadFile
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

from api import plan_edits
from api.auth import ViewerDep, install_database, me
from api.docs import add_docs
from api.jobs import install_jobs
from api.models import Health, Me, ValidationResult
from api.problems import ERROR_RESPONSES, UploadRejected, error_responses, install_error_handlers
from api.round_service import RoundService, china_today
from api.rounds import install_rounds
from api.uploads import MAX_UPLOAD_BYTES, check_uploads, read_uploads
from api.validation import validate_files
from scheduler import __version__

__all__ = ["MAX_UPLOAD_BYTES", "app", "create_app", "validate_files"]

_PAGE = (Path(__file__).parent / "pages" / "validate.html").read_text(encoding="utf-8")


def create_app(database_url: str | None = None, *, data_dir: str | Path | None = None,
               solver_settings: Mapping[str, Any] | None = None,
               today: Callable[[], dt.date] | None = None, reveal_workdays: int | None = None) -> FastAPI:
    """The service.  Its database (*database_url*, else ``ONEVISIT_DATABASE_URL``,
    else the SQLite file in the data dir) is migrated on start-up, or at the
    first request that needs it when the app runs without its lifespan.  The
    job runner starts there too (jobs left active by a previous process become
    INTERRUPTED).  Blobs and round folders live in *data_dir* (else
    ``ONEVISIT_DATA_DIR``, else ``./onevisit-data``); *today* (the date in
    China) and *reveal_workdays* are for tests and offices that differ."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await run_in_threadpool(app.state.database.engine)
        await run_in_threadpool(jobs.start)
        yield
        await run_in_threadpool(jobs.stop)
        app.state.database.dispose()

    app = FastAPI(title="OneVisit", version=__version__,
                  description="双随机、一公开 跨部门联合抽查计划 (joint inspection planning)",
                  docs_url=None, redoc_url=None, lifespan=lifespan)
    database = install_database(app, database_url)
    rounds = RoundService(database, None if data_dir is None else Path(data_dir),
                          today=today or china_today, workdays=reveal_workdays)
    install_rounds(app, rounds)
    app.include_router(plan_edits.make_router())
    jobs = install_jobs(app, database, rounds, solver_settings)
    install_error_handlers(app)
    add_docs(app)

    @app.get("/api/health", summary="服务状态 (health)", response_model=Health)
    def health() -> dict[str, str]:
        return {"status": "ok", "version": __version__}

    @app.get("/api/me", summary="当前用户的角色和范围 (who am I)", response_model=Me,
             responses=error_responses(401))
    def whoami(who: ViewerDep) -> dict[str, Any]:
        return me(who)

    # Documented, not filtered: the answer is validate_files' dict as it is.
    @app.post("/api/validate", summary="检查名录库 (validate rosters)",
              responses={200: {"model": ValidationResult, "description": "检查结果 (the result)"}, **ERROR_RESPONSES})
    async def validate(
        files: Annotated[list[UploadFile] | None, File(description="名录库文件")] = None,
    ) -> dict[str, Any]:
        contents, problems = check_uploads(await read_uploads(files or []))
        if problems:
            raise UploadRejected(problems)
        return await run_in_threadpool(validate_files, contents)

    @app.get("/", response_class=HTMLResponse, summary="名录库检查页面 (validation page)")
    def index() -> str:
        return _PAGE

    return app


app = create_app()
