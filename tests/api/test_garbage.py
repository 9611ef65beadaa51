"""Garbage uploads are answered 422 with Chinese problems, never 500.

The client re-raises any exception that reaches the server's last resort
handler, so each of these tests also proves that none of them does.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest
from builders import write_folder
from fastapi.testclient import TestClient

import api.app
import api.uploads
import scheduler.io.dataset
from api.app import app

client = TestClient(app)
PROBLEM_KEYS = {"severity", "file", "row", "column", "message", "text"}
RANDOM_BYTES = random.Random(9).randbytes(5000)


def _files(*named: tuple[str, bytes]) -> list[tuple[str, tuple[str, bytes, str]]]:
    return [("files", (name, data, "application/octet-stream")) for name, data in named]


def _rejected(resp: Any, status: int = 422) -> list[dict[str, Any]]:
    """The problems of an error answer, after checking its shape."""
    assert resp.status_code == status, resp.text
    body = resp.json()
    assert body["ok"] is False and body["summary"] is None
    assert body["problems"] and all(set(p) == PROBLEM_KEYS and p["severity"] == "错误" for p in body["problems"])
    assert body["detail"] == "\n".join(p["text"] for p in body["problems"])
    assert "Traceback" not in resp.text
    return list(body["problems"])


@pytest.mark.parametrize(("upload", "file", "message"), [
    (("enterprises.xlsx", RANDOM_BYTES), "enterprises.xlsx", "文件内容不是 Excel 工作簿"),
    (("enterprises.csv", b""), "enterprises.csv", "文件为空"),
    (("enterprises.xlsx", b""), "enterprises.xlsx", "文件为空"),
    (("setup.exe", b"MZ\x90\x00" + RANDOM_BYTES), "setup.exe", "不支持的文件类型「.exe」"),
    (("data.foo", b"a,b\n1,2\n"), "data.foo", "不支持的文件类型「.foo」"),
    (("README", b"a,b\n1,2\n"), "README", "不支持的文件类型（没有扩展名）"),
    (("../", b"a,b\n"), "../", "无效的文件名"),
    (("C:\\Users\\科员\\..", b"a,b\n"), "..", "无效的文件名"),  # the multipart parser keeps the last part
    (("", b"a,b\n"), "（请求）", "「files」应为上传的文件"),  # the multipart parser takes it for text
    (("名" * 90 + ".csv", b"a,b\n"), "名" * 60 + "…", "文件名过长（274 字节"),
    (("a" * 3000 + ".xlsx", b"a,b\n"), "a" * 60 + "…", "文件名过长（3005 字节"),
])
def test_garbage_upload_is_422(upload: tuple[str, bytes], file: str, message: str) -> None:
    problems = _rejected(client.post("/api/validate", files=_files(upload)))
    assert [p["file"] for p in problems] == [file]
    assert message in problems[0]["message"]


def test_every_unusable_file_is_named_at_once() -> None:
    problems = _rejected(client.post("/api/validate", files=_files(
        ("enterprises.xlsx", RANDOM_BYTES), ("items.csv", b"a,b\n"), ("setup.exe", b"MZ"), ("items.csv", b"c,d\n"))))
    assert [(p["file"], p["message"][:8]) for p in problems] == [
        ("enterprises.xlsx", "文件内容不是 E"), ("setup.exe", "不支持的文件类型"), ("items.csv", "文件名重复：同名"),
    ]


def test_no_files_at_all() -> None:
    for resp in (client.post("/api/validate"), client.post("/api/validate", data={"note": "x"})):
        assert [p["message"] for p in _rejected(resp)] == ["没有上传文件，请选择要检查的名录库文件"]


def test_files_sent_as_text_is_chinese() -> None:
    problems = _rejected(client.post("/api/validate", data={"files": "enterprises.csv"}))
    assert [p["file"] for p in problems] == ["（请求）"]
    assert problems[0]["message"].startswith("「files」应为上传的文件（收到的是文本")


def test_unparsable_upload_is_422() -> None:
    # a name so long that the multipart parser itself gives up
    problems = _rejected(client.post("/api/validate", files=_files(("a" * 10000 + ".csv", b"a,b\n"))))
    assert problems[0]["message"].startswith("上传内容无法解析")


def test_path_parts_are_dropped(tmp_path: Path) -> None:
    folder = write_folder(tmp_path)
    named = [(f"C:\\Users\\科员\\Desktop\\{p.name}" if i % 2 else f"../../{p.name}", p.read_bytes())
             for i, p in enumerate(sorted(folder.iterdir()))]
    body = client.post("/api/validate", files=_files(*named)).json()
    assert body["ok"] is True
    assert sorted(body["summary"]["sources"].values()) == sorted(p.name for p in folder.iterdir())


def test_truncated_workbook_names_the_file(sample_dir: Path) -> None:
    named = [(p.name, p.read_bytes()) for p in sorted(sample_dir.iterdir()) if p.suffix != ".md"]
    named = [(n, d[: len(d) // 2] if n == "items.xlsx" else d) for n, d in named]
    resp = client.post("/api/validate", files=_files(*named))
    # 422 while the readers raise on a broken workbook, 200 with the problem once they report it
    assert resp.status_code in (200, 422) and resp.json()["ok"] is False
    assert "items.xlsx" in {p["file"] for p in resp.json()["problems"] if p["severity"] == "错误"}


def test_a_reader_that_raises_is_422_naming_its_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken_reader(source: object, *args: object, **kwargs: object) -> None:
        raise KeyError("internal detail")

    monkeypatch.setattr(scheduler.io.dataset, "read_items_with_rows", broken_reader)
    folder = write_folder(tmp_path)
    problems = _rejected(client.post("/api/validate", files=_files(*[(p.name, p.read_bytes()) for p in sorted(folder.iterdir())])))
    assert [p["file"] for p in problems] == ["items.csv"]
    assert problems[0]["message"].startswith("无法读取此文件")


def test_a_failure_outside_the_readers_names_every_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object) -> None:
        raise ValueError("internal detail")

    monkeypatch.setattr(scheduler.io.dataset, "cross_check", broken)
    folder = write_folder(tmp_path)
    problems = _rejected(client.post("/api/validate", files=_files(*[(p.name, p.read_bytes()) for p in sorted(folder.iterdir())])))
    assert [p["file"] for p in problems] == sorted(p.name for p in folder.iterdir())
    assert "internal detail" not in str(problems)


def test_size_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(api.uploads, "MAX_UPLOAD_BYTES", 2**20)
    part = b"a,b\n" * 3 * 2**16  # 0.75 MiB: one is within the limit, two are not
    problems = _rejected(client.post("/api/validate", files=_files(("items.csv", part), ("enterprises.csv", part))), 413)
    assert [p["text"] for p in problems] == ["（输入）: 上传文件总大小超过 1 MiB，请删去无关文件后重新上传"]
    assert client.post("/api/validate", files=_files(("items.csv", part))).status_code == 200  # within the limit


def test_duplicate_names() -> None:
    problems = _rejected(client.post("/api/validate", files=_files(("items.csv", b"a,b\n"), ("dir/items.csv", b"c,d\n"))))
    assert [(p["file"], p["message"]) for p in problems] == [("items.csv", "文件名重复：同名文件只能上传一个")]
