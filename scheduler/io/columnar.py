"""Column-wise reading of a large CSV roster (pyarrow).

The general reader (:func:`scheduler.io.csv_table.read_csv`) turns every
cell into a Python string through pandas, which for a roster of millions of
rows costs minutes and gigabytes.  For a CSV file of at least
:data:`FAST_CSV_BYTES`, :func:`read_head` reads the first lines with the
general reader (so the header, a title row above it and the column count are
found exactly as for any file) and :func:`read_body` reads every line below
the header straight into arrow string columns, in C++ threads.

The fast path only reads files it reads *exactly* like the general reader.
Whenever it is unsure it declines (returns ``None``) and the caller reads the
file the general way, which also produces the Chinese message naming the row
of any problem: a row whose field count differs from the header's (a stray
delimiter, an unclosed quote, a short row), a NUL byte, a file that is not
UTF-8 or GBK throughout (mixed encodings), UTF-16, a quote in the lines above
the data.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pcsv

from scheduler.io import strings
from scheduler.io.csv_table import WIDTH_SCAN_LINES, RowError, bom_encoding, encoding_of, read_csv, sniff_delimiter
from scheduler.io.source import Source, SourceLike, read_bytes, suffix_of
from scheduler.io.workbook import RawSheet, TableError

#: CSV files from this size on are read column-wise.
FAST_CSV_BYTES = 8 * 2**20
#: The lines read by the general reader must lie within this many bytes.
HEAD_BYTES = 1 << 20
#: pyarrow reads the body in blocks of this size (one task per block).
BLOCK_BYTES = 16 << 20


@dataclass(frozen=True, slots=True)
class CsvHead:
    """The first lines of a CSV file, read by the general reader."""

    sheet: RawSheet  # one row per line (no quoted line break in these lines)
    lines: list[bytes]  # the same lines as bytes (without their line ends)
    encoding: str  # "utf-8" or "gb18030" (for pyarrow)
    delimiter: str


def size_of(source: SourceLike) -> int:
    """The file's size in bytes (0 when it cannot be read)."""
    if isinstance(source, Source):
        return len(source.data)
    try:
        return source.stat().st_size
    except OSError:
        return 0


def wants_fast_path(source: SourceLike) -> bool:
    return suffix_of(source) in {".csv", ".txt", ".tsv"} and size_of(source) >= FAST_CSV_BYTES


def _prefix(source: SourceLike) -> bytes:
    if isinstance(source, Source):
        return source.data[:HEAD_BYTES]
    with Path(source).open("rb") as f:
        return f.read(HEAD_BYTES)


def _encoding(source: SourceLike, prefix: bytes) -> str | None:
    """"utf-8" (with or without BOM; pyarrow skips the BOM and checks every
    byte), "gb18030" when the whole file is GBK without UTF-8 lines, else
    ``None`` (UTF-16, mixed encodings: the general reader handles them)."""
    bom = bom_encoding(prefix[:4])
    if bom == "utf-8-sig":
        return "utf-8"
    if bom is not None:
        return None
    try:
        prefix[: prefix.rfind(b"\n") + 1].decode("utf-8")
        return "utf-8"  # a GBK line further down makes pyarrow fail: then we decline
    except UnicodeDecodeError:
        pass
    try:
        encoding = encoding_of(read_bytes(source))
    except (RowError, OSError):
        return None
    return "gb18030" if encoding == "gb18030" else None


def read_head(source: SourceLike) -> CsvHead | None:
    """The first :data:`WIDTH_SCAN_LINES` lines of a big CSV file as the
    general reader reads them, or ``None`` to use the general reader."""
    try:
        prefix = _prefix(source)
    except OSError:
        return None
    encoding = _encoding(source, prefix)
    if encoding is None:
        return None
    raw_lines = prefix.split(b"\n")
    if len(raw_lines) <= WIDTH_SCAN_LINES:  # a line longer than HEAD_BYTES
        return None
    lines = raw_lines[:WIDTH_SCAN_LINES]
    head = b"\n".join(lines) + b"\n"
    if encoding == "gb18030":  # the general reader decides the encoding on the whole file
        head = head.decode("gb18030").encode("utf-8")
    try:
        sheet = read_csv(head, suffix_of(source))
    except TableError:
        return None
    if len(sheet.frame) != len(lines):  # a quoted line break: rows are not lines
        return None
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff")
    delimiter = "\t" if suffix_of(source) == ".tsv" else sniff_delimiter(text)
    return CsvHead(sheet, lines, encoding, delimiter)


class _Rejects:
    """pyarrow's invalid-row handler: counts rows whose field count differs."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, row: object) -> str:
        self.count += 1
        return "skip"


def read_body(source: SourceLike, head: CsvHead, skip_lines: int) -> list[pa.ChunkedArray] | None:
    """Every record after the first *skip_lines* lines as string columns (one
    per column of the head sheet, cells as written, "" for empty), or
    ``None`` when the file is not one the fast path reads exactly like the
    general reader."""
    if any(b'"' in line for line in head.lines[:skip_lines]):
        return None  # quoting above the data: let the general reader count the rows
    ncols = head.sheet.frame.shape[1]
    names = [f"c{i}" for i in range(ncols)]
    rejects = _Rejects()
    read_options = pcsv.ReadOptions(column_names=names, skip_rows=skip_lines, block_size=BLOCK_BYTES,
                                    encoding="utf8" if head.encoding == "utf-8" else head.encoding)
    parse_options = pcsv.ParseOptions(delimiter=head.delimiter, newlines_in_values=True, ignore_empty_lines=False,
                                      invalid_row_handler=rejects)
    convert_options = pcsv.ConvertOptions(column_types=dict.fromkeys(names, pa.large_string()), strings_can_be_null=False,
                                          quoted_strings_can_be_null=False)
    stream = pa.BufferReader(source.data) if isinstance(source, Source) else str(source)
    try:
        table = pcsv.read_csv(stream, read_options=read_options, parse_options=parse_options,
                              convert_options=convert_options)
    except (pa.ArrowException, OSError, UnicodeError, ValueError):
        return None  # invalid UTF-8 (mixed encodings), an unclosed quote ...
    if rejects.count:
        return None
    columns = [table.column(name) for name in names]
    del table
    if any(strings.has_nul(col) for col in columns):
        return None
    return columns
