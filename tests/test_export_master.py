"""The master workbook: every sheet, read back against plan.json."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl

from scheduler.export.context import ExportContext
from scheduler.export.master import ALL_HEADERS, SHEETS, file_name


def test_master_workbook_matches_the_plan(demo: Path, ctx: ExportContext) -> None:
    wb = openpyxl.load_workbook(demo / "exports" / file_name(ctx.round_name))
    names = ctx.agency_names
    agencies = sorted({a for v in ctx.plan["visits"] for a in v["agencies"]})
    assert wb.sheetnames == [SHEETS[0], SHEETS[1], *[names[a] for a in agencies], *SHEETS[2:]]

    overview = {r[0].value: r[1].value for r in wb[SHEETS[0]].iter_rows(min_row=3)}
    st = ctx.plan["statistics"]
    assert overview["抽中企业（户）"] == st["visits"] and overview["已安排检查（户）"] == st["assigned"]
    assert overview["按抽取结果组队比例"] == f"{st['as_drawn_share']:.1%}"
    assert sum(overview[f"信用风险分类 {c}（户）"] for c in "ABCD") == st["visits"]

    ws = wb[SHEETS[1]]
    assert [c.value for c in ws[2]] == list(ALL_HEADERS)
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=3)]
    planned = sorted(ctx.plan["visits"], key=lambda v: (v["date"], v["township"], v["visit_id"]))
    assert [(r[1], r[4], r[5]) for r in rows] == [(v["date"], v["name"], v["uscc"]) for v in planned]
    assert [len(r[10].split("\n")) for r in rows] == [len(v["team"]) for v in planned]

    for agency in agencies:
        sheet = wb[names[agency]]
        involved = [v for v in planned if agency in v["agencies"]]
        assert [r[4].value for r in sheet.iter_rows(min_row=3)] == [v["uscc"] for v in involved]

    verification = {r[0].value: r[1].value for r in wb[SHEETS[4]].iter_rows(min_row=3)}
    manifest = json.loads((demo / "draw" / "manifest.json").read_text(encoding="utf-8"))
    assert verification["抽取规则 plan.json 的 SHA-256（P）"] == manifest["plan_sha256"]
    assert verification["抽取名单 frame.csv 的 SHA-256（D）"] == manifest["frame_sha256"]
    assert verification["随机数种子 S"] == manifest["seed"]

    workload = [[c.value for c in r] for r in wb[SHEETS[3]].iter_rows(min_row=3)]
    assert sum(r[3] for r in workload) == sum(len(v["team"]) for v in planned)
