"""Reading workbooks into sheets of strings: .xlsx/.xlsm/.xls/.ods through
python-calamine, and ".xls" files that are really HTML tables (what many
government systems export).

Whatever is wrong with a file (random bytes, a truncated zip, a password,
an HTML page without a table) ends as one :class:`TableError` with a Chinese
message; no exception of calamine, zipfile or lxml escapes.

A sheet whose used range is inflated by a stray cell far away (a space typed
in row 1,048,576, a value in column XFD) is cleaned before calamine sees it
(:mod:`scheduler.io.xlsx_trim`), so it reads in the time of its real data.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import python_calamine as calamine

from scheduler.io.xlsx_trim import trim_workbook

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")

BROKEN = "无法读取：文件不是有效的 Excel 工作簿（可能已损坏或不完整）"
ENCRYPTED = "无法读取：文件设有打开密码（已加密），请在 Excel 中取消密码后另存为 .xlsx"
HTML_NO_TABLE = "无法读取：文件是网页（HTML）而不是 Excel 工作簿，其中也没有表格"
XML_2003 = "无法读取：文件是「XML 电子表格 2003」格式，请在 Excel 中另存为 .xlsx"
EMPTY = "文件为空"


class TableError(ValueError):
    """A file that cannot be read as a table; the message is shown to the
    user after the file name."""


@dataclass(slots=True)
class RawSheet:
    """One sheet (or HTML table) as strings: ``frame.iloc[i]`` is the
    spreadsheet's row ``i + 1``; *notes* are warnings found while reading."""

    name: str
    frame: pd.DataFrame
    notes: list[tuple[int | None, str]] = field(default_factory=list)


def cell_to_str(value: object) -> str:
    """A cell value as the text a person sees (dates ISO, whole numbers
    without ".0")."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


def frame_of(rows: Sequence[Sequence[object]]) -> pd.DataFrame:
    """Rows of cell values (ragged allowed) as a frame of strings."""
    width = max((len(r) for r in rows), default=0)
    text = [[v if type(v) is str else cell_to_str(v) for v in r] + [""] * (width - len(r)) for r in rows]
    return pd.DataFrame(text, columns=list(range(width)), dtype=object)


def kind_of(data: bytes) -> str | None:
    """"zip", "ole", "html", "xml2003" or ``None`` (not a workbook)."""
    if data.startswith(ZIP_MAGIC):
        return "zip"
    if data.startswith(OLE_MAGIC):
        return "ole"
    head = data[:4096].lstrip(b"\xef\xbb\xbf\xff\xfe \t\r\n").lower().replace(b"\x00", b"")
    if head.startswith(b"<"):
        if b"<html" in head or b"<table" in head or b"<!doctype html" in head:
            return "html"
        if b"office:spreadsheet" in head:
            return "xml2003"
        if b"<body" in head or b"<head" in head or b"<tr" in head:
            return "html"
    return None


def read_workbook(data: bytes) -> list[RawSheet]:
    """Every worksheet of a workbook (or every table of an HTML file).
    Raises :class:`TableError`."""
    if not data.strip():
        raise TableError(EMPTY)
    kind = kind_of(data)
    if kind == "html":
        from scheduler.io.html_table import read_html_tables  # lxml only when needed

        return read_html_tables(data)
    if kind == "xml2003":
        raise TableError(XML_2003)
    if kind == "ole" and _ENCRYPTED_STREAM in data:
        raise TableError(ENCRYPTED)
    if kind is None:
        raise TableError(BROKEN)
    notes: dict[str, list[tuple[int | None, str]]] = {}
    if kind == "zip":
        data, notes = trim_workbook(data)
    try:
        book = calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets = []
        for index, meta in enumerate(book.sheets_metadata):
            if meta.typ != calamine.SheetTypeEnum.WorkSheet:
                continue
            rows = book.get_sheet_by_index(index).to_python(skip_empty_area=False)
            sheets.append(RawSheet(meta.name, frame_of(rows), notes.get(meta.name, [])))
    except calamine.PasswordError:
        raise TableError(ENCRYPTED) from None
    except BaseException as exc:  # calamine raises many kinds; a Rust panic is a BaseException
        if isinstance(exc, (KeyboardInterrupt, SystemExit, GeneratorExit)):
            raise
        if "password" in str(exc).lower():
            raise TableError(ENCRYPTED) from None
        raise TableError(BROKEN) from None
    if not sheets:
        raise TableError("工作簿中没有工作表")
    return sheets


def sheet_label(sheets: list[RawSheet], index: int) -> str:
    """「数据」（第 2 个工作表） for messages."""
    return f"「{sheets[index].name}」（第 {index + 1} 个工作表）"


def cells_text(cells: list[str]) -> str:
    """The non-empty cells of a row joined by spaces."""
    return " ".join(c.strip() for c in cells if c.strip())


