"""Validating uploaded rosters as ``onevisit validate`` validates files.

This is CPU-bound (reading workbooks of 10^5 rows takes seconds): the
service calls it in a worker thread, never on the event loop.
"""

from __future__ import annotations

import logging
import tempfile
import warnings
from pathlib import Path
from types import TracebackType
from typing import Any

from api.problems import UploadRejected, problem_json
from scheduler.io import Problem, Report, load
from scheduler.summary import summarise
from scheduler.workdays import CalendarCoverageWarning

log = logging.getLogger("onevisit.api")

UNREADABLE = "无法读取此文件：文件已损坏，或内容与扩展名不符；请在 Excel 中打开并另存为 .xlsx（或 UTF-8 的 .csv）后重新上传"


def validate_files(files: dict[str, bytes]) -> dict[str, Any]:
    """Validate uploaded files (base name -> content); the CLI's JSON shape.

    A reader that raises instead of reporting is answered as an upload that
    cannot be read, naming the file it was reading (all files if unknown).
    """
    with tempfile.TemporaryDirectory(prefix="onevisit-upload-") as tmp:
        folder = Path(tmp)
        paths = []
        for name, content in sorted(files.items()):
            path = folder / name
            path.write_bytes(content)
            paths.append(path)
        report = Report()
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", CalendarCoverageWarning)
                inputs = load(paths, report)
            summary = summarise(inputs) if inputs is not None else None
        except Exception as exc:
            culprit = file_in_traceback(exc.__traceback__, folder)
            log.warning("reader failed on %s", culprit or sorted(files), exc_info=exc)
            names = [culprit] if culprit else sorted(files)
            raise UploadRejected([Problem(name, None, None, UNREADABLE) for name in names]) from None
    if summary is not None:  # file names, not the temporary folder's paths
        summary["sources"] = {role: Path(source).name for role, source in summary["sources"].items()}
    return {
        "ok": report.ok,
        "problems": [problem_json(p) for p in report.sorted()],
        "summary": summary,
    }


def file_in_traceback(tb: TracebackType | None, folder: Path) -> str | None:
    """The name of the uploaded file the innermost failing frame was reading.

    Readers take the file's path as an argument, so the innermost frame
    holding a path inside *folder* names the file that could not be read.
    The first frame, the caller's, is not looked at: it holds every path.
    """
    frames = []
    while tb is not None:
        frames.append(tb.tb_frame)
        tb = tb.tb_next
    for frame in reversed(frames[1:]):
        for value in frame.f_locals.values():
            if isinstance(value, Path) and value.parent == folder:
                return value.name
    return None
