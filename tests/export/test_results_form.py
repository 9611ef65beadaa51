"""The results form: one row per visit and item, every column against
plan.json and the rosters; the vocabulary and the drop-down list."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
from raw_inputs import Raw, cells

from scheduler import planfile
from scheduler.export.context import ExportContext, build_context
from scheduler.export.results_form import file_name, results_form
from scheduler.results import VOCABULARY

HEADERS = ["检查编号", "计划检查日期", "乡镇街道", "企业名称", "统一社会信用代码", "事项编码", "抽查事项", "检查实施机关",
           "带队人员", "检查结果", "实际检查日期", "备注"]


def expected(raw: Raw, plan: dict) -> list[list[object]]:
    scheduled = sorted(plan["visits"], key=lambda v: (v["date"], v["township"], v["visit_id"]))
    unassigned = sorted(plan["unassigned"], key=lambda v: (v["township"], v["visit_id"]))
    rows: list[list[object]] = []
    for v in [*scheduled, *unassigned]:
        leader = raw.leader(v).name if "team" in v else None
        for code in v["items"]:
            rows.append([v["visit_id"], v.get("date", "未安排"), v["township"], raw.enterprises[v["uscc"]]["企业名称"], v["uscc"],
                         code, raw.items[code][0], raw.full[raw.items[code][1]], leader, None, None, None])
    return rows


def test_results_form_matches_the_plan_and_rosters(demo: Path, raw: Raw) -> None:
    wb = openpyxl.load_workbook(demo / "exports" / file_name(raw.plan["round"]["name"]))
    assert wb.sheetnames == ["检查结果录入", "结果类别", "填写说明"]
    ws = wb["检查结果录入"]
    want = expected(raw, raw.plan)
    assert ws["A1"].value == f"2026年第四季度跨部门联合抽查 检查结果录入表（{len(want)} 个事项户次）"
    assert [c.value for c in ws[2]] == HEADERS
    assert cells(ws) == want and len(want) == sum(len(v["items"]) for v in raw.plan["visits"])
    (check,) = ws.data_validations.dataValidation
    assert str(check.sqref) == f"J3:J{2 + len(want)}" and check.formula1 == f"'结果类别'!$A$3:$A${2 + len(VOCABULARY)}"
    assert cells(wb["结果类别"]) == [[v] for v in VOCABULARY]
    assert VOCABULARY[0] == "未发现问题" and "发现问题经责令已改正" in VOCABULARY and len(VOCABULARY) == 14
    help_rows = cells(wb["填写说明"])
    assert [r[0] for r in help_rows] == list(range(1, len(help_rows) + 1)) and "onevisit export" in help_rows[-1][1]


def test_unassigned_visits_come_last_without_a_date(ctx: ExportContext, raw: Raw) -> None:
    plan = raw.plan
    off = {v["visit_id"] for v in raw.visits()[:3]}
    unassigned = [{k: v[k] for k in ("visit_id", "uscc", "name", "township", "items", "agencies")} | {"reasons": ["人员不足"]}
                  for v in plan["visits"] if v["visit_id"] in off]
    changed = dict(plan, visits=[v for v in plan["visits"] if v["visit_id"] not in off], unassigned=unassigned)
    rows = cells(openpyxl.load_workbook(io.BytesIO(results_form(build_context(planfile.from_json(changed), ctx.dataset))))["检查结果录入"])
    assert rows == expected(raw, changed)
    assert {r[1] for r in rows[-sum(len(u["items"]) for u in unassigned):]} == {"未安排"}
