"""Reader for a filled results form (检查结果录入表), checked against the plan.

A row names an enterprise (统一社会信用代码), optionally an item (事项编码 or
抽查事项; empty: every item of the visit), a result (检查结果, from the
vocabulary in :mod:`scheduler.results`) and optionally the day of the
inspection (实际检查日期; empty: the planned date).  Rows with an empty
result are results not yet entered and are skipped.  Every problem is
reported with file, row and column.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from scheduler.domain import Item
from scheduler.io import schemas
from scheduler.io.fields import FieldError, parse_date
from scheduler.io.problems import Report, shown
from scheduler.io.source import SourceLike
from scheduler.io.table import read_table
from scheduler.plan import Plan, ScheduledVisit, Unassigned
from scheduler.results import ItemResult, ResultError, parse_result
from scheduler.uscc import normalise as normalise_uscc


def _key(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split()).upper()


def read_results(path: SourceLike, plan: Plan, items: Sequence[Item], report: Report) -> list[ItemResult] | None:
    """The item results in *path*, in (uscc, item) order; ``None`` when the
    file cannot be read at all.  Problems go to *report*."""
    table = read_table(path, schemas.RESULT_COLUMNS, report)
    if table is None:
        return None
    visits: dict[str, ScheduledVisit | Unassigned] = {v.uscc: v for v in plan.visits}
    unassigned: dict[str, ScheduledVisit | Unassigned] = {u.uscc: u for u in plan.unassigned}
    by_name = {_key(i.name): i.code for i in items}
    start, end = plan.round.start, plan.round.end
    codes, names, texts = table.column("item_code"), table.column("item_name"), table.column("result")
    dates, notes = table.column("date"), table.column("note")
    out: dict[tuple[str, str], ItemResult] = {}
    first_row: dict[tuple[str, str], int] = {}
    for i, uscc_text in enumerate(table.column("uscc")):
        row = table.row(i)
        if not texts[i]:
            continue  # not entered yet
        uscc = normalise_uscc(uscc_text)
        visit = visits.get(uscc) or unassigned.get(uscc)
        if visit is None:
            report.error(table.file, row, table.header("uscc"), f"「{shown(uscc_text)}」不在本轮抽查名单中")
            continue
        if codes[i]:
            wanted = [_key(codes[i])]
            column = table.header("item_code")
        elif names[i]:
            wanted = [by_name.get(_key(names[i]), "?" + names[i])]
            column = table.header("item_name")
        else:
            wanted, column = list(visit.items), ""
        bad = [w for w in wanted if w not in visit.items]
        if bad:
            expected = "、".join(visit.items)
            report.error(table.file, row, column, f"「{shown(codes[i] or names[i])}」不是该企业本轮的抽查事项（应为 {expected}）")
            continue
        try:
            values = parse_result(texts[i])
        except ResultError as exc:
            report.error(table.file, row, table.header("result"), str(exc))
            continue
        if dates[i]:
            try:
                day = parse_date(dates[i])
            except FieldError as exc:
                report.error(table.file, row, table.header("date"), str(exc))
                continue
            if not start <= day <= end:
                report.error(table.file, row, table.header("date"), f"{day.isoformat()} 不在实施期限 {start} 至 {end} 内")
                continue
        elif isinstance(visit, ScheduledVisit):
            day = visit.date
        else:
            report.error(table.file, row, table.header("date") if "date" in table.data else None,
                         "该企业未安排检查日期，请填写实际检查日期")
            continue
        for item in wanted:
            key = (uscc, item)
            if key in first_row:
                report.error(table.file, row, column or table.header("uscc"),
                             f"事项 {item} 的结果重复（与第 {first_row[key]} 行相同）")
                continue
            first_row[key] = row
            out[key] = ItemResult(uscc=uscc, item=item, values=values, date=day, note=notes[i])
    return [out[k] for k in sorted(out)]
