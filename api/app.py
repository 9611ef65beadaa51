"""The OneVisit web service.

Today it validates uploaded rosters exactly as ``onevisit validate`` does and
serves a Chinese page for it; the draw, the plan and the exports join it as
their issues land.  Run it with ``onevisit serve``.
"""

from __future__ import annotations

import tempfile
import warnings
from pathlib import Path, PurePath
from typing import Annotated, Any

from fastapi import FastAPI, File, HTTPException, UploadFile
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

from scheduler import __version__
from scheduler.io import Report, load
from scheduler.summary import summarise
from scheduler.workdays import CalendarCoverageWarning

MAX_UPLOAD_BYTES = 200 * 2**20
_PAGE = (Path(__file__).parent / "pages" / "validate.html").read_text(encoding="utf-8")


def _safe_name(filename: str | None) -> str:
    name = PurePath(filename or "").name.replace("\\", "_")
    if not name or name.startswith("."):
        raise HTTPException(400, detail=f"无效的文件名「{filename}」")
    return name


def validate_files(files: dict[str, bytes]) -> dict[str, Any]:
    """Validate uploaded files (name -> content); the CLI's JSON shape."""
    with tempfile.TemporaryDirectory(prefix="onevisit-upload-") as tmp:
        folder = Path(tmp)
        for name, content in files.items():
            (folder / name).write_bytes(content)
        report = Report()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", CalendarCoverageWarning)
            inputs = load([folder], report)
        return {
            "ok": report.ok,
            "problems": [
                {"severity": p.severity.value, "file": p.file, "row": p.row, "column": p.column,
                 "message": p.message, "text": str(p)}
                for p in report.sorted()
            ],
            "summary": summarise(inputs) if inputs is not None else None,
        }


def create_app() -> FastAPI:
    app = FastAPI(title="OneVisit", version=__version__,
                  description="双随机、一公开 跨部门联合抽查计划 (joint inspection planning)")

    @app.get("/api/health")
    def health() -> dict[str, str]:
        return {"status": "ok", "version": __version__}

    @app.post("/api/validate")
    async def validate(files: Annotated[list[UploadFile], File(description="名录库文件")]) -> dict[str, Any]:
        contents: dict[str, bytes] = {}
        total = 0
        for upload in files:
            name = _safe_name(upload.filename)
            if name in contents:
                raise HTTPException(400, detail=f"文件名重复「{name}」")
            data = await upload.read()
            total += len(data)
            if total > MAX_UPLOAD_BYTES:
                raise HTTPException(413, detail="上传文件总大小超过 200 MiB")
            contents[name] = data
        return await run_in_threadpool(validate_files, contents)  # CPU-bound: off the event loop

    @app.get("/", response_class=HTMLResponse)
    def index() -> str:
        return _PAGE

    return app


app = create_app()
