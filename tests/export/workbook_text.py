"""Every text a reader of a workbook can see, as openpyxl reads it back.

The raw XML of an .xlsx is no place to look for Chinese text: openpyxl
writes it as character references (张三 is ``&#24352;&#19977;``), so a
substring search of the XML never finds a Chinese name."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import openpyxl
from openpyxl.worksheet.worksheet import Worksheet

HEADERS_FOOTERS = ("oddHeader", "oddFooter", "evenHeader", "evenFooter", "firstHeader", "firstFooter")
PROPERTIES = ("title", "subject", "creator", "keywords", "description", "category", "lastModifiedBy")


def cell_texts(ws: Worksheet) -> Iterator[str]:
    """Every non-empty cell value and cell comment of one sheet, as text."""
    for row in ws.iter_rows():
        for cell in row:
            if cell.value is not None:
                yield str(cell.value)
            if cell.comment is not None:
                yield cell.comment.text


def page_texts(ws: Worksheet) -> Iterator[str]:
    """The sheet's name and the texts of its printed headers and footers."""
    yield ws.title
    for which in HEADERS_FOOTERS:
        part = getattr(ws, which)
        for place in (part.left, part.center, part.right):
            if place.text:
                yield place.text


def workbook_texts(path: Path) -> list[str]:
    """Every cell, comment, sheet name, header, footer and document property."""
    wb = openpyxl.load_workbook(path)
    texts = [str(v) for v in (getattr(wb.properties, p) for p in PROPERTIES) if v]
    for ws in wb.worksheets:
        texts += [*cell_texts(ws), *page_texts(ws)]
    return texts
