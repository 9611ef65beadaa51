"""Inspection results (检查结果): the fixed vocabulary of the national
enterprise credit publicity system (国家企业信用信息公示系统) and the rule that
combines the per-item results of one joint visit into the one result the
public record shows.

Results are entered per visit and item ("谁检查、谁录入"): the results form
(:mod:`scheduler.export.results_form`) lists one row per visit and item; the
reader (:mod:`scheduler.io.results`) checks a filled form against the plan.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass

from scheduler.io.problems import shown
from scheduler.vocabulary import ALIASES, NO_PROBLEM, VOCABULARY

SEPARATORS = "；;、,，\n"


def _key(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


_LOOKUP = {_key(v): v for v in VOCABULARY} | {_key(a): v for a, v in ALIASES.items()}


class ResultError(ValueError):
    """A result cell that is not in the vocabulary (message in Chinese)."""


def parse_result(text: str) -> tuple[str, ...]:
    """One cell: one or more values separated by ；;、,， or line breaks,
    in vocabulary order.  "未发现问题" cannot be combined with a finding."""
    parts = [p for p in (text.translate({ord(c): "；" for c in SEPARATORS})).split("；") if p.strip()]
    values: set[str] = set()
    for part in parts:
        value = _LOOKUP.get(_key(part))
        if value is None:
            raise ResultError(f"「{shown(part.strip())}」不是规定的检查结果；应为：" + "、".join(VOCABULARY))
        values.add(value)
    if not values:
        raise ResultError("检查结果为空")
    if NO_PROBLEM in values and len(values) > 1:
        raise ResultError(f"「{NO_PROBLEM}」不能与其他检查结果同时填写")
    return tuple(v for v in VOCABULARY if v in values)


@dataclass(frozen=True, slots=True)
class ItemResult:
    """The result of one item at one visit."""

    uscc: str
    item: str  # item code
    values: tuple[str, ...]  # vocabulary values, in vocabulary order
    date: dt.date  # the day of the inspection (the planned date unless entered)
    note: str = ""


def combine(values: list[tuple[str, ...]]) -> tuple[str, ...]:
    """The enterprise's result over its items: every finding, in vocabulary
    order; "未发现问题" only when no item found anything."""
    found = {v for vs in values for v in vs if v != NO_PROBLEM}
    if not found:
        return (NO_PROBLEM,) if values else ()
    return tuple(v for v in VOCABULARY if v in found)
