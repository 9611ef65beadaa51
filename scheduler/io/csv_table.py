"""Reading a delimited text file (.csv/.tsv/.txt) into a sheet of strings.

Encodings: UTF-8 (with or without BOM), UTF-16 (BOM), GBK/GB18030.  A file
that mixes UTF-8 and GBK lines, a NUL byte, a stray delimiter or an unclosed
quote is a :class:`TableError` naming the spreadsheet row (the record number
a person sees when Excel opens the file: a quoted line break stays in its
row), never pandas' own English text.
"""

from __future__ import annotations

import csv
import io
import re

import pandas as pd

from scheduler.io.workbook import EMPTY, RawSheet, TableError

#: Lines read to size the table (a title row above the header is narrower).
WIDTH_SCAN_LINES = 12

_EXPECTED = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")
_EOF_IN_STRING = re.compile(r"EOF inside string starting at row (\d+)")


class RowError(TableError):
    """A :class:`TableError` at one row of the file."""

    def __init__(self, row: int, message: str) -> None:
        super().__init__(message)
        self.row = row


def bom_encoding(head: bytes) -> str | None:
    if head.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    return None


def sniff_delimiter(text: str) -> str:
    head = text[:4096].splitlines()[:5]
    tabs = sum(line.count("\t") for line in head)
    commas = sum(line.count(",") + line.count("，") for line in head)
    return "\t" if tabs > commas else ","


def record_of_line(text: str, delimiter: str, line: int) -> int:
    """The 1-based record (spreadsheet row) holding physical line *line*."""
    reader = csv.reader(io.StringIO(text.replace("\x00", " ")), delimiter=delimiter)
    record = 0
    try:
        for _ in reader:
            record += 1
            if reader.line_num >= line:
                return record
    except csv.Error:
        pass
    return max(record, 1)


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _utf16_without_bom(data: bytes) -> str | None:
    sample = data[:4096]
    if len(sample) >= 4 and sample[1::2].count(0) > len(sample) // 4:
        return "utf-16-le"
    if len(sample) >= 4 and sample[0::2].count(0) > len(sample) // 4:
        return "utf-16-be"
    return None


def looks_utf8(line: bytes) -> bool:
    """Whether a non-ASCII line is Chinese text in UTF-8: it decodes, and
    every non-ASCII character is a CJK ideograph or CJK/full-width
    punctuation (GBK bytes that happen to decode give other characters)."""
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError:
        return False
    wide = [c for c in text if not c.isascii()]
    return bool(wide) and all(
        "\u4e00" <= c <= "\u9fff" or "\u3000" <= c <= "\u303f" or "\uff00" <= c <= "\uffef" or "\u2000" <= c <= "\u206f"
        for c in wide
    )


def encoding_of(data: bytes) -> str:
    """The encoding of *data* (BOM, UTF-8, else GB18030); raises
    :class:`RowError` (at a physical line) for a file that mixes UTF-8 and
    GBK lines."""
    encoding = bom_encoding(data[:4]) or _utf16_without_bom(data)
    if encoding:
        return encoding
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        bad_line = _line_of(data, exc.start)
        above = data[: exc.start].split(b"\n")[:-1]
        if any(not line.isascii() and looks_utf8(line) for line in above):
            raise RowError(bad_line, MIXED) from None
    for number, line in enumerate(data.split(b"\n"), start=1):
        if not line.isascii() and looks_utf8(line):
            raise RowError(number, MIXED)
    return "gb18030"


def _text(data: bytes, encoding: str) -> str:
    return data.decode(encoding, errors="replace").lstrip("\ufeff")


MIXED = "这一行的文字编码与文件其他行不同（UTF-8 与 GBK 混用）：请在 Excel 或记事本中统一另存为 UTF-8"
NUL = "含有空字符（\\x00）：文件可能已损坏，或不是文本文件"


def _delimiter(text: str, suffix: str) -> str:
    return "\t" if suffix == ".tsv" else sniff_delimiter(text)


def read_csv(data: bytes, suffix: str) -> RawSheet:
    """One sheet of strings; raises :class:`TableError` / :class:`RowError`."""
    if not data.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise TableError(EMPTY)
    try:
        encoding = encoding_of(data)
    except RowError as exc:  # physical line → spreadsheet row
        text = _text(data, "gb18030")
        raise RowError(record_of_line(text, _delimiter(text, suffix), exc.row), str(exc)) from None
    head = _text(data[:65536], encoding)
    delimiter = _delimiter(head, suffix)
    nul = -1 if encoding.startswith("utf-16") else data.find(b"\x00")
    if nul >= 0:
        text = _text(data, encoding)
        raise RowError(record_of_line(text, delimiter, _line_of(data, nul)), NUL)
    # A title row above the header has fewer fields: size the table by the
    # widest of the first lines, not by the first line.
    first = list(csv.reader(io.StringIO("\n".join(head.splitlines()[:WIDTH_SCAN_LINES])), delimiter=delimiter))
    ncols = max((len(r) for r in first), default=1)
    try:
        frame = pd.read_csv(
            io.BytesIO(data),
            encoding=encoding,
            encoding_errors="replace",
            header=None,
            names=list(range(ncols)),
            dtype=str,
            keep_default_na=False,
            skip_blank_lines=False,
            sep=delimiter,
            engine="c",
        )
    except pd.errors.ParserError as exc:
        raise parser_error(str(exc)) from None
    except (ValueError, csv.Error, UnicodeError):
        raise TableError("无法读取：CSV 格式错误（引号或分隔符不匹配）") from None
    return RawSheet("", frame.fillna(""))


def parser_error(message: str) -> TableError:
    """pandas' C parser message as a Chinese error at the spreadsheet row."""
    m = _EXPECTED.search(message)
    if m:
        return RowError(int(m[2]), f"有 {m[3]} 个字段，应为 {m[1]} 个（多余的分隔符或引号未闭合）")
    m = _EOF_IN_STRING.search(message)
    if m:
        return RowError(int(m[1]) + 1, "引号未闭合：从这一行开始的带引号内容直到文件末尾都没有结束的引号")
    return TableError("无法读取：CSV 格式错误（引号或分隔符不匹配）")
