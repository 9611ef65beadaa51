"""Township workbooks: read back row for row against plan.json; print set-up;
a township without visits; deterministic bytes."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl

from scheduler.export.context import ExportContext
from scheduler.export.township import LIST_SHEET, SUMMARY_SHEET, VISIT_HEADERS, file_name, township_workbook


def test_every_township_workbook_matches_the_plan_row_for_row(demo: Path, ctx: ExportContext) -> None:
    folder = demo / "exports" / "乡镇街道"
    assert sorted(p.name for p in folder.iterdir()) == sorted(file_name(t, ctx.round_name) for t in ctx.townships)
    officers = {o.id: o for o in ctx.dataset.inspectors}
    items = {i.code: i.name for i in ctx.dataset.items}
    for township in ctx.townships:
        wb = openpyxl.load_workbook(folder / file_name(township, ctx.round_name))
        ws = wb[LIST_SHEET]
        assert [c.value for c in ws[2]] == list(VISIT_HEADERS)
        planned = sorted((v for v in ctx.plan["visits"] if v["township"] == township),
                         key=lambda v: (v["date"], v["visit_id"]))
        rows = [[c.value for c in row] for row in ws.iter_rows(min_row=3)]
        if not planned:
            assert rows[0][0] == "本轮次本乡镇（街道）无检查安排。"
            continue
        assert len(rows) == len(planned)
        for n, (row, v) in enumerate(zip(rows, planned, strict=True), start=1):
            leader = next(officers[m["inspector_id"]] for m in v["team"] if m["role"] == "带队")
            assert row[0] == n
            assert (row[1], row[3], row[4]) == (v["date"], v["name"], v["uscc"])
            assert row[6].split("\n") == [items[c] for c in v["items"]]
            assert row[8] == leader.name and row[10] == (leader.phone or None)
            assert row[9].split("\n") == [f"{officers[m['inspector_id']].name}（{officers[m['inspector_id']].cert_no}）"
                                          for m in v["team"]]
        summary = wb[SUMMARY_SHEET]
        assert summary.cell(summary.max_row, 1).value == "合计"
        assert summary.cell(summary.max_row, summary.max_column).value == len(planned)


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
    assert ws["A1"].value.startswith(f"{township} {ctx.round_name} 检查安排")
    assert ws.column_dimensions["D"].width >= 20  # enterprise names fit
    assert all(ws.cell(3, c).border.left.style == "thin" for c in range(1, 12))


def test_a_township_without_visits_gets_a_clear_workbook(ctx: ExportContext) -> None:
    wb = openpyxl.load_workbook(io.BytesIO(township_workbook(ctx, "不存在镇")))
    ws = wb[LIST_SHEET]
    assert ws["A1"].value.endswith("（共 0 户）")
    assert ws["A3"].value == "本轮次本乡镇（街道）无检查安排。"


def test_workbooks_are_deterministic(ctx: ExportContext) -> None:
    township = ctx.townships[0]
    assert township_workbook(ctx, township) == township_workbook(ctx, township)
