"""Loading a roster table from .xlsx/.xls or .csv into strings.

Everything here is about the file, not its meaning: encodings (UTF-8, UTF-8
with BOM, GBK/GB18030, UTF-16), delimiters, a title row above the header,
header aliases in Chinese or English, and spreadsheet row numbers that match
what the user sees in Excel.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from scheduler.io import columnar, strings
from scheduler.io.csv_table import RowError, read_csv
from scheduler.io.problems import Report, shown
from scheduler.io.source import SourceLike, name_of, read_bytes, suffix_of
from scheduler.io.strings import StrColumn
from scheduler.io.workbook import BROKEN, RawSheet, TableError, cells_text, read_workbook, sheet_label

EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods"}
CSV_SUFFIXES = {".csv", ".txt", ".tsv"}
HEADER_SCAN_ROWS = 10
MAX_HEADER_CHARS = 100


@dataclass(frozen=True, slots=True)
class Column:
    """A canonical column and the header spellings that name it."""

    key: str
    label: str  # Chinese name used in messages when the column is missing
    aliases: tuple[str, ...] = ()
    required: bool = False


def header_key(text: str) -> str:
    """Normalise a header for alias matching: NFKC, lower case, no spaces,
    no required-field stars, no bracketed remarks ("有效期（截止）")."""
    t = unicodedata.normalize("NFKC", str(text)).strip().lower()
    t = re.sub(r"[\s*＊:：]", "", t)
    t = re.sub(r"[(\[（【].*?[)\]）】]", "", t)
    return t


@dataclass(slots=True)
class Table:
    """A table as strings, with canonical column keys and source positions."""

    file: str  # display name used in messages
    data: pd.DataFrame  # canonical key -> str column ("" for empty cells)
    rows: np.ndarray  # spreadsheet row number of each data row
    headers: dict[str, str]  # canonical key -> header as written
    extra: list[str]  # headers kept but not recognised

    def header(self, key: str) -> str:
        return self.headers.get(key, key)

    def column(self, key: str) -> list[str]:
        """A column's cells as strings ("" for a missing column)."""
        if key not in self.data:
            return [""] * len(self.data)
        return [str(v) for v in self.data[key].tolist()]

    def row(self, i: int) -> int:
        """Spreadsheet row number of data row *i*."""
        return int(self.rows[i])


def read_sheets(source: SourceLike) -> list[RawSheet]:
    """Every sheet of *source* as strings (one for a CSV file; one per
    ``<table>`` of an HTML ".xls").  Raises :class:`TableError` with a
    Chinese message for any file that cannot be read, whatever the cause."""
    try:
        data = read_bytes(source)
    except OSError as exc:
        raise TableError(f"无法打开文件（{exc.strerror or type(exc).__name__}）") from None
    suffix = suffix_of(source)
    try:
        if suffix in EXCEL_SUFFIXES:
            return read_workbook(data)
        return [read_csv(data, suffix)]
    except TableError:
        raise
    except Exception:  # a reader bug or an exotic file: still one Chinese message
        raise TableError(BROKEN if suffix in EXCEL_SUFFIXES else "无法读取：文件格式无法识别") from None


def read_raw(source: SourceLike) -> pd.DataFrame:
    """The first sheet's cells as strings, no header interpretation, one row
    per sheet row.  Raises :class:`TableError`."""
    return read_sheets(source)[0].frame


def match_headers(cells: Sequence[str], columns: Sequence[Column]) -> dict[int, str]:
    """Map cell positions to canonical keys for one candidate header row."""
    lookup: dict[str, str] = {}
    for col in columns:
        for alias in (col.key, col.label, *col.aliases):
            lookup.setdefault(header_key(alias), col.key)
    found: dict[int, str] = {}
    taken: set[str] = set()
    for pos, cell in enumerate(cells):
        if len(cell) > MAX_HEADER_CHARS:  # a data cell, perhaps of megabytes
            continue
        key = lookup.get(header_key(cell))
        if key is not None and key not in taken:
            found[pos] = key
            taken.add(key)
    return found


#: Words that open a notes row under a table (in its first non-empty cell).
NOTE_WORDS = ("合计", "总计", "小计", "制表", "填表", "审核", "负责人", "单位负责人", "备注", "注:", "说明:", "附注")


def is_note(text: str) -> bool:
    """Whether a row whose first non-empty cell is *text* is a notes row
    (合计, 制表人：张三, 填表说明 …)."""
    t = "".join(unicodedata.normalize("NFKC", text).split())
    return t.startswith(NOTE_WORDS)


def find_header(frame: pd.DataFrame, columns: Sequence[Column]) -> tuple[int, dict[int, str]]:
    """The row among the first :data:`HEADER_SCAN_ROWS` that names the most
    columns, and its mapping (``-1, {}`` when none names any)."""
    best_row, best = -1, dict[int, str]()
    for r in range(min(HEADER_SCAN_ROWS, len(frame))):
        found = match_headers([str(c) for c in frame.iloc[r].tolist()], columns)
        if len(found) > len(best):
            best_row, best = r, found
    return best_row, best


def choose_sheet(sheets: list[RawSheet], columns: Sequence[Column]) -> tuple[int, int, dict[int, str]]:
    """The sheet whose header names the most columns (the first on a tie),
    its header row and mapping."""
    best = (0, -1, dict[int, str]())
    for index, sheet in enumerate(sheets):
        row, found = find_header(sheet.frame, columns)
        if len(found) > len(best[2]):
            best = (index, row, found)
    return best


def trailing_notes(cells: list[StrColumn], nonempty: np.ndarray) -> list[int]:
    """Positions of the notes rows after the last data row: walking up from
    the last non-empty row, every row whose first non-empty cell opens with
    one of :data:`NOTE_WORDS`."""
    out: list[int] = []
    for i in range(len(nonempty) - 1, -1, -1):
        if not nonempty[i]:
            continue
        first = next((text for c in cells if (text := c[i].as_py())), "")
        if not is_note(first):
            break
        out.append(i)
    return out[::-1]


@dataclass(frozen=True, slots=True)
class Sheet:
    """The sheet a roster is read from: its header row and the cells below it."""

    header_row: int  # 0-based index of the header row in the sheet
    header_cells: list[str]  # stripped header cells, one per column
    mapping: dict[int, str]  # column position -> canonical key
    body: list[StrColumn]  # cells below the header, one column per position


def _find_sheet(source: SourceLike, columns: Sequence[Column], report: Report) -> Sheet | None:
    """Read *source* (column-wise when it is a big CSV file) and find its
    header; problems go to *report*."""
    if columnar.wants_fast_path(source):
        fast = _fast_sheet(source, columns)
        if fast is not None:
            return fast
    name = name_of(source)
    try:
        sheets = read_sheets(source)
    except RowError as exc:
        report.error(name, exc.row, None, str(exc))
        return None
    except TableError as exc:
        report.error(name, None, None, str(exc))
        return None
    if all(s.frame.empty for s in sheets):
        report.error(name, None, None, "文件为空")
        return None
    index, best_row, best = choose_sheet(sheets, columns)
    if len(best) < min(2, len(columns)):
        where = "前 10 行" if len(sheets) == 1 else f"{len(sheets)} 个工作表的前 10 行中都"
        report.error(name, None, None, f"找不到表头行：{where}没有可识别的列名（如 " +
                     "、".join(c.label for c in columns[:4]) + "）")
        return None
    sheet = sheets[index]
    if index > 0:
        report.warning(name, None, None, f"数据取自工作表{sheet_label(sheets, index)}：前面的工作表中没有这份名录的表头")
    for row, message in sheet.notes:
        report.warning(name, row, None, message)
    raw = sheet.frame
    header_cells = [str(c).strip() for c in raw.iloc[best_row].tolist()]
    missing = [c for c in columns if c.required and c.key not in best.values()]
    for col in missing:
        report.error(name, best_row + 1, None, f"缺少必填列「{col.label}」（{col.key}）")
    if missing:
        return None
    body = raw.iloc[best_row + 1 :]
    return Sheet(best_row, header_cells, best, [strings.column(body.iloc[:, pos]) for pos in range(body.shape[1])])


def _fast_sheet(source: SourceLike, columns: Sequence[Column]) -> Sheet | None:
    """A big CSV file read column-wise, or ``None`` when the general reader
    must read it (also whenever it has a problem to report)."""
    head = columnar.read_head(source)
    if head is None:
        return None
    best_row, best = find_header(head.sheet.frame, columns)
    if len(best) < min(2, len(columns)) or any(c.required and c.key not in best.values() for c in columns):
        return None
    body = columnar.read_body(source, head, best_row + 1)
    if body is None:
        return None
    header_cells = [str(c).strip() for c in head.sheet.frame.iloc[best_row].tolist()]
    return Sheet(best_row, header_cells, best, body)


def read_table(source: SourceLike, columns: Sequence[Column], report: Report, *, need_rows: bool = False) -> Table | None:
    """Read *source* and map its header to *columns*.

    Problems (unreadable file, missing header, missing required columns, and
    with *need_rows* a table without data rows) go to *report*; ``None`` is
    returned when the table cannot be used at all.  In a workbook of several
    sheets the sheet whose header names the most columns is used.  A big CSV
    file is read column-wise (:mod:`scheduler.io.columnar`), with the same
    result.
    """
    name = name_of(source)
    sheet = _find_sheet(source, columns, report)
    if sheet is None:
        return None
    best, header_cells = sheet.mapping, sheet.header_cells
    n = len(sheet.body[0]) if sheet.body else 0
    rows = np.arange(sheet.header_row + 2, sheet.header_row + 2 + n, dtype=np.int64)
    cells = [strings.strip(col) for col in sheet.body]
    filled = [strings.nonempty(col) for col in cells]
    nonempty = np.zeros(n, dtype=bool)
    for cell_filled in filled:
        nonempty |= cell_filled
    notes = trailing_notes(cells, nonempty)
    for i in notes:
        text = cells_text([c[i].as_py() for c in cells])
        report.warning(name, int(rows[i]), None, f"「{shown(text)}」是表尾备注，已跳过")
    keep = nonempty.copy()
    keep[notes] = False
    extra_pos = [p for p, h in enumerate(header_cells) if p not in best and h]
    # Cells under no header: in a CSV a sign of a stray delimiter, in a
    # workbook perhaps a note; either way the user must know.
    is_csv = suffix_of(source) in CSV_SUFFIXES
    for pos in (p for p, h in enumerate(header_cells) if not h):
        for i in np.flatnonzero(filled[pos] & keep).tolist():
            msg = f"表头以外的第 {pos + 1} 列有内容「{shown(cells[pos][i].as_py())}」" + ("（多余的分隔符？）" if is_csv else "，已忽略")
            (report.error if is_csv else report.warning)(name, int(rows[i]), None, msg)
    kept = [*best, *extra_pos]
    # Keep rows with data (drop spacer rows, trailing empty rows, notes rows).
    # A row with content only under no header is reported above, not kept.
    has_data = np.zeros(n, dtype=bool)
    for pos in kept:
        has_data |= filled[pos]
    keep &= has_data
    data = {key: strings.series(strings.take(cells[pos], keep)) for pos, key in best.items()}
    for pos in extra_pos:
        data["extra:" + header_cells[pos]] = strings.series(strings.take(cells[pos], keep))
    frame = pd.DataFrame(data) if data else pd.DataFrame(index=range(int(keep.sum())))
    if need_rows and frame.empty:
        report.error(name, None, None, "只有表头，没有数据行")
        return None
    return Table(
        file=name,
        data=frame,
        rows=rows[keep],
        headers={key: header_cells[pos] for pos, key in best.items()},
        extra=[header_cells[p] for p in extra_pos],
    )
