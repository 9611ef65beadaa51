"""Parsers for the cell formats found in real rosters.

Each parser takes the stripped cell text and returns a value or raises
:class:`FieldError` with a Chinese message.  :func:`parse_column` applies a
parser to the distinct values of a column only, which keeps 10^5-row rosters
fast (dates, classes and ratios repeat a lot).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import TypeVar

import numpy as np

from scheduler.domain import CreditClass
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
    values = table.data[key].to_numpy(dtype=object)
    cache: dict[str, T | FieldError] = {}
    out: list[T | None] = [None] * len(values)
    for i, text in enumerate(values):
        if not text or (mask is not None and not mask[i]):
            continue
        result = cache.get(text)
        if result is None:
            try:
                result = parser(text)
            except FieldError as exc:
                result = exc
            cache[text] = result
        if isinstance(result, FieldError):
            report.error(table.file, int(table.rows[i]), table.header(key), str(result))
        else:
            out[i] = result
    return out
