"""Validating uploaded rosters as ``onevisit validate`` validates files.

This is CPU-bound (reading workbooks of 10^5 rows takes seconds): the
service calls it in a worker thread, never on the event loop.
"""

from __future__ import annotations

import logging
from types import TracebackType
from typing import Any

from api.problems import UploadRejected, problem_json
from scheduler.app.inputs import validate
from scheduler.io import Problem
from scheduler.io.source import Source

log = logging.getLogger("onevisit.api")

UNREADABLE = "无法读取此文件：文件已损坏，或内容与扩展名不符；请在 Excel 中打开并另存为 .xlsx（或 UTF-8 的 .csv）后重新上传"


def validate_files(files: dict[str, bytes]) -> dict[str, Any]:
    """Validate uploaded files (base name -> content) in memory, with the
    CLI's use case; the CLI's JSON shape.

    A reader that raises instead of reporting is answered as an upload that
    cannot be read, naming the file it was reading (all files if unknown).
    """
    sources = [Source(name, content) for name, content in sorted(files.items())]
    try:
        result = validate(sources)
    except Exception as exc:
        culprit = file_in_traceback(exc.__traceback__, set(files))
        log.warning("reader failed on %s", culprit or sorted(files), exc_info=exc)
        names = [culprit] if culprit else sorted(files)
        raise UploadRejected([Problem(name, None, None, UNREADABLE) for name in names]) from None
    return {
        "ok": result.ok,
        "problems": [problem_json(p) for p in result.report.sorted()],
        "summary": result.summary,
    }


def file_in_traceback(tb: TracebackType | None, names: set[str]) -> str | None:
    """The name of the uploaded file the innermost failing frame was reading.

    Readers take the file's :class:`Source` as an argument, so the innermost
    frame holding one of the uploads names the file that could not be read.
    The first frame, the caller's, is not looked at: it holds every upload.
    """
    frames = []
    while tb is not None:
        frames.append(tb.tb_frame)
        tb = tb.tb_next
    for frame in reversed(frames[1:]):
        for value in frame.f_locals.values():
            if isinstance(value, Source) and value.name in names:
                return value.name
    return None
