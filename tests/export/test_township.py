"""Township workbooks: every column of every row against plan.json and the
rosters; the summary by date and agency, and its note that a joint visit
counts once per agency; print set-up; deterministic bytes."""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter
from pathlib import Path

import openpyxl
from openpyxl.utils import get_column_letter
from raw_inputs import WEEKDAY_NAMES, Raw, cells

from scheduler.export.context import ExportContext
from scheduler.export.township import JOINT_NOTE, LIST_SHEET, SUMMARY_SHEET, file_name, township_workbook

HEADERS = ["序号", "检查日期", "星期", "企业名称", "统一社会信用代码", "地址", "检查事项", "参与部门",
           "带队人员", "检查人员及执法证号", "联系电话"]


def expected_rows(raw: Raw, township: str) -> list[list[object]]:
    planned = [v for v in raw.visits() if v["township"] == township]
    rows: list[list[object]] = []
    for n, v in enumerate(planned, start=1):
        day = dt.date.fromisoformat(v["date"])
        leader = raw.leader(v)
        rows.append([
            n, v["date"], WEEKDAY_NAMES[day.weekday()], raw.enterprises[v["uscc"]]["企业名称"], v["uscc"],
            raw.enterprises[v["uscc"]]["地址"], "\n".join(raw.items[c][0] for c in v["items"]),
            "、".join(raw.short[a] for a in v["agencies"]), leader.name,
            "\n".join(f"{raw.officers[m['inspector_id']].name}（{raw.officers[m['inspector_id']].cert_no}）" for m in v["team"]),
            leader.phone or None,
        ])
    return rows


def expected_summary(raw: Raw, township: str) -> list[list[object]]:
    planned = [v for v in raw.visits() if v["township"] == township]
    agencies = sorted({raw.short[a] for v in planned for a in v["agencies"]})
    header: list[object] = ["检查日期", "星期", *agencies, "检查户数（每户计1次）"]
    rows: list[list[object]] = [header]
    for day in sorted({v["date"] for v in planned}):
        on_day = [v for v in planned if v["date"] == day]
        per = Counter(raw.short[a] for v in on_day for a in v["agencies"])
        rows.append([day, WEEKDAY_NAMES[dt.date.fromisoformat(day).weekday()], *[per[a] for a in agencies], len(on_day)])
    per = Counter(raw.short[a] for v in planned for a in v["agencies"])
    rows.append(["合计", None, *[per[a] for a in agencies], len(planned)])
    return rows


def test_every_township_workbook_matches_the_plan_and_rosters(demo: Path, raw: Raw) -> None:
    folder = demo / "exports" / "乡镇街道"
    name = raw.plan["round"]["name"]
    assert sorted(p.name for p in folder.iterdir()) == sorted(file_name(t, name) for t in raw.townships)
    checked = 0
    for township in raw.townships:
        wb = openpyxl.load_workbook(folder / file_name(township, name))
        assert wb.sheetnames == [LIST_SHEET, SUMMARY_SHEET]
        ws = wb[LIST_SHEET]
        assert [c.value for c in ws[2]] == HEADERS
        want = expected_rows(raw, township)
        assert ws["A1"].value == f"{township} {name} 检查安排（共 {len(want)} 户）"
        if not want:
            assert cells(ws) == [["本轮次本乡镇（街道）无检查安排。", *[None] * 10]]
            continue
        assert cells(ws) == want
        checked += len(want)
        summary = cells(wb[SUMMARY_SHEET], 2)
        assert summary[:-1] == expected_summary(raw, township)
        assert summary[-1][0] == JOINT_NOTE
    assert checked == len(raw.plan["visits"]) > 0


def test_summary_says_a_joint_visit_counts_once_per_agency(demo: Path, raw: Raw) -> None:
    """Where a township has joint visits, the agency columns add up to more
    than the visits; the header and the note under the table say why."""
    name = raw.plan["round"]["name"]
    township = max(raw.townships, key=lambda t: sum(len(v["agencies"]) > 1 for v in raw.plan["visits"] if v["township"] == t))
    ws = openpyxl.load_workbook(demo / "exports" / "乡镇街道" / file_name(township, name))[SUMMARY_SHEET]
    rows = cells(ws, 2)
    header, total, note = rows[0], rows[-2], rows[-1]
    assert "联合检查在每个参与部门各计 1 户" in ws["A1"].value
    assert header[-1] == "检查户数（每户计1次）" and total[0] == "合计"
    assert sum(total[2:-1]) > total[-1]  # the agencies' counts overlap
    assert note[0] == JOINT_NOTE and "每个参与部门下各计 1 户" in note[0] and "只计 1 次" in note[0]
    assert f"A{ws.max_row}:{get_column_letter(len(header))}{ws.max_row}" in {str(r) for r in ws.merged_cells.ranges}


def test_print_setup_is_ready_for_a_clerk(ctx: ExportContext) -> None:
    township = next(t for t in ctx.townships if any(v.township == t for v in ctx.visits))
    wb = openpyxl.load_workbook(io.BytesIO(township_workbook(ctx, township)))
    ws = wb[LIST_SHEET]
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9  # A4
    assert ws.print_title_rows == "$1:$2"
    assert ws.freeze_panes == "A3"
    assert ws.auto_filter.ref and ws.auto_filter.ref.startswith("A2:K")
    assert ws.oddFooter.center.text == "第 &P 页 共 &N 页"
    assert ctx.verification in (ws.oddFooter.left.text or "")
    assert ws.column_dimensions["D"].width >= 20  # enterprise names fit
    assert all(ws.cell(3, c).border.left.style == "thin" for c in range(1, 12))
    summary = wb[SUMMARY_SHEET]
    assert summary.print_title_rows == "$1:$2" and summary.row_dimensions[summary.max_row].height >= 17.5


def test_a_township_without_visits_gets_a_clear_workbook(ctx: ExportContext) -> None:
    wb = openpyxl.load_workbook(io.BytesIO(township_workbook(ctx, "不存在镇")))
    ws = wb[LIST_SHEET]
    assert ws["A1"].value.endswith("（共 0 户）")
    assert ws["A3"].value == "本轮次本乡镇（街道）无检查安排。"
    assert cells(wb[SUMMARY_SHEET], 2) == [["检查日期", "星期", "检查户数（每户计1次）"], ["合计", None, 0], [JOINT_NOTE, None, None]]


def test_workbooks_are_deterministic(ctx: ExportContext) -> None:
    township = ctx.townships[0]
    assert township_workbook(ctx, township) == township_workbook(ctx, township)
