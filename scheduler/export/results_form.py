"""The results form (检查结果录入表): one row per visit and item, with an
empty 检查结果 column restricted to the publicity system's vocabulary (a
drop-down list in Excel and LibreOffice).  A filled form is read back by
:func:`scheduler.io.results.read_results` (``onevisit export --results``).

The form is internal (it names the team leader); it is not published.
"""

from __future__ import annotations

from openpyxl.worksheet.datavalidation import DataValidation

from scheduler.export.context import ExportContext
from scheduler.export.workbook import new_workbook, table_sheet, workbook_bytes
from scheduler.plan import ScheduledVisit, Unassigned
from scheduler.results import VOCABULARY

HEADERS = ("检查编号", "计划检查日期", "乡镇街道", "企业名称", "统一社会信用代码", "事项编码", "抽查事项", "检查实施机关",
           "带队人员", "检查结果", "实际检查日期", "备注")
FORM_SHEET, CHOICES_SHEET, HELP_SHEET = "检查结果录入", "结果类别", "填写说明"
RESULT_COLUMN = "J"
HELP = (
    "每行是一户企业的一个抽查事项。请在“检查结果”列从下拉列表中选择结果；多个结果用“；”分隔。",
    "“实际检查日期”不填时按计划检查日期公示；未安排日期的企业必须填写。日期格式如 2026-10-15 或 2026年10月15日。",
    "未填写检查结果的行视为尚未录入，不会公示。“备注”仅供内部使用，不公示。",
    "填好后运行：onevisit export --plan <plan.json> --data <名录库> --results <本文件> --out <输出文件夹>，"
    "生成“抽查结果公示”。文件中的错误会逐一列出所在的行和列。",
)


def file_name(round_name: str) -> str:
    return f"{round_name}_检查结果录入表.xlsx"


def form_rows(ctx: ExportContext) -> list[list[object]]:
    names = ctx.authorities
    items = {i.code: i for i in ctx.dataset.items}
    leaders = {v.visit_id: v.leader.name for v in ctx.visits}
    visits = sorted(ctx.plan.visits, key=lambda v: (v.date, v.township, v.visit_id))
    unassigned = sorted(ctx.plan.unassigned, key=lambda v: (v.township, v.visit_id))
    rows: list[list[object]] = []
    listed: list[ScheduledVisit | Unassigned] = [*visits, *unassigned]
    for v in listed:
        day = v.date.isoformat() if isinstance(v, ScheduledVisit) else "未安排"
        for code in v.items:
            item = items.get(code)
            agency = names.get(item.agency, item.agency) if item else ""
            rows.append([v.visit_id, day, v.township, v.name, v.uscc, code,
                         item.name if item else code, agency, leaders.get(v.visit_id, ""), None, None, None])
    return rows


def results_form(ctx: ExportContext) -> bytes:
    wb = new_workbook()
    rows = form_rows(ctx)
    footer = f"抽取复核码 {ctx.verification}"
    ws = table_sheet(wb, FORM_SHEET, f"{ctx.round_name} 检查结果录入表（{len(rows)} 个事项户次）", HEADERS, rows, footer,
                     centered=(1, 2, 6, 11))
    for col in (RESULT_COLUMN, "L"):
        ws.column_dimensions[col].width = 30
    ws.column_dimensions["K"].width = 14
    table_sheet(wb, CHOICES_SHEET, "检查结果类别（国家企业信用信息公示系统）", ("检查结果",),
                          [[v] for v in VOCABULARY], footer)
    if rows:
        check = DataValidation(type="list", formula1=f"'{CHOICES_SHEET}'!$A$3:$A${2 + len(VOCABULARY)}",
                               allow_blank=True, showErrorMessage=False)
        check.promptTitle, check.prompt = "检查结果", "从列表中选择；多个结果用“；”分隔"
        check.showInputMessage = True
        ws.add_data_validation(check)
        check.add(f"{RESULT_COLUMN}3:{RESULT_COLUMN}{2 + len(rows)}")
    table_sheet(wb, HELP_SHEET, "填写说明", ("序号", "说明"), [[n, t] for n, t in enumerate(HELP, start=1)], footer,
                centered=(1,))
    return workbook_bytes(wb, ctx.stamp)
