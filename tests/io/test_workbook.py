"""Unreadable workbooks: one Chinese error naming the file, never a
traceback; HTML tables saved as .xls are read."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from builders import ENTERPRISE_HEADER, enterprise_rows, write_xlsx

from scheduler.io import Report
from scheduler.io.rosters import read_enterprises

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # compound file (OLE2) signature


def read(path: Path) -> tuple[pd.DataFrame | None, list[str]]:
    report = Report()
    frame = read_enterprises(path, report)
    return frame, [str(p) for p in report.sorted()]


@pytest.mark.parametrize(("name", "data"), [
    ("enterprises.xlsx", bytes(range(256)) * 40),  # random bytes
    ("enterprises.xlsx", b"PK\x03\x04" + b"\x00" * 200),  # a zip header and nothing else
    ("enterprises.xls", bytes(range(256)) * 40),
    ("enterprises.ods", b"not a spreadsheet at all"),
])
def test_garbage_workbook_is_one_chinese_error(tmp_path: Path, name: str, data: bytes) -> None:
    (tmp_path / name).write_bytes(data)
    frame, messages = read(tmp_path / name)
    assert frame is None
    assert messages == [f"{name}: 无法读取：文件不是有效的 Excel 工作簿（可能已损坏或不完整）"]


def test_truncated_xlsx(tmp_path: Path) -> None:
    full = write_xlsx(tmp_path / "full.xlsx", ENTERPRISE_HEADER, enterprise_rows(200)).read_bytes()
    for cut in (len(full) // 3, len(full) - 30):
        path = tmp_path / "enterprises.xlsx"
        path.write_bytes(full[:cut])
        frame, messages = read(path)
        assert frame is None
        assert messages == ["enterprises.xlsx: 无法读取：文件不是有效的 Excel 工作簿（可能已损坏或不完整）"]


def test_xlsx_with_a_corrupt_sheet_xml(tmp_path: Path) -> None:
    good = write_xlsx(tmp_path / "good.xlsx", ENTERPRISE_HEADER, enterprise_rows(5))
    out = io.BytesIO()
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename.startswith("xl/worksheets/"):
                data = data[: len(data) // 2]  # cut mid-element
            dst.writestr(info, data)
    path = tmp_path / "enterprises.xlsx"
    path.write_bytes(out.getvalue())
    frame, messages = read(path)
    assert frame is None
    assert messages == ["enterprises.xlsx: 无法读取：文件不是有效的 Excel 工作簿（可能已损坏或不完整）"]


def test_empty_workbook_file(tmp_path: Path) -> None:
    (tmp_path / "enterprises.xlsx").write_bytes(b"")
    assert read(tmp_path / "enterprises.xlsx") == (None, ["enterprises.xlsx: 文件为空"])


def test_encrypted_workbook(tmp_path: Path) -> None:
    # An encrypted .xlsx is an OLE compound file holding an "EncryptedPackage" stream.
    data = OLE_MAGIC + b"\x00" * 504 + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 1000
    (tmp_path / "enterprises.xlsx").write_bytes(data)
    frame, messages = read(tmp_path / "enterprises.xlsx")
    assert frame is None
    assert messages == ["enterprises.xlsx: 无法读取：文件设有打开密码（已加密），请在 Excel 中取消密码后另存为 .xlsx"]


def html_table(rows: list[list[str]], *, charset: str = "utf-8", title: str | None = None) -> str:
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows)
    head = f'<tr><td colspan="{len(rows[0])}">{title}</td></tr>' if title else ""
    return (f'<html><head><meta http-equiv="Content-Type" content="text/html; charset={charset}"></head>'
            f"<body><table border=1>{head}{body}</table></body></html>")


def test_html_table_saved_as_xls_is_read(tmp_path: Path) -> None:
    rows = [ENTERPRISE_HEADER, *enterprise_rows(4)]
    rows[2][1] = "示例&nbsp;企业2有限公司"
    path = tmp_path / "enterprises.xls"
    path.write_bytes(html_table(rows, charset="gb2312", title="示例县检查对象名录").encode("gbk"))
    frame, messages = read(path)
    assert messages == []
    assert frame is not None
    assert frame["name"].tolist() == ["示例企业1有限公司", "示例 企业2有限公司", "示例企业3有限公司", "示例企业4有限公司"]
    assert frame["row"].tolist() == [3, 4, 5, 6]  # title row 1 (colspan), header row 2


def test_html_rowspan_keeps_columns_in_place(tmp_path: Path) -> None:
    header = "".join(f"<th>{h}</th>" for h in ENTERPRISE_HEADER)
    r1, r2 = enterprise_rows(2)
    first = "".join(f"<td>{c}</td>" for c in r1[:2]) + f'<td rowspan="2">{r1[2]}</td>' + "".join(f"<td>{c}</td>" for c in r1[3:])
    second = "".join(f"<td>{c}</td>" for c in r2[:2] + r2[3:])
    path = tmp_path / "enterprises.xls"
    path.write_text(f"<table><thead><tr>{header}</tr></thead><tbody><tr>{first}</tr><tr>{second}</tr></tbody></table>",
                    encoding="utf-8")
    report = Report()
    frame = read_enterprises(path, report)
    assert frame is not None
    assert frame["address"].tolist() == [r1[3], r2[3]]  # not shifted by the spanned cell
    assert frame["township"].tolist() == [r1[2], ""]
    assert [str(p) for p in report.errors] == ["enterprises.xls 第 3 行 乡镇街道: 乡镇街道为空"]


def test_html_without_a_table(tmp_path: Path) -> None:
    path = tmp_path / "enterprises.xls"
    path.write_text("<html><body><p>系统繁忙，请稍后再试</p></body></html>", encoding="utf-8")
    assert read(path) == (None, ["enterprises.xls: 无法读取：文件是网页（HTML）而不是 Excel 工作簿，其中也没有表格"])
