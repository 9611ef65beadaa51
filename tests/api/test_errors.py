"""Every error is Chinese JSON; an unexpected one is logged, never shown."""

from __future__ import annotations

import logging

import pytest
from fastapi.testclient import TestClient
from pydantic import BaseModel

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


class ProbeBody(BaseModel):
    count: int
    text: str


def test_malformed_requests_are_explained_in_chinese() -> None:
    probe = create_app()

    @probe.get("/probe/{number}")
    def number_of(number: int) -> int:
        return number

    @probe.post("/probe")
    def body_of(body: ProbeBody) -> int:
        return body.count

    client = TestClient(probe)
    assert client.get("/probe/abc").json()["detail"] == \
        "（请求）: 字段「number」应为整数（Input should be a valid integer, unable to parse string as an integer）"
    raw = client.post("/probe", content=b"count = 1", headers={"content-type": "text/plain"})
    assert raw.status_code == 422 and "请求体应为 JSON 对象" in raw.json()["detail"]
    wrong = client.post("/probe", json={"count": "x", "text": 1})
    assert [p["message"].split("（")[0] for p in wrong.json()["problems"]] == ["字段「count」应为整数", "字段「text」应为文本"]
