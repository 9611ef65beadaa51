"""Every error is Chinese JSON; an unexpected one is logged, never shown."""

from __future__ import annotations

import logging

import pytest
from fastapi.testclient import TestClient

from api.app import app, create_app


def test_unexpected_exception_is_chinese_json_without_traceback(caplog: pytest.LogCaptureFixture) -> None:
    broken = create_app()

    @broken.get("/api/broken")
    def fail() -> None:
        raise RuntimeError("secret-internal-state")

    with caplog.at_level(logging.ERROR, logger="onevisit.api"):
        resp = TestClient(broken, raise_server_exceptions=False).get("/api/broken")
    assert resp.status_code == 500
    body = resp.json()
    assert body["ok"] is False and body["problems"][0]["message"].startswith("服务内部错误")
    assert [p["file"] for p in body["problems"]] == ["（请求）"]
    for leak in ("Traceback", "RuntimeError", "secret-internal-state", "api/app.py"):
        assert leak not in resp.text
    incident = body["detail"].rsplit(" ", 1)[-1]
    assert any(incident in r.getMessage() and r.exc_info for r in caplog.records)  # the log has it all


def test_http_errors_are_chinese() -> None:
    client = TestClient(app)
    missing = client.get("/no-such-page")
    assert missing.status_code == 404 and missing.json()["detail"].startswith("（请求）: 找不到该地址")
    wrong = client.get("/api/validate")
    assert wrong.status_code == 405 and "不支持该请求方法" in wrong.json()["detail"]
    assert wrong.headers["allow"] == "POST"
