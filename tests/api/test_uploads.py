"""The checks on uploaded files, one by one."""

from __future__ import annotations

import io

import openpyxl
import pytest

from api.uploads import base_name, check_uploads, content_problem, name_problem, shown_name

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)  # how every legacy .xls begins


def _xlsx() -> bytes:
    buf = io.BytesIO()
    openpyxl.Workbook().save(buf)
    return buf.getvalue()


@pytest.mark.parametrize(("given", "base"), [
    ("enterprises.csv", "enterprises.csv"),
    ("../../etc/x.csv", "x.csv"),
    ("C:\\Users\\科员\\桌面\\检查对象名录库.xlsx", "检查对象名录库.xlsx"),
    ("dir/", ""),
    (None, ""),
])
def test_base_name(given: str | None, base: str) -> None:
    assert base_name(given) == base


@pytest.mark.parametrize(("name", "why"), [
    ("检查对象名录库.xlsx", None),
    ("round.TOML", None),
    ("items.tsv", None),
    (".hidden.csv", "无效的文件名"),
    ("..", "无效的文件名"),
    ("a\x07b.csv", "文件名含有控制字符，请改名后重新上传"),
    ("a\tb.csv", "文件名含有控制字符，请改名后重新上传"),
    ("名" * 83 + ".csv", None),  # 253 bytes: the file system stores it
    ("名" * 84 + ".csv", "文件名过长（256 字节，最多 255 字节，约 85 个汉字），请改短后重新上传"),
    ("report.docx", "不支持的文件类型「.docx」，应为 Excel 工作簿 .xlsx/.xlsm/.xls/.ods、CSV 文本 .csv/.tsv/.txt 或轮次配置 .toml"),
])
def test_name_problem(name: str, why: str | None) -> None:
    assert name_problem(name) == why


def test_real_workbooks_pass_the_content_check() -> None:
    assert content_problem("items.xlsx", _xlsx()) is None
    assert content_problem("items.xls", OLE2) is None
    assert content_problem("items.xls", _xlsx()) is None  # an .xlsx named .xls: the reader detects the format
    # what many government systems export as .xls: an HTML table (with a BOM and a blank line first)
    assert content_problem("items.xls", "\ufeff\r\n<html><table><tr><td>事项编码</td></tr></table></html>".encode()) is None


def test_text_named_as_workbook_fails_the_content_check() -> None:
    assert content_problem("items.xlsx", "事项编码,部门\n".encode()) is not None
    assert content_problem("items.csv", "事项编码,部门\n".encode()) is None  # text is the readers' business


def test_shown_name_is_cut() -> None:
    assert shown_name("a" * 61) == "a" * 60 + "…"
    assert shown_name("a" * 60) == "a" * 60
    assert shown_name(None) == "（无文件名）"


def test_check_uploads_keeps_usable_files() -> None:
    files, problems = check_uploads([("../items.csv", b"a,b\n"), ("round.toml", b"x = 1\n")])
    assert files == {"items.csv": b"a,b\n", "round.toml": b"x = 1\n"} and problems == []
