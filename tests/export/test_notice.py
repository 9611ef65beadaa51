"""The public notices: every column of every row against plan.json, the
draw folder, the rosters and the entered results; signed and naming the
implementing authorities by their full names; no inspector's personal data
in any public file."""

from __future__ import annotations

import dataclasses
import hashlib
import importlib.util
import io
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet
from raw_inputs import Raw, cells, verification_rows
from workbook_text import workbook_texts

from scheduler.agencies import BUILTIN, AgencyDirectory
from scheduler.export.checkpoint import AuditCheckpoint
from scheduler.export.context import ExportContext, build_context
from scheduler.export.notice import (
    PUBLIC_FOLDER,
    RESULT_SHEETS,
    TASK_SHEETS,
    results_file,
    results_notice,
    task_file,
    task_notice,
)
from scheduler.io import Report
from scheduler.io.rosters import read_agencies
from scheduler.results import VOCABULARY

JOINT, SINGLE = "双随机抽查（跨部门联合检查）", "双随机抽查"
NO_PROBLEM = "未发现问题"


def drawn(raw: Raw) -> list[dict[str, Any]]:
    return sorted([*raw.plan["visits"], *raw.plan["unassigned"]], key=lambda v: (v["township"], v["name"], v["uscc"]))


def percent(ratio: str) -> str:
    return format((Decimal(ratio) * 100).normalize(), "f") + "%"


def test_task_notice_is_signed_and_names_the_authorities_in_full(demo: Path, raw: Raw) -> None:
    wb = openpyxl.load_workbook(demo / "exports" / PUBLIC_FOLDER / task_file(raw.plan["round"]["name"]))
    paragraphs = [c.value for c in wb[TASK_SHEETS[0]]["A"]]
    assert paragraphs[0] == "2026年第四季度跨部门联合抽查任务公告\n示例县联抽〔2026〕4号"
    agencies = sorted({a for v in drawn(raw) for a in v["agencies"]})
    others = "、".join(raw.full[a] for a in agencies if a != "SCJG")
    assert paragraphs[1] == (f"根据“双随机、一公开”监管工作要求，示例县市场监督管理局会同{others}开展"
                             "2026年第四季度跨部门联合抽查（示例县联抽〔2026〕4号）。现将抽查任务公告如下：")
    assert "示例县消防救援大队" in others and "示例县生态环境局" in others
    assert paragraphs[-1] == "特此公告。\n\n示例县市场监督管理局\n2026-10-12"
    text = "\n".join(paragraphs)
    assert f"共抽中 {len(drawn(raw))} 户企业、{sum(len(v['items']) for v in drawn(raw))} 个事项户次" in text
    assert f"其中 {sum(len(v['agencies']) > 1 for v in drawn(raw))} 户涉及多个部门的事项" in text
    assert f"本次抽查共 {len(raw.rule['items'])} 个事项，涉及 {len(agencies)} 个部门" in text
    assert "2026-10-12 至 2026-12-25" in text and "20 个工作日内" in text and "市场监管会同" not in text


def test_task_notice_lists_every_drawn_enterprise(demo: Path, raw: Raw) -> None:
    wb = openpyxl.load_workbook(demo / "exports" / PUBLIC_FOLDER / task_file(raw.plan["round"]["name"]))
    assert wb.sheetnames == ["公告", "抽查名单", "抽查事项", "抽取复核"]
    ws = wb["抽查名单"]
    assert ws["A1"].value == f"2026年第四季度跨部门联合抽查 抽查名单（共 {len(drawn(raw))} 户，检查时间 2026-10-12 至 2026-12-25）"
    assert [c.value for c in ws[2]] == ["序号", "企业名称", "统一社会信用代码", "乡镇街道", "抽查事项", "检查实施机关", "检查类型"]
    assert cells(ws) == [
        [n, raw.enterprises[v["uscc"]]["企业名称"], v["uscc"], raw.enterprises[v["uscc"]]["乡镇街道"],
         "\n".join(raw.items[c][0] for c in v["items"]), "、".join(raw.full[a] for a in v["agencies"]),
         JOINT if len(v["agencies"]) > 1 else SINGLE]
        for n, v in enumerate(drawn(raw), start=1)
    ]


def test_task_notice_items_and_verification(demo: Path, raw: Raw) -> None:
    wb = openpyxl.load_workbook(demo / "exports" / PUBLIC_FOLDER / task_file(raw.plan["round"]["name"]))
    ws = wb["抽查事项"]
    assert [c.value for c in ws[2]] == ["事项编码", "抽查事项", "检查实施机关", "检查对象范围", "A类比例", "B类比例", "C类比例",
                                        "D类比例", "抽中户数"]
    per_item = {code: sum(code in v["items"] for v in drawn(raw)) for code in raw.items}
    assert cells(ws) == [
        [it["code"], raw.items[it["code"]][0], raw.full[raw.items[it["code"]][1]], "、".join(it["target_tags"]) or "全部检查对象",
         *[percent(it["ratios"][c]) for c in "ABCD"], per_item[it["code"]]]
        for it in raw.rule["items"]
    ]
    assert sum(r[-1] for r in cells(ws)) == sum(len(v["items"]) for v in drawn(raw))

    rows = cells(wb["抽取复核"])
    assert rows[:-4] == verification_rows(raw)
    assert [r[0] for r in rows[-4:]] == ["如何复核", None, None, None] and "onevisit verify" in rows[-2][1]


def entered(raw: Raw) -> dict[str, list[dict[str, str]]]:
    """The demo's results CSV: rows with a result, by enterprise, in file order."""
    out: dict[str, list[dict[str, str]]] = {}
    for r in raw.results.to_dict("records"):
        if r["检查结果"]:
            out.setdefault(r["统一社会信用代码"], []).append(r)
    return out


def values(row: dict[str, str]) -> list[str]:
    return sorted(row["检查结果"].split("；"), key=VOCABULARY.index)


def test_results_notice_matches_the_entered_results(demo: Path, raw: Raw) -> None:
    wb = openpyxl.load_workbook(demo / "exports" / PUBLIC_FOLDER / results_file(raw.plan["round"]["name"]))
    assert wb.sheetnames == list(RESULT_SHEETS)
    by_uscc = entered(raw)
    published = [v for v in drawn(raw) if v["uscc"] in by_uscc]
    want: list[list[object]] = []
    detail: list[list[object]] = []
    for v in published:
        mine = by_uscc[v["uscc"]]
        found = {x for r in mine for x in values(r) if x != NO_PROBLEM}
        combined = [x for x in VOCABULARY if x in found] or [NO_PROBLEM]
        dates = sorted({r["实际检查日期"] or v["date"] for r in mine})
        name = raw.enterprises[v["uscc"]]["企业名称"]
        want.append([len(want) + 1, name, v["uscc"], "、".join(raw.full[a] for a in sorted({raw.items[r["事项编码"]][1] for r in mine})),
                     JOINT if len(v["agencies"]) > 1 else SINGLE, "、".join(dates), "；".join(combined)])
        for r in mine:
            detail.append([len(detail) + 1, name, v["uscc"], raw.items[r["事项编码"]][0], raw.full[raw.items[r["事项编码"]][1]],
                           r["实际检查日期"] or v["date"], "；".join(values(r))])
    ws = wb["结果公示"]
    assert ws["A1"].value == f"2026年第四季度跨部门联合抽查 抽查结果公示（{len(want)} 户）"
    assert [c.value for c in ws[2]] == ["序号", "企业名称", "统一社会信用代码", "检查实施机关", "检查类型", "检查日期", "检查结果"]
    assert cells(ws) == want
    assert any(r[6] == NO_PROBLEM for r in want) and any(r[6] != NO_PROBLEM for r in want)
    assert any("、" in str(r[3]) for r in want)  # an enterprise inspected by several authorities
    ws = wb["分事项结果"]
    assert [c.value for c in ws[2]] == ["序号", "企业名称", "统一社会信用代码", "抽查事项", "检查实施机关", "检查日期", "检查结果"]
    assert cells(ws) == detail
    partial = sum(len(by_uscc[v["uscc"]]) < len(v["items"]) for v in published)
    outcome = {x: sum(x in r[6].split("；") for r in want) for x in VOCABULARY}
    info = cells(wb["说明"])
    assert info[:5] == [["抽查轮次", raw.plan["round"]["name"]], ["抽中企业（户）", len(drawn(raw))], ["本次公示（户）", len(want)],
                        ["其中部分事项结果待录入（户）", partial], ["尚未录入结果（户）", len(drawn(raw)) - len(want)]]
    assert info[5][0] == "说明"
    assert info[6:] == [[f"检查结果：{x}（户）", n] for x, n in outcome.items() if n]
    assert len(drawn(raw)) - len(want) > 0


def test_task_notice_without_the_draw_folder_says_what_it_lacks(ctx: ExportContext) -> None:
    bare = build_context(ctx.plan, ctx.dataset)  # no --draw: no manifest, no rule
    wb = openpyxl.load_workbook(io.BytesIO(task_notice(bare)))
    text = "\n".join(str(c.value) for c in wb[TASK_SHEETS[0]]["A"])
    assert "随机数种子已随抽取结果公布" in text and "承诺值" not in text
    check = {r[0]: r[1] for r in cells(wb[TASK_SHEETS[3]]) if r[0]}
    assert check["随机数种子 S"] == ctx.plan.audit.seed and "未提供抽取结果文件夹" in check["说明"]
    items = cells(wb[TASK_SHEETS[2]])
    assert {r[2] for r in items} <= set(ctx.authorities.values()) and "示例县市场监督管理局" in {r[2] for r in items}
    with_draw = "\n".join(str(c.value) for c in openpyxl.load_workbook(io.BytesIO(task_notice(ctx)))[TASK_SHEETS[0]]["A"])
    assert "2 方（示例县市场监督管理局、示例县公证处）" in with_draw and "每户不少于 2 名执法人员" in with_draw


def test_without_full_names_the_short_name_signs(ctx: ExportContext) -> None:
    """A county without an agencies file: the built-in short names stand in."""
    short = dataclasses.replace(ctx, dataset=dataclasses.replace(ctx.dataset, agencies=AgencyDirectory()))
    paragraphs = [c.value for c in openpyxl.load_workbook(io.BytesIO(task_notice(short)))[TASK_SHEETS[0]]["A"]]
    assert paragraphs[-1].split("\n")[2] == "市场监管"


def test_agencies_file_gives_full_names(tmp_path: Path) -> None:
    path = tmp_path / "agencies.csv"
    path.write_text("部门代码,部门名称,部门全称,别名\nSCJG,市场监管,甲县市场监督管理局,市场监督管理局\nGAJ,公安,甲县公安局,\n",
                    encoding="utf-8")
    report = Report()
    directory = AgencyDirectory()
    for agency in read_agencies(path, report):
        directory.add(agency)
    assert report.ok
    assert directory.authorities()["SCJG"] == "甲县市场监督管理局" and directory.names()["SCJG"] == "市场监管"
    assert directory.authorities()["GAJ"] == "甲县公安局" and directory.authorities()["STHJ"] == "生态环境"
    found = directory.resolve("甲县公安局")
    assert found is not None and found.code == "GAJ"


def test_the_sample_county_ships_full_names(sample_dir: Path, tmp_path: Path) -> None:
    """data/sample/agencies.csv is what data/generate_county.py writes, and
    gives every sample agency its full name."""
    spec = importlib.util.spec_from_file_location("generate_county", sample_dir.parent / "generate_county.py")
    assert spec is not None and spec.loader is not None
    if "generate_county" not in sys.modules:
        module = importlib.util.module_from_spec(spec)
        sys.modules["generate_county"] = module  # dataclasses look the module up while it loads
        spec.loader.exec_module(module)
    gen = sys.modules["generate_county"]
    gen.write_agencies(tmp_path / "agencies.csv", BUILTIN[:8], "示例县")
    assert (tmp_path / "agencies.csv").read_bytes() == (sample_dir / "agencies.csv").read_bytes()
    report = Report()
    full = {a.code: a.full_name for a in read_agencies(sample_dir / "agencies.csv", report)}
    assert report.ok and full["SCJG"] == "示例县市场监督管理局" and full["XFJY"] == "示例县消防救援大队" and len(full) == 8


def personal_data_in(path: Path, ctx: ExportContext) -> list[tuple[str, str]]:
    """(kind, value) of every inspector's data a workbook shows: phones,
    certificate numbers and inspector numbers anywhere in a text; names as a
    text of their own or in the "姓名（…）" form the internal files use."""
    texts = workbook_texts(path)
    whole = set(texts)
    found = []
    for o in ctx.dataset.inspectors:
        for kind, value in (("phone", o.phone), ("cert_no", o.cert_no), ("id", o.id)):
            if value and any(value in t for t in texts):
                found.append((kind, value))
        if o.name in whole or any(f"{o.name}（" in t for t in texts):
            found.append(("name", o.name))
    return found


def test_no_public_file_carries_inspector_personal_data(demo: Path, ctx: ExportContext) -> None:
    public = sorted((demo / "exports" / PUBLIC_FOLDER).iterdir())
    assert [p.name for p in public] == sorted([task_file(ctx.round_name), results_file(ctx.round_name)])
    for path in public:
        assert personal_data_in(path, ctx) == [], path.name
        for ws in openpyxl.load_workbook(path):
            assert not {"信用风险分类", "信用等级", "电话", "联系电话", "执法证号"} & {c.value for c in ws[2]}, (path.name, ws.title)
    # Positive control: the same scan finds names and certificate numbers in a township workbook.
    township = personal_data_in(next((demo / "exports" / "乡镇街道").glob("*.xlsx")), ctx)
    assert {"name", "cert_no"} <= {kind for kind, _ in township} and len(township) > 10


def _inject(ws: Worksheet, place: str, text: str) -> None:
    if place == "cell":
        ws.cell(ws.max_row + 2, 1, text)
    elif place == "footer":
        ws.oddFooter.right.text = text
    else:
        ws.oddHeader.center.text = text


@pytest.mark.parametrize(("kind", "place", "form"), [
    ("name", "cell", "{}"), ("name", "cell", "{}（带队）"), ("name", "footer", "{}（带队）"),
    ("phone", "cell", "联系人电话 {}"), ("cert_no", "header", "证号{}"), ("id", "cell", "人员编号：{}"),
], ids=["name-cell", "name-with-role-cell", "name-with-role-footer", "phone-cell", "cert_no-header", "id-cell"])
def test_the_personal_data_check_finds_what_is_injected(demo: Path, ctx: ExportContext, tmp_path: Path,
                                                        kind: str, place: str, form: str) -> None:
    """Negative control: a copy of a public notice with one inspector's name,
    phone, certificate number or inspector number written into a cell, header
    or footer is reported, with exactly that value."""
    o = next(o for o in ctx.dataset.inspectors if o.phone)
    value = {"name": o.name, "phone": o.phone, "cert_no": o.cert_no, "id": o.id}[kind]
    wb = openpyxl.load_workbook(demo / "exports" / PUBLIC_FOLDER / results_file(ctx.round_name))
    _inject(wb[RESULT_SHEETS[1]], place, form.format(value))
    wb.save(tmp_path / "copy.xlsx")
    assert personal_data_in(tmp_path / "copy.xlsx", ctx) == [(kind, value)]


def test_notices_built_from_the_context_use_full_names(ctx: ExportContext) -> None:
    full = {"SCJG": "示例县市场监督管理局", "STHJ": "示例县生态环境局", "YJGL": "示例县应急管理局", "WSJK": "示例县卫生健康局",
            "ZFJS": "示例县住房和城乡建设局", "JTYS": "示例县交通运输局", "WHLY": "示例县文化和旅游局", "XFJY": "示例县消防救援大队"}
    wb = openpyxl.load_workbook(io.BytesIO(task_notice(ctx)))
    assert [c.value for c in wb["公告"]["A"]][-1].split("\n")[2] == "示例县市场监督管理局"
    listed = {a for r in cells(wb["抽查名单"]) for a in r[5].split("、")}
    assert listed == set(full.values())
    assert {r[2] for r in cells(wb["抽查事项"])} == set(full.values())
    wb = openpyxl.load_workbook(io.BytesIO(results_notice(ctx)))
    assert {a for r in cells(wb["结果公示"]) for a in r[3].split("、")} == set(full.values())
    assert {r[4] for r in cells(wb["分事项结果"])} == set(full.values())


CHECKPOINT = AuditCheckpoint(seq=42, entry_hash=hashlib.sha256(b"publish round").hexdigest(), at="2026-10-12T00:30:00.123456Z")
CHECKPOINT_ROWS = [
    ["审计日志检查点 (audit log checkpoint)", f"第 42 条，哈希 {CHECKPOINT.entry_hash}"],
    ["审计日志检查点时间 (checkpoint time, UTC)", "2026-10-12T00:30:00.123456Z"],
    ["审计日志检查点说明", "本公告发布时审计日志的最新条目；此后任何对日志的篡改都会使该哈希无法复现 "
                           "(the audit log's head when this notice was published)。"],
]


def test_notices_print_the_audit_checkpoint(ctx: ExportContext, raw: Raw) -> None:
    published = build_context(ctx.plan, ctx.dataset, ctx.draw, ctx.results, checkpoint=CHECKPOINT)
    rows = cells(openpyxl.load_workbook(io.BytesIO(task_notice(published)))[TASK_SHEETS[3]])
    assert rows[:-4] == verification_rows(raw) + CHECKPOINT_ROWS  # before the four how-to rows
    assert rows[-4][0] == "如何复核"
    info = cells(openpyxl.load_workbook(io.BytesIO(results_notice(published)))[RESULT_SHEETS[2]])
    assert info[-3:] == CHECKPOINT_ROWS
    assert info[:-3] == cells(openpyxl.load_workbook(io.BytesIO(results_notice(ctx)))[RESULT_SHEETS[2]])


def test_notices_without_a_checkpoint_do_not_mention_the_audit_log(demo: Path, ctx: ExportContext) -> None:
    assert ctx.checkpoint is None
    public = [path.read_bytes() for path in (demo / "exports" / PUBLIC_FOLDER).iterdir()]
    assert len(public) == 2
    for notice in (*public, task_notice(ctx), results_notice(ctx), task_notice(build_context(ctx.plan, ctx.dataset))):
        values = [str(c.value) for ws in openpyxl.load_workbook(io.BytesIO(notice)) for row in ws for c in row]
        assert not [v for v in values if "审计日志" in v]
