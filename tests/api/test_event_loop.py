"""Validation runs off the event loop: other requests are answered meanwhile.

Regression: validation ran inside the async handler, and one upload froze
``/api/health`` for 14 s.  Here validation is made to wait on an event, so
it is "still running" for as long as the test wants, with no timing luck.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx2
import pytest

import api.app

HEALTH_TIMEOUT = 20.0  # only reached when the loop is blocked, i.e. when the test fails


def test_health_answers_while_a_validation_runs(live_server: str, monkeypatch: pytest.MonkeyPatch) -> None:
    started, release = threading.Event(), threading.Event()

    def slow_validation(files: dict[str, bytes]) -> dict[str, Any]:
        started.set()
        release.wait(60)
        return {"ok": True, "problems": [], "summary": None, "files": sorted(files)}

    monkeypatch.setattr(api.app, "validate_files", slow_validation)
    with ThreadPoolExecutor(1) as pool:
        upload = pool.submit(httpx2.post, f"{live_server}/api/validate", timeout=60,
                             files=[("files", ("enterprises.csv", b"a,b\n1,2\n", "text/csv"))])
        try:
            assert started.wait(30), "the upload never reached validation"
            health = httpx2.get(f"{live_server}/api/health", timeout=HEALTH_TIMEOUT)
            assert health.status_code == 200 and health.json()["status"] == "ok"
            assert not upload.done()  # the validation was still running when health answered
        finally:
            release.set()
        answer = upload.result(timeout=60)
    assert answer.status_code == 200
    assert answer.json()["files"] == ["enterprises.csv"]
