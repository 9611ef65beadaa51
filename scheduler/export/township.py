"""The township workbook (乡镇街道联合抽查安排): what a clerk prints.

One workbook per township: the visit list sorted by date, and a summary by
date and agency.  A4 landscape, header repeated on every page, page numbers
and the draw's verification code in the footer.
"""

from __future__ import annotations

import re
from collections import Counter

from scheduler.export.context import ExportContext, VisitRow
from scheduler.export.workbook import (
    WEEKDAYS,
    body_rows,
    fit_columns,
    fit_rows,
    header_row,
    new_workbook,
    print_setup,
    table_sheet,
    title_row,
    workbook_bytes,
)

VISIT_HEADERS = ("序号", "检查日期", "星期", "企业名称", "统一社会信用代码", "地址", "检查事项", "参与部门",
                 "带队人员", "检查人员及执法证号", "联系电话")
LIST_SHEET, SUMMARY_SHEET = "检查安排", "按日期和部门汇总"


def file_name(township: str, round_name: str) -> str:
    safe = re.sub(r'[\\/:*?"<>|\s]+', "_", f"{township}_{round_name}_联合抽查安排")
    return safe + ".xlsx"


def visit_cells(n: int, v: VisitRow) -> list[object]:
    return [
        n,
        v.date.isoformat(),
        WEEKDAYS[v.date.weekday()],
        v.name,
        v.uscc,
        v.address,
        "\n".join(v.items),
        "、".join(v.agencies),
        v.leader.name,
        "\n".join(f"{o.name}（{o.cert_no}）" for o, _ in v.team),
        v.leader.phone,
    ]


def township_workbook(ctx: ExportContext, township: str) -> bytes:
    visits = [v for v in ctx.visits if v.township == township]
    footer = f"抽取复核码 {ctx.verification}"
    wb = new_workbook()
    table_sheet(wb, LIST_SHEET, f"{township} {ctx.round_name} 检查安排（共 {len(visits)} 户）", VISIT_HEADERS,
                [visit_cells(n, v) for n, v in enumerate(visits, start=1)], footer, centered=(1, 2, 3, 9),
                empty="本轮次本乡镇（街道）无检查安排。")

    summary = wb.create_sheet(SUMMARY_SHEET)
    agencies = sorted({a for v in visits for a in v.agencies})
    title_row(summary, f"{township} {ctx.round_name} 按日期和部门汇总（户数）", max(3, len(agencies) + 3))
    top = header_row(summary, ["检查日期", "星期", *agencies, "合计"])
    by_day: dict[str, Counter[str]] = {}
    for v in visits:
        by_day.setdefault(v.date.isoformat(), Counter()).update(v.agencies)
    totals = Counter(v.date.isoformat() for v in visits)
    rows: list[list[object]] = [
        [day, WEEKDAYS[visits_day.weekday()], *[by_day[day][a] for a in agencies], totals[day]]
        for day, visits_day in sorted({v.date.isoformat(): v.date for v in visits}.items())
    ]
    rows.append(["合计", "", *[sum(by_day[d][a] for d in by_day) for a in agencies], len(visits)])
    body_rows(summary, rows, centered=tuple(range(1, len(agencies) + 4)))
    summary.freeze_panes = f"A{top + 1}"
    fit_columns(summary, top)
    fit_rows(summary, top + 1)
    print_setup(summary, f"1:{top}", footer)
    return workbook_bytes(wb, ctx.stamp)
