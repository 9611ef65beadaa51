"""Shared workbook craft: styles, column widths for Chinese text, printing,
and saving with fixed metadata so the same plan gives the same bytes."""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import zipfile
from collections.abc import Sequence
from copy import copy

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from scheduler.textfmt import width
from scheduler.vocabulary import WEEKDAYS as WEEKDAYS

FONT = "宋体"
THIN = Side(style="thin", color="808080")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
TITLE_FONT = Font(name=FONT, size=14, bold=True)
HEADER_FONT = Font(name=FONT, size=11, bold=True)
BODY_FONT = Font(name=FONT, size=10)
WRAP = Alignment(wrap_text=True, vertical="center")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)


def new_workbook() -> Workbook:
    """A workbook without openpyxl's default sheet (sheets are added by name)."""
    wb = Workbook()
    default = wb.active
    assert default is not None
    wb.remove(default)
    return wb


def title_row(ws: Worksheet, text: str, columns: int) -> None:
    ws.append([text])
    ws.merge_cells(start_row=ws.max_row, start_column=1, end_row=ws.max_row, end_column=columns)
    cell = ws.cell(ws.max_row, 1)
    cell.font = TITLE_FONT
    cell.alignment = CENTER
    ws.row_dimensions[ws.max_row].height = 30


def header_row(ws: Worksheet, headers: Sequence[str]) -> int:
    ws.append(list(headers))
    row = ws.max_row
    for col in range(1, len(headers) + 1):
        cell = ws.cell(row, col)
        cell.font, cell.fill, cell.border, cell.alignment = HEADER_FONT, HEADER_FILL, BORDER, CENTER
    ws.row_dimensions[row].height = 24
    return row


def body_rows(ws: Worksheet, rows: Sequence[Sequence[object]], centered: Sequence[int] = ()) -> None:
    """Bordered body rows.  Each column's first cell is styled through
    openpyxl's style descriptors; the rest copy its style array, which is
    what the descriptors would compute, without hashing the style objects
    again for every cell (a tenfold saving on large sheets)."""
    first = ws.max_row + 1
    styles: dict[int, StyleArray] = {}
    for r, values in enumerate(rows, start=first):
        for col, value in enumerate(values, start=1):
            cell = ws.cell(r, col, value)  # type: ignore[call-overload]  # values are str, int, float or None
            if col in styles:
                cell._style = copy(styles[col])
            else:
                cell.font, cell.border = BODY_FONT, BORDER
                cell.alignment = CENTER if col in centered else WRAP
                styles[col] = cell._style


def fit_columns(ws: Worksheet, first_row: int, minimum: int = 6, maximum: int = 40) -> None:
    """Widths that fit Chinese text (double-width characters), line by line,
    capped so that long cells wrap instead."""
    widths: dict[int, int] = {}
    for row in ws.iter_rows(min_row=first_row):
        for cell in row:
            if cell.value is None:
                continue
            longest = max(width(line) for line in str(cell.value).split("\n"))
            widths[cell.column] = max(widths.get(cell.column, 0), longest)
    for col, w in widths.items():
        ws.column_dimensions[get_column_letter(col)].width = max(minimum, min(maximum, w + 2))


def fit_rows(ws: Worksheet, first_row: int, line_height: float = 13.5) -> None:
    """Row heights for wrapped text (Excel and LibreOffice do not grow rows
    written by openpyxl): explicit lines, each wrapped at the column width."""
    for r, row in enumerate(ws.iter_rows(min_row=first_row), start=first_row):
        lines = 1
        for cell in row:
            if cell.value is None:
                continue
            col_width = ws.column_dimensions[get_column_letter(cell.column)].width or 10
            usable = max(1.0, col_width - 1.5)
            wrapped = sum(max(1, math.ceil(width(line) / usable)) for line in str(cell.value).split("\n"))
            lines = max(lines, wrapped)
        ws.row_dimensions[r].height = line_height * lines + 4


def print_setup(ws: Worksheet, title_rows: str | None, footer_left: str) -> None:
    """A4 landscape, fit to page width, repeated header rows, page numbers."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    props = ws.sheet_properties.pageSetUpPr
    assert props is not None
    props.fitToPage = True
    if title_rows:
        ws.print_title_rows = title_rows
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top, ws.page_margins.bottom = 0.6, 0.7
    footer = ws.oddFooter
    assert footer is not None
    footer.center.text = "第 &P 页 共 &N 页"
    footer.left.text = footer_left
    footer.left.size = footer.center.size = 8
    ws.print_options.horizontalCentered = True


def table_sheet(wb: Workbook, title: str, caption: str, headers: Sequence[str], rows: Sequence[Sequence[object]],
                footer: str, centered: Sequence[int] = (), empty: str = "无") -> Worksheet:
    """A printable list sheet: a title row, a styled header row with an
    autofilter, frozen panes, fitted columns and rows, A4 landscape with the
    header repeated on every page.  No rows: one merged line saying *empty*."""
    ws = wb.create_sheet(title[:31])
    title_row(ws, caption, len(headers))
    top = header_row(ws, headers)
    if rows:
        body_rows(ws, rows, centered=centered)
        ws.auto_filter.ref = f"A{top}:{ws.cell(top + len(rows), len(headers)).coordinate}"
    else:
        body_rows(ws, [[empty]])
        ws.merge_cells(start_row=top + 1, start_column=1, end_row=top + 1, end_column=len(headers))
    ws.freeze_panes = f"A{top + 1}"
    fit_columns(ws, top)
    fit_rows(ws, top + 1)
    print_setup(ws, f"1:{top}", footer)
    return ws


def workbook_bytes(wb: Workbook, stamp: dt.datetime) -> bytes:
    """The workbook as bytes, with *stamp* as its creation and modification
    time and as every zip entry's time: the same content, the same bytes."""
    wb.properties.created = stamp
    wb.properties.modified = stamp
    wb.properties.creator = "OneVisit"
    raw = io.BytesIO()
    wb.save(raw)
    iso = stamp.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw.getvalue())) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)", rb"\g<1>" + iso + rb"\g<2>", data)
            entry = zipfile.ZipInfo(info.filename, date_time=stamp.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            dst.writestr(entry, data)
    return out.getvalue()
