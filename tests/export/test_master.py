"""The master workbook: every column of every row of every sheet against
plan.json, the rosters and the draw folder."""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter
from pathlib import Path
from typing import Any

import chinese_calendar
import openpyxl
from raw_inputs import WEEKDAY_NAMES, Raw, cells, verification_rows

from scheduler import planfile
from scheduler.export.context import ExportContext, build_context
from scheduler.export.master import file_name, master_workbook

ALL = ["序号", "检查日期", "星期", "乡镇街道", "企业名称", "统一社会信用代码", "信用风险分类", "检查事项", "参与部门", "带队人员", "检查组成员"]
PER_AGENCY = ["序号", "检查日期", "乡镇街道", "企业名称", "统一社会信用代码", "本部门检查事项", "本部门检查人员"]
UNASSIGNED = ["检查编号", "乡镇街道", "企业名称", "统一社会信用代码", "检查事项", "参与部门", "未安排原因"]
WORKLOAD = ["人员编号", "姓名", "部门", "检查户数", "带队户数", "检查天数", "首次检查日期", "末次检查日期", "最忙的一周", "该周检查天数", "该周检查户数"]
WEEKS = ["周次", "起止日期（工作日）", "工作日天数", "检查户数", "均衡份额（户）", "与均衡份额之比"]


def iso_week(day: str) -> str:
    year, week, _ = dt.date.fromisoformat(day).isocalendar()
    return f"{year}-W{week:02d}"


def busiest(days: list[tuple[str, str]]) -> list[object]:
    """The week with the most inspection days, then the most visits, then the earliest."""
    per: dict[str, list[str]] = {}
    for d, _ in days:
        per.setdefault(iso_week(d), []).append(d)
    week = min(per, key=lambda w: (-len(set(per[w])), -len(per[w]), w))
    return [week, len(set(per[week])), len(per[week])]


def overview(raw: Raw, plan: dict[str, Any]) -> list[list[object]]:
    visits, unassigned = plan["visits"], plan["unassigned"]
    pairs = sum(len(v["items"]) for v in visits)
    joint = sum(len(v["items"]) for v in visits if len(v["agencies"]) > 1)
    by_class = Counter(raw.enterprises[v["uscc"]]["信用风险分类"] for v in visits)
    by_town = Counter(v["township"] for v in visits)
    by_agency = Counter(a for v in visits for a in v["agencies"])
    return [
        ["抽查轮次", plan["round"]["name"]], ["实施期限", "2026-10-12 至 2026-12-25"], ["发起部门", raw.short["SCJG"]],
        ["抽中企业（户）", len(visits) + len(unassigned)], ["已安排检查（户）", len(visits)], ["未安排（户）", len(unassigned)],
        ["抽查事项户次", pairs], ["跨部门联合抽查占比", f"{joint / pairs:.1%}"],
        ["按抽取结果组队比例", f"{plan['statistics']['as_drawn_share']:.1%}"], ["参与部门数", len(by_agency)],
        ["每名执法人员每周最多检查日", plan["round"]["workload"]["max_days_per_week"]],
        ["每名执法人员每月最多检查日", plan["round"]["workload"]["max_days_per_month"] or "不限"],
        ["最忙一周与均衡份额之比", round(plan["statistics"]["busiest_week_ratio"], 2)],
        *[[f"信用风险分类 {c}（户）", by_class[c]] for c in "ABCD"],
        *[[f"乡镇街道：{t}（户）", by_town[t]] for t in raw.townships],
        *[[f"部门：{raw.short[a]}（户）", n] for a, n in sorted(by_agency.items())],
    ]


def test_master_workbook_matches_the_plan_and_rosters(demo: Path, raw: Raw) -> None:
    name = raw.plan["round"]["name"]
    wb = openpyxl.load_workbook(demo / "exports" / file_name(name))
    visits = raw.visits()
    agencies = sorted({a for v in visits for a in v["agencies"]})
    assert wb.sheetnames == ["总览", "全部检查", *[raw.short[a] for a in agencies], "未安排", "人员工作量", "每周安排", "抽取复核"]

    assert cells(wb["总览"]) == overview(raw, raw.plan)
    assert cells(wb["总览"])[15][1] > 0  # class C enterprises drawn: the class column is read from the roster

    ws = wb["全部检查"]
    assert [c.value for c in ws[2]] == ALL
    assert cells(ws) == [
        [n, v["date"], WEEKDAY_NAMES[dt.date.fromisoformat(v["date"]).weekday()], v["township"],
         raw.enterprises[v["uscc"]]["企业名称"], v["uscc"], raw.enterprises[v["uscc"]]["信用风险分类"],
         "\n".join(raw.items[c][0] for c in v["items"]), "、".join(raw.short[a] for a in v["agencies"]), raw.leader(v).name,
         "\n".join(f"{raw.officers[m['inspector_id']].name}（{raw.short[raw.officers[m['inspector_id']].agency]}，{m['role']}）"
                   for m in v["team"])]
        for n, v in enumerate(visits, start=1)
    ]

    for agency in agencies:
        ws = wb[raw.short[agency]]
        assert ws["A1"].value == f"{name} {raw.short[agency]}" and [c.value for c in ws[2]] == PER_AGENCY
        mine = [v for v in visits if agency in v["agencies"]]
        assert cells(ws) == [
            [n, v["date"], v["township"], raw.enterprises[v["uscc"]]["企业名称"], v["uscc"],
             "\n".join(raw.items[c][0] for c in v["items"] if raw.items[c][1] == agency),
             "、".join(raw.officers[m["inspector_id"]].name for m in v["team"] if raw.officers[m["inspector_id"]].agency == agency)]
            for n, v in enumerate(mine, start=1)
        ]

    assert [c.value for c in wb["未安排"][2]] == UNASSIGNED
    assert cells(wb["未安排"]) == [["无", *[None] * 6]]  # the demo assigns every visit

    ws = wb["人员工作量"]
    assert [c.value for c in ws[2]] == WORKLOAD
    work: dict[str, list[tuple[str, str]]] = {}
    for v in visits:
        for m in v["team"]:
            work.setdefault(m["inspector_id"], []).append((v["date"], m["role"]))
    assert cells(ws) == [
        [i, raw.officers[i].name, raw.short[raw.officers[i].agency], len(days), sum(r == "带队" for _, r in days),
         len({d for d, _ in days}), min(d for d, _ in days), max(d for d, _ in days), *busiest(days)]
        for i, days in sorted(work.items())
    ]

    ws = wb["每周安排"]
    assert [c.value for c in ws[2]] == WEEKS
    rows = cells(ws)
    per_week = Counter(iso_week(v["date"]) for v in visits)
    workdays = [d for d in (dt.date(2026, 10, 12) + dt.timedelta(k) for k in range(75)) if chinese_calendar.is_workday(d)]
    assert [r[0] for r in rows] == sorted({iso_week(d.isoformat()) for d in workdays})
    for week, span, n_days, n_visits, even, ratio in rows:
        mine = [d for d in workdays if iso_week(d.isoformat()) == week]
        assert (span, n_days, n_visits) == (f"{mine[0]} 至 {mine[-1]}", len(mine), per_week[week])
        assert abs(even - len(visits) * len(mine) / len(workdays)) < 1e-3 and abs(ratio - n_visits / even) < 2e-3
    assert max(float(r[5]) for r in rows) <= 1.5  # the round runs through its window: no week holds 1.5 × its share

    rows = cells(wb["抽取复核"])
    assert rows[:-4] == verification_rows(raw) and rows[-4][0] == "如何复核"


def test_unassigned_visits_are_listed_with_their_reasons(ctx: ExportContext, raw: Raw) -> None:
    """The demo assigns every visit: take two off the schedule with reasons."""
    plan = raw.plan
    off = [v["visit_id"] for v in raw.visits()[:2]]
    reasons = ["消防救援：无可用执法人员（请假）", "带队人员不足"]
    unassigned = [{"visit_id": v["visit_id"], "uscc": v["uscc"], "name": v["name"], "township": v["township"],
                   "items": v["items"], "agencies": v["agencies"], "reasons": reasons[:n + 1]}
                  for n, v in enumerate(v for v in plan["visits"] if v["visit_id"] in off)]
    statistics = dict(plan["statistics"], assigned=len(plan["visits"]) - 2, unassigned=2)
    changed = dict(plan, visits=[v for v in plan["visits"] if v["visit_id"] not in off], unassigned=unassigned, statistics=statistics)
    wb = openpyxl.load_workbook(io.BytesIO(master_workbook(build_context(planfile.from_json(changed), ctx.dataset))))
    assert cells(wb["未安排"]) == [
        [u["visit_id"], u["township"], raw.enterprises[u["uscc"]]["企业名称"], u["uscc"], "\n".join(raw.items[c][0] for c in u["items"]),
         "、".join(raw.short[a] for a in u["agencies"]), "\n".join(u["reasons"])]
        for u in unassigned
    ]
    assert cells(wb["总览"])[:6] == overview(raw, changed)[:6]
    assert cells(wb["总览"])[5] == ["未安排（户）", 2]
