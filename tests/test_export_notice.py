"""The public notices: contents against plan.json, the draw and the results,
row for row; and no inspector's personal data in any public file."""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path

import openpyxl

from scheduler.export.context import ExportContext, build_context
from scheduler.export.notice import (
    ITEM_HEADERS,
    LIST_HEADERS,
    PUBLIC_FOLDER,
    RESULT_HEADERS,
    RESULT_SHEETS,
    TASK_SHEETS,
    inspection_type,
    results_file,
    task_file,
    task_notice,
)
from scheduler.results import NO_PROBLEM, combine


def _rows(ws: openpyxl.worksheet.worksheet.Worksheet) -> list[list[object]]:
    return [[c.value for c in r] for r in ws.iter_rows(min_row=3)]


def test_task_notice_lists_every_drawn_enterprise_and_the_rule(demo: Path, ctx: ExportContext) -> None:
    wb = openpyxl.load_workbook(demo / "exports" / PUBLIC_FOLDER / task_file(ctx.round_name))
    assert wb.sheetnames == list(TASK_SHEETS)
    text = "\n".join(str(c.value) for c in wb[TASK_SHEETS[0]]["A"])
    assert "2026年第四季度跨部门联合抽查任务公告" in text and "示例县联抽〔2026〕4号" in text
    drawn = [*ctx.plan["visits"], *ctx.plan["unassigned"]]
    assert f"共抽中 {len(drawn)} 户企业" in text and "20 个工作日内" in text

    ws = wb[TASK_SHEETS[1]]
    assert [c.value for c in ws[2]] == list(LIST_HEADERS)
    assert "检查时间 2026-10-12 至 2026-12-25" in ws["A1"].value
    names, items = ctx.agency_names, {i.code: i.name for i in ctx.dataset.items}
    want = [[n, v["name"], v["uscc"], v["township"], "\n".join(items[c] for c in v["items"]),
             "、".join(names[a] for a in v["agencies"]), inspection_type(v["agencies"])]
            for n, v in enumerate(sorted(drawn, key=lambda v: (v["township"], v["name"], v["uscc"])), start=1)]
    assert _rows(ws) == want

    selection = (demo / "draw" / "selection.csv").read_text(encoding="utf-8").splitlines()[1:]
    per_item: dict[str, int] = {}
    for line in selection:
        per_item[line.split(",")[0]] = per_item.get(line.split(",")[0], 0) + 1
    rule = json.loads((demo / "draw" / "plan.json").read_text(encoding="utf-8"))
    ws = wb[TASK_SHEETS[2]]
    assert [c.value for c in ws[2]] == list(ITEM_HEADERS)
    rows = _rows(ws)
    assert [r[0] for r in rows] == [i["code"] for i in rule["items"]]
    assert [r[8] for r in rows] == [per_item.get(i["code"], 0) for i in rule["items"]]
    first = rule["items"][0]["ratios"]
    assert rows[0][4:8] == [f"{float(first[c]) * 100:g}%" for c in "ABCD"]

    manifest = json.loads((demo / "draw" / "manifest.json").read_text(encoding="utf-8"))
    check = {r[0]: r[1] for r in _rows(wb[TASK_SHEETS[3]]) if r[0]}
    assert check["抽取规则 plan.json 的 SHA-256（P）"] == manifest["plan_sha256"]
    assert check["抽取名单 frame.csv 的 SHA-256（D）"] == manifest["frame_sha256"]
    assert check["随机数种子 S"] == manifest["seed"] and check["公开随机源"] == manifest["seed_inputs"]["beacon"]
    for c in rule["seed"]["commitments"]:
        assert check[f"事先公布的承诺值：{c['party']}"] == c["sha256"]
    assert "onevisit verify" in "".join(str(r[1]) for r in _rows(wb[TASK_SHEETS[3]]))


def test_results_notice_matches_the_entered_results(demo: Path, ctx: ExportContext) -> None:
    wb = openpyxl.load_workbook(demo / "exports" / PUBLIC_FOLDER / results_file(ctx.round_name))
    assert wb.sheetnames == list(RESULT_SHEETS)
    ws = wb[RESULT_SHEETS[0]]
    assert [c.value for c in ws[2]] == list(RESULT_HEADERS)
    rows = _rows(ws)
    by_uscc: dict[str, list] = {}
    for r in ctx.results:
        by_uscc.setdefault(r.uscc, []).append(r)
    drawn = {v["uscc"]: v for v in [*ctx.plan["visits"], *ctx.plan["unassigned"]]}
    assert sorted(r[2] for r in rows) == sorted(by_uscc)
    item_agency = {i.code: i.agency for i in ctx.dataset.items}
    for _n, name, uscc, agencies, kind, date, result in rows:
        mine = by_uscc[uscc]
        assert name == drawn[uscc]["name"] and kind == inspection_type(drawn[uscc]["agencies"])
        assert agencies == "、".join(ctx.agency_names[a] for a in sorted({item_agency[r.item] for r in mine}))
        assert date == drawn[uscc]["date"]  # the demo enters no other dates
        assert result == "；".join(combine([r.values for r in mine]))
    assert any(r[6] == NO_PROBLEM for r in rows) and any(r[6] != NO_PROBLEM for r in rows)
    detail = _rows(wb[RESULT_SHEETS[1]])
    assert len(detail) == len(ctx.results)
    info = {r[0]: r[1] for r in _rows(wb[RESULT_SHEETS[2]])}
    assert info["本次公示（户）"] == len(rows)
    assert info["尚未录入结果（户）"] == len(drawn) - len(rows) > 0


def _strings(path: Path) -> str:
    """Every text of a file: for a workbook, the XML of all its parts."""
    if path.suffix == ".xlsx":
        with zipfile.ZipFile(path) as z:
            return "\n".join(z.read(n).decode("utf-8") for n in z.namelist())
    return path.read_text(encoding="utf-8")


def _personal_data_in(path: Path, ctx: ExportContext) -> list[str]:
    """Phones, certificate numbers and inspector numbers anywhere; names as a
    cell of their own or in the "姓名（…）" form the internal files use."""
    text = _strings(path)
    cells = set(re.findall(r"<t[^>]*>([^<]*)</t>", text))
    found = []
    for o in ctx.dataset.inspectors:
        for value in (o.phone, o.cert_no, o.id):
            if value and value in text:
                found.append(value)
        if o.name in cells or f"{o.name}（" in text:
            found.append(o.name)
    return found


def test_no_public_file_carries_inspector_personal_data(demo: Path, ctx: ExportContext) -> None:
    public = sorted((demo / "exports" / PUBLIC_FOLDER).iterdir())
    assert [p.name for p in public] == sorted([task_file(ctx.round_name), results_file(ctx.round_name)])
    for path in public:
        assert _personal_data_in(path, ctx) == [], path.name
        for ws in openpyxl.load_workbook(path):
            assert not {"信用风险分类", "信用等级", "电话", "联系电话", "执法证号"} & {c.value for c in ws[2]}, (path.name, ws.title)
    # Negative control: the same scan finds phones and certificate numbers in a township workbook.
    township = next((demo / "exports" / "乡镇街道").glob("*.xlsx"))
    assert len(_personal_data_in(township, ctx)) > 10


def test_task_notice_without_the_draw_folder_says_what_it_lacks(ctx: ExportContext) -> None:
    bare = build_context(ctx.plan, ctx.dataset)  # no --draw: no manifest, no rule
    wb = openpyxl.load_workbook(io.BytesIO(task_notice(bare)))
    text = "\n".join(str(c.value) for c in wb[TASK_SHEETS[0]]["A"])
    assert "随机数种子已随抽取结果公布" in text and "承诺值" not in text
    check = {r[0]: r[1] for r in _rows(wb[TASK_SHEETS[3]]) if r[0]}
    assert check["随机数种子 S"] == ctx.plan["audit"]["seed"] and "未提供抽取结果文件夹" in check["说明"]
    with_draw = "\n".join(str(c.value) for c in openpyxl.load_workbook(io.BytesIO(task_notice(ctx)))[TASK_SHEETS[0]]["A"])
    assert "2 方（示例县市场监督管理局、示例县公证处）" in with_draw and "每户不少于 2 名执法人员" in with_draw
