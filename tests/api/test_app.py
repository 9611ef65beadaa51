"""The web service validates uploads exactly like the CLI."""

from __future__ import annotations

from pathlib import Path

from builders import ENTERPRISE_HEADER, enterprise_rows, write_csv, write_folder
from fastapi.testclient import TestClient

from api.app import app
from scheduler import __version__

client = TestClient(app)


def _upload(folder: Path) -> list[tuple[str, tuple[str, bytes, str]]]:
    return [("files", (p.name, p.read_bytes(), "application/octet-stream")) for p in sorted(folder.iterdir())]


def test_health() -> None:
    assert client.get("/api/health").json() == {"status": "ok", "version": __version__}


def test_page_is_chinese() -> None:
    resp = client.get("/")
    assert resp.status_code == 200 and "名录库检查" in resp.text


def test_validate_upload_ok(tmp_path: Path) -> None:
    resp = client.post("/api/validate", files=_upload(write_folder(tmp_path)))
    assert resp.status_code == 200
    body = resp.json()
    assert body["ok"] is True
    assert body["summary"]["enterprises"]["total"] == 12


def test_validate_upload_reports_rows(tmp_path: Path) -> None:
    rows = enterprise_rows()
    rows[2][4] = "Q"
    folder = write_folder(tmp_path)
    write_csv(folder / "enterprises.csv", ENTERPRISE_HEADER, rows, encoding="gbk")
    body = client.post("/api/validate", files=_upload(folder)).json()
    assert body["ok"] is False
    assert body["summary"] is None
    assert [p["text"] for p in body["problems"]] == [
        "enterprises.csv 第 4 行 信用风险分类: 无法识别的信用风险分类「Q」（应为 A/B/C/D 或 低/一般/较高/高）"
    ]


def test_upload_names_cannot_escape(tmp_path: Path) -> None:
    resp = client.post("/api/validate", files=[("files", ("../../etc/x.csv", b"a,b\n", "text/csv"))])
    assert resp.status_code == 200  # the name is reduced to x.csv inside the temporary folder
    assert not Path("/etc/x.csv").exists()
    resp = client.post("/api/validate", files=[("files", (".hidden", b"a,b\n", "text/plain"))])
    assert resp.status_code == 422
    assert resp.json()["problems"][0]["text"] == ".hidden: 无效的文件名"
