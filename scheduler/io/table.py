"""Loading a roster table from .xlsx/.xls or .csv into strings.

Everything here is about the file, not its meaning: encodings (UTF-8, UTF-8
with BOM, GBK/GB18030, UTF-16), delimiters, a title row above the header,
header aliases in Chinese or English, and spreadsheet row numbers that match
what the user sees in Excel.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from scheduler.io.problems import Report

EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods"}
CSV_SUFFIXES = {".csv", ".txt", ".tsv"}
HEADER_SCAN_ROWS = 10


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


def _bom_encoding(head: bytes) -> str | None:
    if head.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    return None


def _sniff_delimiter(text: str) -> str:
    head = text[:4096].splitlines()[:5]
    tabs = sum(line.count("\t") for line in head)
    commas = sum(line.count(",") + line.count("，") for line in head)
    return "\t" if tabs > commas else ","


def _cell_to_str(value: object) -> str:
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


def read_raw(path: Path) -> pd.DataFrame:
    """All cells as strings, no header interpretation, one row per sheet row."""
    suffix = path.suffix.lower()
    if suffix in EXCEL_SUFFIXES:
        frame = pd.read_excel(path, header=None, engine="calamine", sheet_name=0)
        return frame.apply(lambda col: col.map(_cell_to_str)).astype(object)
    with path.open("rb") as fh:
        head_bytes = fh.read(65536)
    encoding = _bom_encoding(head_bytes)
    head = head_bytes.decode(encoding or "utf-8", errors="replace").lstrip("\ufeff")
    delimiter = "\t" if suffix == ".tsv" else _sniff_delimiter(head)
    # A title row above the header has fewer fields: size the table by the
    # widest of the first lines, not by the first line.
    first = list(csv.reader(io.StringIO("\n".join(head.splitlines()[: HEADER_SCAN_ROWS + 2])), delimiter=delimiter))
    ncols = max((len(r) for r in first), default=1)
    # pandas reads the file itself (fast at any size); without a BOM try
    # UTF-8 and fall back to GB18030 (a superset of GBK and GB2312).
    candidates = [encoding] if encoding else ["utf-8", "gb18030"]
    try:
        for i, enc in enumerate(candidates):
            try:
                frame = pd.read_csv(
                    path,
                    encoding=enc,
                    header=None,
                    names=list(range(ncols)),
                    dtype=str,
                    keep_default_na=False,
                    skip_blank_lines=False,
                    sep=delimiter,
                    engine="c",
                )
                break
            except UnicodeDecodeError:
                if i == len(candidates) - 1:
                    raise
    except pd.errors.ParserError as exc:
        m = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(exc))
        if m:
            raise ValueError(
                f"第 {m.group(2)} 行有 {m.group(3)} 个字段，应为 {m.group(1)} 个（多余的分隔符或引号未闭合）"
            ) from None
        raise
    return frame.fillna("")


def _stripped(column: pd.Series) -> np.ndarray:
    """Cells as str without surrounding white space (also full-width 　);
    each distinct value is stripped once."""
    codes, uniques = pd.factorize(column.astype(str), use_na_sentinel=False)
    cleaned = np.array([u.strip() for u in uniques.tolist()], dtype=object)
    return cleaned[codes] if len(codes) else np.zeros(0, dtype=object)


def match_headers(cells: Sequence[str], columns: Sequence[Column]) -> dict[int, str]:
    """Map cell positions to canonical keys for one candidate header row."""
    lookup: dict[str, str] = {}
    for col in columns:
        for alias in (col.key, col.label, *col.aliases):
            lookup.setdefault(header_key(alias), col.key)
    found: dict[int, str] = {}
    taken: set[str] = set()
    for pos, cell in enumerate(cells):
        key = lookup.get(header_key(cell))
        if key is not None and key not in taken:
            found[pos] = key
            taken.add(key)
    return found


def read_table(path: Path, columns: Sequence[Column], report: Report) -> Table | None:
    """Read *path* and map its header to *columns*.

    Problems (unreadable file, missing header, missing required columns) go
    to *report*; ``None`` is returned when the table cannot be used at all.
    """
    name = path.name
    try:
        raw = read_raw(path)
    except (UnicodeDecodeError, ValueError, OSError, pd.errors.ParserError) as exc:
        report.error(name, None, None, f"无法读取文件：{exc}")
        return None
    if raw.empty:
        report.error(name, None, None, "文件为空")
        return None
    # Header: the first row among the first few that names the most columns.
    best_row, best = -1, dict[int, str]()
    for r in range(min(HEADER_SCAN_ROWS, len(raw))):
        found = match_headers([str(c) for c in raw.iloc[r].tolist()], columns)
        if len(found) > len(best):
            best_row, best = r, found
    if len(best) < min(2, len(columns)):
        report.error(name, None, None, "找不到表头行：前 10 行中没有可识别的列名（如 " +
                     "、".join(c.label for c in columns[:4]) + "）")
        return None
    header_cells = [str(c).strip() for c in raw.iloc[best_row].tolist()]
    missing = [c for c in columns if c.required and c.key not in best.values()]
    for col in missing:
        report.error(name, best_row + 1, None, f"缺少必填列「{col.label}」（{col.key}）")
    if missing:
        return None
    body = raw.iloc[best_row + 1 :]
    rows = np.arange(best_row + 2, best_row + 2 + len(body), dtype=np.int64)
    data = {key: _stripped(body.iloc[:, pos]) for pos, key in best.items()}
    extra_pos = [p for p, h in enumerate(header_cells) if p not in best and h]
    # Cells under no header: in a CSV a sign of a stray delimiter, in a
    # workbook perhaps a note; either way the user must know.
    is_csv = path.suffix.lower() in CSV_SUFFIXES
    for pos in (p for p, h in enumerate(header_cells) if not h):
        stray = [str(c).strip() for c in body.iloc[:, pos].tolist()]
        for i in (i for i, c in enumerate(stray) if c):
            msg = f"表头以外的第 {pos + 1} 列有内容「{stray[i]}」" + ("（多余的分隔符？）" if is_csv else "，已忽略")
            (report.error if is_csv else report.warning)(name, int(rows[i]), None, msg)
    frame = pd.DataFrame(data)
    for pos in extra_pos:
        frame["extra:" + header_cells[pos]] = _stripped(body.iloc[:, pos])
    # Drop rows that are entirely empty (spacer rows, trailing rows).
    nonempty = (frame != "").any(axis=1).to_numpy()
    frame = frame.loc[nonempty].reset_index(drop=True)
    return Table(
        file=name,
        data=frame,
        rows=rows[nonempty],
        headers={key: header_cells[pos] for pos, key in best.items()},
        extra=[header_cells[p] for p in extra_pos],
    )
