"""The master workbook (联合抽查总表) for the planning office: an overview,
every visit, one sheet per agency, the unassigned visits with reasons, the
workload per inspector (with their busiest week), the visits per week of the
window and the draw's verification data."""

from __future__ import annotations

from collections import Counter

from scheduler.export.context import ExportContext
from scheduler.export.verification import verification_rows
from scheduler.export.workbook import (
    WEEKDAYS,
    new_workbook,
    table_sheet,
    workbook_bytes,
)
from scheduler.weeks import OfficerWeek

ALL_HEADERS = ("序号", "检查日期", "星期", "乡镇街道", "企业名称", "统一社会信用代码", "信用风险分类", "检查事项",
               "参与部门", "带队人员", "检查组成员")
AGENCY_HEADERS = ("序号", "检查日期", "乡镇街道", "企业名称", "统一社会信用代码", "本部门检查事项", "本部门检查人员")
UNASSIGNED_HEADERS = ("检查编号", "乡镇街道", "企业名称", "统一社会信用代码", "检查事项", "参与部门", "未安排原因")
WORKLOAD_HEADERS = ("人员编号", "姓名", "部门", "检查户数", "带队户数", "检查天数", "首次检查日期", "末次检查日期",
                    "最忙的一周", "该周检查天数", "该周检查户数")
WEEK_HEADERS = ("周次", "起止日期（工作日）", "工作日天数", "检查户数", "均衡份额（户）", "与均衡份额之比")
SHEETS = ("总览", "全部检查", "未安排", "人员工作量", "每周安排", "抽取复核")


def file_name(round_name: str) -> str:
    return f"{round_name}_联合抽查总表.xlsx"


def master_workbook(ctx: ExportContext) -> bytes:
    plan, names = ctx.plan, ctx.agency_names
    rnd, st = plan.round, plan.statistics
    footer = f"抽取复核码 {ctx.verification}"
    classes = dict(zip(ctx.dataset.enterprises["uscc"], ctx.dataset.enterprises["credit_class"], strict=True))
    item_agency = {i.code: i.agency for i in ctx.dataset.items}
    item_name = {i.code: i.name for i in ctx.dataset.items}
    raw = {v.visit_id: v for v in plan.visits}
    wb = new_workbook()

    pairs = sum(len(v.items) for v in plan.visits)
    joint = sum(len(v.items) for v in plan.visits if len(v.agencies) > 1)
    overview: list[list[object]] = [
        ["抽查轮次", ctx.round_name],
        ["实施期限", f"{rnd.start} 至 {rnd.end}"],
        ["发起部门", names.get(rnd.lead_agency, rnd.lead_agency)],
        ["抽中企业（户）", st.visits],
        ["已安排检查（户）", st.assigned],
        ["未安排（户）", st.unassigned],
        ["抽查事项户次", pairs],
        ["跨部门联合抽查占比", f"{joint / pairs:.1%}" if pairs else "—"],
        ["按抽取结果组队比例", f"{st.as_drawn_share:.1%}"],
        ["参与部门数", len({a for v in plan.visits for a in v.agencies})],
        ["每名执法人员每周最多检查日", rnd.max_days_per_week],
        ["每名执法人员每月最多检查日", rnd.max_days_per_month or "不限"],
        ["最忙一周与均衡份额之比", round(st.busiest_week_ratio, 2) if st.weeks else "—"],
    ]
    by_class = Counter(classes.get(v.uscc, "") for v in plan.visits)
    overview += [[f"信用风险分类 {c}（户）", by_class.get(c, 0)] for c in "ABCD"]
    by_town = Counter(v.township for v in plan.visits)
    overview += [[f"乡镇街道：{t}（户）", by_town.get(t, 0)] for t in ctx.townships]
    by_agency = Counter(a for v in plan.visits for a in v.agencies)
    overview += [[f"部门：{names.get(a, a)}（户）", n] for a, n in sorted(by_agency.items())]
    table_sheet(wb, SHEETS[0], f"{ctx.round_name} 总览", ("项目", "数值"), overview, footer)

    all_rows: list[list[object]] = []
    for n, v in enumerate(ctx.visits, start=1):
        all_rows.append([n, v.date.isoformat(), WEEKDAYS[v.date.weekday()], v.township, v.name, v.uscc,
                         classes.get(v.uscc, ""), "\n".join(v.items), "、".join(v.agencies), v.leader.name,
                         "\n".join(f"{o.name}（{names.get(o.agency, o.agency)}，{role}）" for o, role in v.team)])
    table_sheet(wb, SHEETS[1], f"{ctx.round_name} 全部检查安排", ALL_HEADERS, all_rows, footer, centered=(1, 2, 3, 7))

    for agency in sorted(by_agency):
        rows: list[list[object]] = []
        for v in ctx.visits:
            r = raw[v.visit_id]
            if agency not in r.agencies:
                continue
            mine = [item_name[c] for c in r.items if item_agency.get(c) == agency]
            team = [o.name for o, _ in v.team if o.agency == agency]
            rows.append([len(rows) + 1, v.date.isoformat(), v.township, v.name, v.uscc, "\n".join(mine), "、".join(team)])
        table_sheet(wb, names.get(agency, agency), f"{ctx.round_name} {names.get(agency, agency)}", AGENCY_HEADERS, rows,
               footer, centered=(1, 2))

    unassigned = [[u.visit_id, u.township, u.name, u.uscc, "\n".join(item_name.get(c, c) for c in u.items),
                   "、".join(names.get(a, a) for a in u.agencies), "\n".join(u.reasons)] for u in plan.unassigned]
    table_sheet(wb, SHEETS[2], f"{ctx.round_name} 未安排的检查及原因", UNASSIGNED_HEADERS, unassigned, footer)

    work: dict[str, list[tuple[str, str]]] = {}
    for v in ctx.visits:
        for o, role in v.team:
            work.setdefault(o.id, []).append((v.date.isoformat(), role))
    officers = {o.id: o for o in ctx.dataset.inspectors}
    busiest = st.officer_busiest_weeks
    workload = [[oid, officers[oid].name, names.get(officers[oid].agency, officers[oid].agency), len(days),
                 sum(role == "带队" for _, role in days), len({d for d, _ in days}), min(d for d, _ in days),
                 max(d for d, _ in days), *_busiest(busiest.get(oid))] for oid, days in sorted(work.items())]
    table_sheet(wb, SHEETS[3], f"{ctx.round_name} 执法人员工作量", WORKLOAD_HEADERS, workload, footer,
                centered=(4, 5, 6, 7, 8, 9, 10, 11))

    weeks = [[w.week, f"{w.first} 至 {w.last}", w.working_days, w.visits, w.even_share, w.ratio] for w in st.weeks]
    table_sheet(wb, SHEETS[4], f"{ctx.round_name} 每周检查安排（均衡份额 = 总户数 × 本周工作日 / 期限内工作日）", WEEK_HEADERS,
                weeks, footer, centered=(1, 3, 4, 5, 6))

    table_sheet(wb, SHEETS[5], f"{ctx.round_name} 抽取复核信息", ("项目", "内容"), verification_rows(ctx), footer)
    return workbook_bytes(wb, ctx.stamp)


def _busiest(week: OfficerWeek | None) -> list[object]:
    return ["—", "", ""] if week is None else [week.week, week.days, week.visits]
