"""Trimming an .xlsx whose used range is inflated by stray cells.

calamine turns a sheet into a dense rectangle from its first to its last
cell, so one space typed in row 1,048,576 (or a value in column XFD) makes a
30,000-row roster a rectangle of millions of cells: tens of seconds and
gigabytes (in column XFD calamine cannot even allocate it).  Before calamine
reads a workbook, each worksheet whose ``<dimension>`` is missing or far
larger than its XML could hold is scanned for cells beyond a gap of more
than :data:`ROW_GAP` empty rows or :data:`COL_GAP` empty columns.  Only those
cells are parsed: the empty or white-space ones are removed (they read as
empty anyway); the non-empty ones are kept when the sheet stays small, and
otherwise removed **with a warning naming their position and value**.
Workbooks of ordinary shape are passed through untouched.
"""

from __future__ import annotations

import html
import io
import itertools
import re
import zipfile
from collections.abc import Iterable

from scheduler.io.problems import shown

#: A bounding area up to this many cells is read as it is.
SMALL_AREA = 200_000
#: Fewest bytes of sheet XML per cell (``<c r="A1"><v>1</v></c>``).
BYTES_PER_CELL = 20
#: Gaps (empty rows / columns) longer than these end the table when the
#: sheet is inflated; cells beyond are dropped with a warning.
ROW_GAP = 1000
COL_GAP = 100

_CELL = re.compile(rb'<c r="([A-Z]{1,3})(\d+)"([^>]*?)(?:/>|>(.*?)</c>)', re.S)
_ROW = re.compile(rb'<row r="(\d+)"')
_ROW_REF = re.compile(rb'<c r="[A-Z]{1,3}(\d+)"')
_COL_REF = re.compile(rb'<c r="([A-Z]{1,3})\d')
_CHAR_REF = re.compile(rb"&#(x[0-9a-fA-F]+|\d+);")
_TYPE = re.compile(rb'\bt="(\w+)"')
_VALUE = re.compile(rb"<v>([^<]*)</v>")
_TEXT = re.compile(rb"<t\b[^>]*>([^<]*)</t>")
_DIMENSION = re.compile(rb'<dimension\s+ref="([A-Z]{1,3})(\d+)(?::([A-Z]{1,3})(\d+))?"\s*/>')
_SI = re.compile(rb"<si>(.*?)</si>", re.S)
_SHEET = re.compile(rb'<sheet\b[^>]*?\bname="([^"]*)"[^>]*?\br:id="([^"]*)"', re.S)
_REL = re.compile(rb'<Relationship\b[^>]*?\bId="([^"]*)"[^>]*?\bTarget="([^"]*)"', re.S)
_REL_REV = re.compile(rb'<Relationship\b[^>]*?\bTarget="([^"]*)"[^>]*?\bId="([^"]*)"', re.S)

Notes = dict[str, list[tuple[int | None, str]]]


def column_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def column_letters(n: int) -> str:
    out = ""
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


def _unescape(raw: bytes) -> str:
    text = raw.decode("utf-8", errors="replace")
    return html.unescape(text) if "&" in text else text


def _area(xml_head: bytes) -> int | None:
    m = _DIMENSION.search(xml_head)
    if m is None:
        return None
    c1, r1 = column_number(m[1]), int(m[2])
    c2, r2 = (column_number(m[3]), int(m[4])) if m[3] else (c1, r1)
    return (abs(r2 - r1) + 1) * (abs(c2 - c1) + 1)


def _sheet_names(book: zipfile.ZipFile) -> dict[str, str]:
    """Worksheet part name → sheet name."""
    try:
        workbook = book.read("xl/workbook.xml")
        rels = book.read("xl/_rels/workbook.xml.rels")
    except KeyError:
        return {}
    targets = {m[1]: m[2] for m in _REL.finditer(rels)} | {m[2]: m[1] for m in _REL_REV.finditer(rels)}
    out = {}
    for m in _SHEET.finditer(workbook):
        target = targets.get(m[2], b"").decode()
        part = target.lstrip("/") if target.startswith("/") else "xl/" + target
        out[part] = _unescape(m[1])
    return out


def _gap_end(values: list[int], gap: int) -> int:
    """The last value before the first gap longer than *gap*."""
    for a, b in itertools.pairwise(values):
        if b - a > gap:
            return a
    return values[-1]


def _needs_trim(info: zipfile.ZipInfo, head: bytes) -> bool:
    area = _area(head)
    most_cells = info.file_size // BYTES_PER_CELL
    return area is None or area > max(SMALL_AREA, 2 * most_cells)


def is_blank(raw: bytes) -> bool:
    """Whether an XML-escaped cell text is empty or white space only; fast
    for the common cases (visible ASCII first, a character reference first)."""
    text = raw.strip()
    if not text:
        return True
    first = text[0]
    if first < 0x80 and first != 0x26:  # a visible ASCII character, not "&"
        return False
    if first == 0x26:
        m = _CHAR_REF.match(text)
        if m and not chr(int(m[1][1:], 16) if m[1][:1] == b"x" else int(m[1])).isspace():
            return False
    return not _unescape(text).strip()


def _cell_text(kind: bytes, body: bytes, shared: list[bytes]) -> bytes | None:
    """The escaped text of a cell (``None``: no value)."""
    if kind == b"s":
        v = _VALUE.search(body)
        index = int(v[1]) if v and v[1].strip().isdigit() else -1
        return shared[index] if 0 <= index < len(shared) else None
    if kind == b"inlineStr":
        return b"".join(_TEXT.findall(body))
    v = _VALUE.search(body)
    if v:
        return v[1]
    return b"=" if b"<f" in body else None


def _far_cells(xml: bytes, last_row: int, last_col: int, far_cols: list[int]) -> list[re.Match[bytes]]:
    """The cells in rows after *last_row* or in columns after *last_col*,
    found without parsing the cells of the table itself."""
    cut = len(xml)
    for m in _ROW.finditer(xml):
        if int(m[1]) > last_row:
            cut = m.start()
            break
    out = list(_CELL.finditer(xml, cut))
    if far_cols:
        letters = b"|".join(column_letters(c).encode() for c in far_cols)
        starts = re.compile(rb'<c r="(?:' + letters + rb')\d+"')
        out += [_CELL.match(xml, m.start()) for m in starts.finditer(xml, 0, cut)]  # type: ignore[misc]
    return [m for m in out if m is not None]


def trim_sheet(xml: bytes, shared: list[bytes]) -> tuple[bytes, list[tuple[int | None, str]]] | None:
    """The sheet XML without the empty cells and the far-away cells that
    inflate its used range, and a warning for each far-away non-empty cell;
    ``None`` when nothing needs to change (or the XML is not in the expected
    form).  Only cells beyond a long gap of rows or columns are parsed."""
    total = xml.count(b'<c r="')
    if total != xml.count(b"<c ") + xml.count(b"<c>"):  # a cell in an unexpected form
        return None
    rows = sorted({int(r) for r in _ROW_REF.findall(xml)})
    cols = sorted({column_number(c) for c in _COL_REF.findall(xml)})
    if not rows or not cols:
        return None
    last_row = _gap_end(rows, ROW_GAP)
    last_col = _gap_end(cols, COL_GAP)
    far_cols = [c for c in cols if c > last_col]
    if last_row == rows[-1] and not far_cols:
        return None
    drop: list[tuple[int, int]] = []
    full: list[tuple[int, int, int, int, bytes]] = []  # start, end, row, column, escaped text
    for m in _far_cells(xml, last_row, last_col, far_cols):
        attrs, body = m[3], m[4]
        text = None
        if body:
            t = _TYPE.search(attrs) if b"t=" in attrs else None
            text = _cell_text(t[1] if t else b"n", body, shared)
        if text is None or is_blank(text):
            drop.append((m.start(), m.end()))
        else:
            full.append((m.start(), m.end(), int(m[2]), column_number(m[1]), text))
    notes: list[tuple[int | None, str]] = []
    if full:
        area = (max(last_row, *(c[2] for c in full)) - rows[0] + 1) * (max(last_col, *(c[3] for c in full)) - cols[0] + 1)
        if area > max(SMALL_AREA, 4 * total):
            for start, end, row, col, text in full:
                drop.append((start, end))
                gap = (f"与表格相隔 {row - last_row - 1:,} 个空行" if row > last_row
                       else f"与表格相隔 {col - last_col - 1:,} 个空列")
                value = shown(_unescape(text).strip())
                notes.append((row, f"{column_letters(col)} 列的内容「{value}」{gap}，已忽略（如确为数据，请移到表格中）"))
    if not drop:
        return None
    drop = sorted(set(drop))
    pieces, last = [], 0
    for start, end in drop:
        pieces.append(xml[last:start])
        last = end
    pieces.append(xml[last:])
    return _DIMENSION.sub(b"", b"".join(pieces), count=1), sorted(notes, key=lambda n: n[0] or 0)


def _shared_strings(book: zipfile.ZipFile) -> list[bytes]:
    """The escaped text of each shared string."""
    try:
        xml = book.read("xl/sharedStrings.xml")
    except KeyError:
        return []
    return [b"".join(_TEXT.findall(m[1])) for m in _SI.finditer(xml)]


def _rezip(book: zipfile.ZipFile, replaced: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as new:
        for info in book.infolist():
            new.writestr(info.filename, replaced.get(info.filename) or book.read(info.filename))
    return out.getvalue()


def _worksheets(book: zipfile.ZipFile) -> Iterable[zipfile.ZipInfo]:
    return (i for i in book.infolist() if i.filename.startswith("xl/worksheets/") and i.filename.endswith(".xml"))


def trim_workbook(data: bytes) -> tuple[bytes, Notes]:
    """*data* with inflated worksheets trimmed, and warnings by sheet name.
    Anything unexpected (not a zip, odd XML) returns *data* unchanged: the
    reader then reports it."""
    try:
        book = zipfile.ZipFile(io.BytesIO(data))
        inflated = []
        for info in _worksheets(book):
            with book.open(info) as fh:
                head = fh.read(4096)
            if _needs_trim(info, head):
                inflated.append(info.filename)
        if not inflated:
            return data, {}
        names = _sheet_names(book)
        shared = _shared_strings(book)
        replaced: dict[str, bytes] = {}
        notes: Notes = {}
        for part in inflated:
            result = trim_sheet(book.read(part), shared)
            if result is not None:
                replaced[part], sheet_notes = result
                notes[names.get(part, part)] = sheet_notes
        return (_rezip(book, replaced), notes) if replaced else (data, {})
    except (zipfile.BadZipFile, OSError, ValueError, KeyError, EOFError, RuntimeError):
        return data, {}


