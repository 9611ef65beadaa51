"""The township workbook (乡镇街道联合抽查安排): what a clerk prints.

One workbook per township: the visit list sorted by date, and a summary by
date and agency.  A4 landscape, header repeated on every page, page numbers
and the draw's verification code in the footer.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from scheduler.export.context import ExportContext, VisitRow
from scheduler.export.workbook import (
    BODY_FONT,
    WEEKDAYS,
    WRAP,
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
from scheduler.textfmt import width as text_width

VISIT_HEADERS = ("序号", "检查日期", "星期", "企业名称", "统一社会信用代码", "地址", "检查事项", "参与部门",
                 "带队人员", "检查人员及执法证号", "联系电话")
LIST_SHEET, SUMMARY_SHEET = "检查安排", "按日期和部门汇总"
TOTAL_HEADER = "检查户数（每户计1次）"
JOINT_NOTE = ("注：联合检查的一户企业在每个参与部门下各计 1 户，因此各部门户数相加可能大于检查户数；"
              "“检查户数（每户计1次）”列每户企业只计 1 次。")


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

    summary_sheet(wb, visits, f"{township} {ctx.round_name}", footer)
    return workbook_bytes(wb, ctx.stamp)


def summary_sheet(wb: Workbook, visits: list[VisitRow], caption: str, footer: str) -> None:
    """Visits by date and agency.  A joint visit counts once under each of
    its agencies and once in the total, which the header and a note under
    the table say, so that the agency columns are not added up as visits."""
    summary = wb.create_sheet(SUMMARY_SHEET)
    agencies = sorted({a for v in visits for a in v.agencies})
    width = len(agencies) + 3
    title_row(summary, f"{caption} 按日期和部门汇总（户数，联合检查在每个参与部门各计 1 户）", width)
    top = header_row(summary, ["检查日期", "星期", *agencies, TOTAL_HEADER])
    by_day: dict[dt.date, Counter[str]] = {}
    for v in visits:
        by_day.setdefault(v.date, Counter()).update(v.agencies)
    totals = Counter(v.date for v in visits)
    rows: list[list[object]] = [[day.isoformat(), WEEKDAYS[day.weekday()], *[by_day[day][a] for a in agencies], totals[day]]
                                for day in sorted(by_day)]
    rows.append(["合计", "", *[sum(c[a] for c in by_day.values()) for a in agencies], len(visits)])
    body_rows(summary, rows, centered=tuple(range(1, width + 1)))
    summary.freeze_panes = f"A{top + 1}"
    fit_columns(summary, top)
    fit_rows(summary, top + 1)
    summary.append([JOINT_NOTE])
    note = summary.max_row
    summary.merge_cells(start_row=note, start_column=1, end_row=note, end_column=width)
    summary.cell(note, 1).font, summary.cell(note, 1).alignment = BODY_FONT, WRAP
    columns = sum(summary.column_dimensions[get_column_letter(c)].width or 10 for c in range(1, width + 1))
    summary.row_dimensions[note].height = 13.5 * math.ceil(text_width(JOINT_NOTE) / max(1.0, columns - 2)) + 4
    print_setup(summary, f"1:{top}", footer)
