"""The public notices (公示): the task notice (抽查任务公告), published when
the draw is made, and the results notice (抽查结果公示), published once
results are entered.

Public files carry what the publicity system shows and nothing about the
people who inspect: no inspector names, numbers, phones or certificate
numbers, and no enterprise's credit risk class (which is not public).  The
task notice gives the round's window, not each enterprise's date: the
enterprise learns its date from the inspection notice sent to it.
"""

from __future__ import annotations

import math
from collections import Counter
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment
from openpyxl.worksheet.worksheet import Worksheet

from scheduler.export.checkpoint import checkpoint_rows
from scheduler.export.context import ExportContext
from scheduler.export.verification import verification_rows
from scheduler.export.workbook import (
    BODY_FONT,
    CENTER,
    TITLE_FONT,
    new_workbook,
    print_setup,
    table_sheet,
    workbook_bytes,
)
from scheduler.plan import ScheduledVisit, Unassigned
from scheduler.results import NO_PROBLEM, VOCABULARY, ItemResult, combine
from scheduler.textfmt import width

PUBLIC_FOLDER = "公示"
LIST_HEADERS = ("序号", "企业名称", "统一社会信用代码", "乡镇街道", "抽查事项", "检查实施机关", "检查类型")
ITEM_HEADERS = ("事项编码", "抽查事项", "检查实施机关", "检查对象范围", "A类比例", "B类比例", "C类比例", "D类比例", "抽中户数")
RESULT_HEADERS = ("序号", "企业名称", "统一社会信用代码", "检查实施机关", "检查类型", "检查日期", "检查结果")
ITEM_RESULT_HEADERS = ("序号", "企业名称", "统一社会信用代码", "抽查事项", "检查实施机关", "检查日期", "检查结果")
TASK_SHEETS = ("公告", "抽查名单", "抽查事项", "抽取复核")
RESULT_SHEETS = ("结果公示", "分事项结果", "说明")
TOP = Alignment(wrap_text=True, vertical="top")
JOINT, SINGLE = "双随机抽查（跨部门联合检查）", "双随机抽查"


def task_file(round_name: str) -> str:
    return f"{round_name}_抽查任务公告.xlsx"


def results_file(round_name: str) -> str:
    return f"{round_name}_抽查结果公示.xlsx"


def _drawn(ctx: ExportContext) -> list[ScheduledVisit | Unassigned]:
    """Every drawn enterprise (scheduled or not), by township and name."""
    return sorted([*ctx.plan.visits, *ctx.plan.unassigned], key=lambda v: (v.township, v.name, v.uscc))


def titled(round_name: str, what: str) -> str:
    """"…联合抽查" + "抽查任务公告" reads "…联合抽查任务公告"."""
    return round_name + (what[2:] if round_name.endswith("抽查") and what.startswith("抽查") else what)


def inspection_type(agencies: list[str] | tuple[str, ...]) -> str:
    return JOINT if len(agencies) > 1 else SINGLE


def _text_sheet(wb: Workbook, title: str, heading: str, paragraphs: list[str], footer: str) -> Worksheet:
    """A notice as text on A4 portrait: a heading and one wrapped cell per
    paragraph, with row heights for the wrapped lines."""
    ws = wb.create_sheet(title)
    ws.column_dimensions["A"].width = 72  # fits A4 portrait without scaling, whatever the default font
    ws.append([heading])
    ws["A1"].font, ws["A1"].alignment = TITLE_FONT, CENTER
    ws.row_dimensions[1].height = 36
    for n, text in enumerate(paragraphs, start=2):
        ws.cell(n, 1, text).font = BODY_FONT
        ws.cell(n, 1).alignment = TOP
        lines = sum(max(1, math.ceil(width(line) / 70)) for line in text.split("\n"))
        ws.row_dimensions[n].height = 15 * lines + 6
    print_setup(ws, None, footer)
    ws.page_setup.orientation = ws.ORIENTATION_PORTRAIT
    page = ws.oddFooter
    assert page is not None
    page.right.text, page.right.size, page.center.text = page.center.text, 8, None
    return ws


def _task_paragraphs(ctx: ExportContext) -> list[str]:
    names = ctx.authorities
    rnd = ctx.plan.round
    drawn = _drawn(ctx)
    agencies = sorted({a for v in drawn for a in v.agencies})
    lead = names.get(rnd.lead_agency, rnd.lead_agency)
    others = [names.get(a, a) for a in agencies if a != rnd.lead_agency]
    pairs = sum(len(v.items) for v in drawn)
    joint = sum(1 for v in drawn if len(v.agencies) > 1)
    window = f"{rnd.start} 至 {rnd.end}"
    code = f"（{rnd.code}）" if rnd.code else ""
    algorithm = ctx.rule.algorithm if ctx.rule else "onevisit-draw-sha256-v2"
    team = rnd.min_team_size
    commitments = ctx.rule.commitments if ctx.rule else ()
    if commitments:
        source = (f"随机数种子由事先公布承诺值的 {len(commitments)} 方（{'、'.join(c.party for c in commitments)}）"
                  "揭示的秘密值和事先无人知道的公开随机源共同生成")
    else:
        source = "随机数种子已随抽取结果公布"
    return [
        f"根据“双随机、一公开”监管工作要求，{lead}" + (f"会同{'、'.join(others)}" if others else "")
        + f"开展{rnd.name}{code}。现将抽查任务公告如下：",
        f"一、抽查事项及比例。本次抽查共 {len(ctx.rule.items) if ctx.rule else len({i for v in drawn for i in v.items})} "
        f"个事项，涉及 {len(agencies)} 个部门；各事项按企业信用风险分类确定抽查比例，信用风险越高比例越高，"
        "信用风险低的企业同样纳入抽取范围（不搞免于抽查）。详见“抽查事项”工作表。",
        f"二、抽查对象。从检查对象名录库中随机抽取，共抽中 {len(drawn)} 户企业、{pairs} 个事项户次；"
        f"其中 {joint} 户涉及多个部门的事项，由各部门组成联合检查组一次上门完成（进一次门、查多项事）。名单见“抽查名单”工作表。",
        f"三、实施期限。{window}。检查组将在检查前告知企业检查事项和需准备的材料；执法人员从各部门执法检查人员名录库中随机选派，"
        f"检查时出示执法证件，每户不少于 {team} 名执法人员。",
        f"四、抽取方法及复核。抽取采用公开算法 {algorithm}：{source}，"
        "各事项、各信用风险分类内按 SHA-256 票号从小到大抽取。规则、种子和每户抽中企业的票号均已公开，任何人都可以复算票号；"
        "企业信用风险分类不公开，含分类的抽取名单已封存并公布其 SHA-256，由监督方复核。方法见“抽取复核”工作表。",
        "五、结果公示。检查结果将自检查结束之日起 20 个工作日内通过国家企业信用信息公示系统向社会公示。",
        f"特此公告。\n\n{lead}\n{ctx.stamp.date().isoformat()}",
    ]


def task_notice(ctx: ExportContext) -> bytes:
    """抽查任务公告: the notice, the drawn list, the items and the draw's
    verification data."""
    names = ctx.authorities
    footer = f"抽取复核码 {ctx.verification}"
    item_name = {i.code: i.name for i in ctx.dataset.items}
    item_agency = {i.code: i.agency for i in ctx.dataset.items}
    wb = new_workbook()
    code = ctx.plan.round.code
    _text_sheet(wb, TASK_SHEETS[0], titled(ctx.round_name, "抽查任务公告") + (f"\n{code}" if code else ""), _task_paragraphs(ctx),
                footer)
    window = f"{ctx.plan.round.start} 至 {ctx.plan.round.end}"
    drawn = _drawn(ctx)
    rows = [[n, v.name, v.uscc, v.township, "\n".join(item_name.get(c, c) for c in v.items),
             "、".join(names.get(a, a) for a in v.agencies), inspection_type(v.agencies)]
            for n, v in enumerate(drawn, start=1)]
    table_sheet(wb, TASK_SHEETS[1], f"{ctx.round_name} 抽查名单（共 {len(drawn)} 户，检查时间 {window}）", LIST_HEADERS, rows,
                footer, centered=(1, 7))
    count = Counter(c for v in drawn for c in v.items)
    items: list[list[object]] = []
    if ctx.rule is not None:
        for it in ctx.rule.items:
            scope = "、".join(it.target_tags) or "全部检查对象"
            items.append([it.code, it.name, names.get(it.agency, it.agency_name), scope,
                          *[_percent(it.ratios[c]) for c in "ABCD"], count.get(it.code, 0)])
    else:
        for c in sorted(count):
            items.append([c, item_name.get(c, c), names.get(item_agency.get(c, ""), ""), "", "", "", "", "", count[c]])
    table_sheet(wb, TASK_SHEETS[2], f"{ctx.round_name} 抽查事项及比例", ITEM_HEADERS, items, footer, centered=(1, 5, 6, 7, 8, 9))
    table_sheet(wb, TASK_SHEETS[3], f"{ctx.round_name} 抽取复核信息", ("项目", "内容"), verification_rows(ctx, checkpoint=True),
                footer)
    return workbook_bytes(wb, ctx.stamp)


def _percent(ratio: Decimal) -> str:
    return f"{float(ratio) * 100:g}%"


def enterprise_results(ctx: ExportContext) -> list[tuple[ScheduledVisit | Unassigned, list[ItemResult]]]:
    """Each drawn enterprise with entered results, with those results."""
    by_uscc: dict[str, list[ItemResult]] = {}
    for r in ctx.results:
        by_uscc.setdefault(r.uscc, []).append(r)
    return [(v, by_uscc[v.uscc]) for v in _drawn(ctx) if v.uscc in by_uscc]


def _dates(results: list[ItemResult]) -> str:
    return "、".join(sorted({r.date.isoformat() for r in results}))


def results_notice(ctx: ExportContext) -> bytes:
    """抽查结果公示: one row per enterprise with the publicity system's
    fields, the per-item results, and a note on what is not yet entered."""
    names = ctx.authorities
    footer = f"抽取复核码 {ctx.verification}"
    item_name = {i.code: i.name for i in ctx.dataset.items}
    item_agency = {i.code: i.agency for i in ctx.dataset.items}
    entered = enterprise_results(ctx)
    wb = new_workbook()
    rows: list[list[object]] = []
    detail: list[list[object]] = []
    for v, results in entered:
        agencies = sorted({item_agency.get(r.item, "") for r in results})
        rows.append([len(rows) + 1, v.name, v.uscc, "、".join(names.get(a, a) for a in agencies),
                     inspection_type(v.agencies), _dates(results), "；".join(combine([r.values for r in results]))])
        for r in results:
            detail.append([len(detail) + 1, v.name, v.uscc, item_name.get(r.item, r.item),
                           names.get(item_agency.get(r.item, ""), ""), r.date.isoformat(), "；".join(r.values)])
    table_sheet(wb, RESULT_SHEETS[0], f"{ctx.round_name} 抽查结果公示（{len(rows)} 户）", RESULT_HEADERS, rows, footer,
                centered=(1, 6), empty="尚无已录入的检查结果。")
    table_sheet(wb, RESULT_SHEETS[1], f"{ctx.round_name} 分事项检查结果", ITEM_RESULT_HEADERS, detail, footer,
                centered=(1, 6), empty="尚无已录入的检查结果。")
    drawn = _drawn(ctx)
    outcome = Counter(v for _, results in entered for v in combine([r.values for r in results]))
    published = {e.uscc for e, _ in entered}
    pending = [v for v in drawn if v.uscc not in published]
    partial = sum(1 for v, results in entered if len(results) < len(v.items))
    info: list[list[object]] = [
        ["抽查轮次", ctx.round_name],
        ["抽中企业（户）", len(drawn)],
        ["本次公示（户）", len(rows)],
        ["其中部分事项结果待录入（户）", partial],
        ["尚未录入结果（户）", len(pending)],
        ["说明", "尚未录入结果的企业，将在结果录入后另行公示。检查结果按国家企业信用信息公示系统的结果类别填写；"
                 f"一户企业多个事项的结果合并公示，全部事项均未发现问题的公示为“{NO_PROBLEM}”。"],
    ]
    info += [[f"检查结果：{value}（户）", outcome[value]] for value in VOCABULARY if outcome[value]]
    info += checkpoint_rows(ctx.checkpoint)
    table_sheet(wb, RESULT_SHEETS[2], f"{ctx.round_name} 抽查结果公示说明", ("项目", "内容"), info, footer)
    return workbook_bytes(wb, ctx.stamp)
