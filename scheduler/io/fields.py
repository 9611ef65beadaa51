"""Parsers for the cell formats found in real rosters.

Each parser takes the stripped cell text and returns a value or raises
:class:`FieldError` with a Chinese message.  :func:`parse_distinct` applies a
parser to the distinct values of a column only (found in arrow), which keeps
rosters of millions of rows fast (dates, classes and ratios repeat a lot);
:func:`parse_floats` reads plain numbers (coordinates) in arrow.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Generic, TypeVar

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from scheduler.domain import CreditClass
from scheduler.io import strings
from scheduler.io.problems import Report, shown
from scheduler.io.table import Table

T = TypeVar("T")


class FieldError(ValueError):
    """A cell that cannot be read; the message is shown to the user."""


_DATE = re.compile(
    r"^(?P<y>\d{4})\s*(?:[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*日?)$"
)
_DATE_COMPACT = re.compile(r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})$")
_DATE_TOKEN = r"\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?|\d{8}"
_RANGE = re.compile(rf"^(?P<a>{_DATE_TOKEN})\s*(?:~|～|至|到|—|–|－|-{{1,2}})\s*(?P<b>{_DATE_TOKEN})$")
_LIST_SPLIT = re.compile(r"[;；,，、|\n]+")


def split_list(text: str) -> list[str]:
    """Split "a；b, c、d" into ["a", "b", "c", "d"] (empty parts dropped)."""
    return [p.strip() for p in _LIST_SPLIT.split(text) if p.strip()]


def split_tags(text: str) -> list[str]:
    """Tags: split like :func:`split_list`, NFKC-normalised (full-width
    letters and digits become half-width) and with inner spaces removed, so
    "公共 场所" and "公共场所" are the same tag."""
    return ["".join(unicodedata.normalize("NFKC", t).split()) for t in split_list(text)]


#: Official spellings of 登记状态 and the canonical status they mean.
STATUS_ALIASES = {"在营": "在业", "在册": "存续", "营业": "开业", "吊销未注销": "吊销", "吊销,未注销": "吊销"}


def canonical_status(text: str) -> str:
    """"存续（在营、开业、在册）" → "存续", "在营" → "在业", "吊销，未注销" → "吊销"."""
    t = "".join(unicodedata.normalize("NFKC", text).split())
    t = re.sub(r"[(（].*?[)）]", "", t)
    return STATUS_ALIASES.get(t, t)


def parse_date(text: str) -> dt.date:
    """2026-10-01, 2026/10/1, 2026.10.01, 2026年10月1日, 20261001 or an
    Excel date cell (read as ``2026-10-01`` or ``2026-10-01 00:00:00``)."""
    t = unicodedata.normalize("NFKC", text).strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2} 00:00:00", t):
        t = t[:10]
    m = _DATE.match(t) or _DATE_COMPACT.match(t)
    if not m:
        raise FieldError(f"无法识别的日期「{shown(text)}」（应为 2026-10-01 或 2026年10月1日）")
    try:
        return dt.date(int(m["y"]), int(m["m"]), int(m["d"]))
    except ValueError:
        raise FieldError(f"不存在的日期「{shown(text)}」") from None


def parse_date_ranges(text: str) -> tuple[tuple[dt.date, dt.date], ...]:
    """"2026-11-02~2026-11-06；2026-11-18" → inclusive ranges, sorted."""
    out: list[tuple[dt.date, dt.date]] = []
    t = unicodedata.normalize("NFKC", text)
    for part in re.split(r"[;；,，、\n]+", t):
        part = part.strip()
        if not part:
            continue
        m = _RANGE.match(part)
        if m:
            a, b = parse_date(m["a"]), parse_date(m["b"])
            if b < a:
                raise FieldError(f"日期区间「{shown(part)}」结束早于开始")
            out.append((a, b))
        else:
            d = parse_date(part)
            out.append((d, d))
    return tuple(sorted(out))


_CLASS_SPELLINGS: dict[str, CreditClass] = {}
for _cls, _names in {
    CreditClass.A: ("a", "a类", "低", "风险低", "信用风险低", "低风险", "信用风险低(a类)"),
    CreditClass.B: ("b", "b类", "一般", "风险一般", "信用风险一般", "一般风险", "信用风险一般(b类)"),
    CreditClass.C: ("c", "c类", "较高", "风险较高", "信用风险较高", "较高风险", "信用风险较高(c类)"),
    CreditClass.D: ("d", "d类", "高", "风险高", "信用风险高", "高风险", "信用风险高(d类)"),
}.items():
    for _n in _names:
        _CLASS_SPELLINGS[_n] = _cls


def parse_credit_class(text: str) -> CreditClass:
    key = re.sub(r"\s", "", unicodedata.normalize("NFKC", text)).lower()
    try:
        return _CLASS_SPELLINGS[key]
    except KeyError:
        raise FieldError(f"无法识别的信用风险分类「{shown(text)}」（应为 A/B/C/D 或 低/一般/较高/高）") from None


def parse_ratio(text: str) -> Decimal:
    """"5%", "5 %", "0.05", "５％" → Decimal('0.05'), exactly."""
    t = re.sub(r"\s", "", unicodedata.normalize("NFKC", text))
    percent = t.endswith("%")
    try:
        value = Decimal(t[:-1] if percent else t)
    except InvalidOperation:
        raise FieldError(f"无法识别的比例「{shown(text)}」（应为 0.05 或 5%）") from None
    if percent:
        value = value / 100
    if not value.is_finite() or value < 0 or value > 1:
        raise FieldError(f"比例「{shown(text)}」应在 0 到 100% 之间")
    return value.normalize() if value else Decimal(0)


def parse_positive_int(text: str) -> int:
    t = unicodedata.normalize("NFKC", text).strip()
    if re.fullmatch(r"\d+(\.0+)?", t) and int(float(t)) >= 1:
        return int(float(t))
    raise FieldError(f"应为正整数，实际为「{shown(text)}」")


def parse_float(text: str) -> float:
    try:
        return float(unicodedata.normalize("NFKC", text))
    except ValueError:
        raise FieldError(f"应为数字，实际为「{shown(text)}」") from None


@dataclass(frozen=True, slots=True)
class Parsed(Generic[T]):
    """A parsed column: ``values[codes[i]]`` is row i's value; code -1 (the
    last entry of *values*, ``None``) marks an empty cell, a cell that could
    not be read (reported) or a row outside the mask."""

    codes: npt.NDArray[np.intp]
    values: list[T | None]

    def present(self) -> npt.NDArray[np.bool_]:
        return self.codes >= 0

    def objects(self) -> npt.NDArray[np.object_]:
        """Row values as an object array (``None`` where absent)."""
        table = np.empty(len(self.values), dtype=object)
        for j, value in enumerate(self.values):
            table[j] = value
        return table[self.codes]

    def tolist(self) -> list[T | None]:
        return self.objects().tolist()


def parse_distinct(
    table: Table,
    key: str,
    parser: Callable[[str], T],
    report: Report,
    *,
    mask: npt.NDArray[np.bool_] | None = None,
) -> Parsed[T]:
    """Parse one column, each distinct value once; empty cells are absent.
    Errors go to *report* with file, row and column, in row order."""
    codes, uniques = strings.factorize(strings.column(table.data[key]))
    values: list[T | None] = []
    errors: dict[int, str] = {}
    for j, text in enumerate(uniques):
        value: T | None = None
        if text:
            try:
                value = parser(text)
            except FieldError as exc:
                errors[j] = str(exc)
        values.append(value)
    values.append(None)
    absent = np.ones(len(values), dtype=bool)
    absent[[j for j, text in enumerate(uniques) if text and j not in errors]] = False
    out = np.where(absent[codes], -1, codes) if len(codes) else codes
    if mask is not None:
        out = np.where(mask, out, -1)
    if errors:
        failed = np.zeros(len(values), dtype=bool)
        failed[list(errors)] = True
        bad = failed[codes] if mask is None else failed[codes] & mask
        for i in np.flatnonzero(bad).tolist():
            report.error(table.file, int(table.rows[i]), table.header(key), errors[int(codes[i])])
    return Parsed(out, values)


def parse_column(
    table: Table,
    key: str,
    parser: Callable[[str], T],
    report: Report,
    *,
    mask: np.ndarray | None = None,
) -> list[T | None]:
    """Parse one column; empty cells give ``None``.  Errors go to *report*
    with file, row and column.  Each distinct value is parsed once."""
    return parse_distinct(table, key, parser, report, mask=mask).tolist()


#: Numbers that arrow's cast reads exactly like ``float()`` (correctly
#: rounded); anything else goes through :func:`parse_float`.
_PLAIN_NUMBER = r"^-?[0-9]{1,30}(\.[0-9]{1,30})?$"
#: Bytes outside ``0-9 . -``: a column without any is cast in one go.
_NOT_DECIMAL = np.ones(256, dtype=bool)
_NOT_DECIMAL[[ord(c) for c in "0123456789.-"]] = False


def parse_floats(table: Table, key: str, report: Report) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.bool_]]:
    """:func:`parse_float` of every cell, vectorised: the values (NaN where
    absent) and which cells gave a value (``float("nan")`` is a value)."""
    col = strings.column(table.data[key])
    filled = strings.nonempty(col)
    if not strings.any_byte(col, _NOT_DECIMAL):
        # Only digits, points and minus signs: arrow's cast reads every cell
        # or refuses the column ("1.2.3", "--1"); then cell by cell below.
        try:
            numbers = pc.cast(pc.if_else(pc.equal(col, ""), pa.scalar(None, col.type), col), pa.float64())
            return np.asarray(numbers.to_numpy(zero_copy_only=False), dtype=np.float64).copy(), filled
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            pass
    matches = pc.match_substring_regex(col, _PLAIN_NUMBER)
    plain = strings.mask(matches)
    numbers = pc.cast(pc.if_else(matches, col, pa.scalar(None, col.type)), pa.float64())
    values = np.asarray(numbers.to_numpy(zero_copy_only=False), dtype=np.float64).copy()
    present = plain.copy()
    other = ~plain & filled
    if other.any():
        parsed = parse_distinct(table, key, parse_float, report, mask=other)
        got = parsed.present()
        values[got] = np.array([parsed.values[c] for c in parsed.codes[got]], dtype=np.float64)
        present |= got
    return values, present
