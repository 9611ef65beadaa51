"""Reading ".xls" files that are really HTML tables.

Many government systems export a web page with a ``<table>`` and name it
``.xls``; Excel opens it as a sheet.  Each ``<table>`` becomes one sheet,
with ``colspan``/``rowspan`` laid out as Excel does (the value in the first
cell, the spanned cells empty), so row numbers match what Excel shows.
"""

from __future__ import annotations

import re

import lxml.etree
import lxml.html

from scheduler.io.workbook import HTML_NO_TABLE, RawSheet, TableError, frame_of

_CHARSET = re.compile(rb"""charset\s*=\s*["']?([A-Za-z0-9_-]+)""", re.I)
_GB = {"gb2312", "gbk", "gb_2312-80", "x-gbk", "cp936", "gb18030"}


def decode_html(data: bytes) -> str:
    """Text of an HTML file: BOM, else the declared charset, else UTF-8,
    else GB18030."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    m = _CHARSET.search(data[:4096])
    declared = m[1].decode("ascii").lower() if m else ""
    candidates = ["gb18030"] if declared in _GB else [declared, "utf-8", "gb18030"] if declared else ["utf-8", "gb18030"]
    for enc in candidates:
        try:
            return data.decode(enc)
        except (UnicodeDecodeError, LookupError):
            continue
    return data.decode("gb18030", errors="replace")


def _rows(table: lxml.html.HtmlElement) -> list[list[object]]:
    rows: list[list[object]] = []
    pending: dict[int, int] = {}  # column -> rows still covered by a rowspan above
    for tr in table.xpath("./tr|./thead/tr|./tbody/tr|./tfoot/tr"):
        row: list[object] = []
        col = 0
        for cell in tr.xpath("./td|./th"):
            col = _skip_spanned(row, col, pending)
            text = " ".join(cell.text_content().replace("\xa0", " ").split())
            span = _int(cell.get("colspan"))
            down = _int(cell.get("rowspan"))
            for k in range(span):
                row.append(text if k == 0 else "")
                if down > 1:
                    pending[col] = down - 1
                col += 1
        _skip_spanned(row, col, pending)
        rows.append(row)
    return rows


def _skip_spanned(row: list[object], col: int, pending: dict[int, int]) -> int:
    """Empty cells for the columns a rowspan above still covers; the next column."""
    while pending.get(col, 0) > 0:
        pending[col] -= 1
        row.append("")
        col += 1
    return col


def _int(text: str | None) -> int:
    try:
        return max(1, min(int(str(text).strip()), 1000))
    except (TypeError, ValueError):
        return 1


def read_html_tables(data: bytes) -> list[RawSheet]:
    """One sheet per ``<table>`` (raises :class:`TableError` when there is none)."""
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", decode_html(data))
    try:
        doc = lxml.html.document_fromstring(text)
    except (lxml.etree.ParserError, ValueError):
        raise TableError(HTML_NO_TABLE) from None
    tables = [t for t in doc.iter("table") if t.xpath("./tr|./thead/tr|./tbody/tr|./tfoot/tr")]
    if not tables:
        raise TableError(HTML_NO_TABLE)
    return [RawSheet(f"表格{k + 1}", frame_of(_rows(t))) for k, t in enumerate(tables)]
