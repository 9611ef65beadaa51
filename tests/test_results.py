"""Inspection results: the vocabulary, the combining rule, the results form
and its reader (messy files, every problem with file, row and column)."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from builders import tiny_plan

from scheduler.export.context import ExportContext
from scheduler.export.results_form import CHOICES_SHEET, FORM_SHEET, HEADERS, results_form
from scheduler.io import Report
from scheduler.io.results import read_results
from scheduler.plan import Plan
from scheduler.results import NO_PROBLEM, VOCABULARY, ResultError, combine, parse_result


def test_parse_result_accepts_the_vocabulary_aliases_and_several_values() -> None:
    assert parse_result(" 未发现问题 ") == (NO_PROBLEM,)
    assert parse_result("正常") == (NO_PROBLEM,)
    assert parse_result("通过登记的住所(经营场所)无法联系") == ("通过登记的住所（经营场所）无法联系",)  # half-width brackets
    # several values, any separator, returned in vocabulary order without repeats
    assert parse_result("未按规定公示应当公示的信息、发现问题经责令已改正；发现问题经责令已改正") == (
        "发现问题经责令已改正", "未按规定公示应当公示的信息")
    with pytest.raises(ResultError, match="「合格了」不是规定的检查结果"):
        parse_result("合格了")
    with pytest.raises(ResultError, match="不能与其他检查结果同时填写"):
        parse_result("未发现问题；发现问题待后续处理")


def test_combine_reports_every_finding_and_no_problem_only_when_nothing_was_found() -> None:
    assert combine([(NO_PROBLEM,), (NO_PROBLEM,)]) == (NO_PROBLEM,)
    assert combine([(NO_PROBLEM,), ("发现问题待后续处理",), ("发现问题经责令已改正",)]) == (
        "发现问题经责令已改正", "发现问题待后续处理")
    assert combine([]) == ()


def _plan() -> Plan:
    return tiny_plan([("91330799000000011X", ["SCJG-001", "XFJY-001"], "2026-10-15"),
                      ("913307990000000220", ["SCJG-001"], "2026-10-16")],
                     [("913307990000000331", ["SCJG-001"])])


class _Item:
    def __init__(self, code: str, name: str) -> None:
        self.code, self.name = code, name


ITEMS: Any = [_Item("SCJG-001", "企业公示信息抽查"), _Item("XFJY-001", "消防安全检查")]


def _read(tmp_path: Path, text: str, encoding: str = "utf-8", name: str = "results.csv") -> tuple[Any, Report]:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    report = Report()
    return read_results(path, _plan(), ITEMS, report), report


def test_reader_takes_a_gbk_csv_with_english_headers_and_fills_in_planned_dates(tmp_path: Path) -> None:
    text = ("credit_code,item_code,result,inspected_on\n"
            " 91330799000000011x ,SCJG-001, 正常 ,\n"
            "91330799000000011X,XFJY-001,发现问题经责令已改正,2026-10-16\n"
            "913307990000000220,,,\n"          # not entered yet: skipped
            "913307990000000331,,未发现问题,2026年11月3日\n")  # unassigned but inspected: the date is given
    results, report = _read(tmp_path, text, encoding="gbk")
    assert report.ok, report.sorted()
    assert [(r.uscc, r.item, r.values, r.date) for r in results] == [
        ("91330799000000011X", "SCJG-001", (NO_PROBLEM,), dt.date(2026, 10, 15)),
        ("91330799000000011X", "XFJY-001", ("发现问题经责令已改正",), dt.date(2026, 10, 16)),
        ("913307990000000331", "SCJG-001", (NO_PROBLEM,), dt.date(2026, 11, 3)),
    ]


def test_reader_reports_every_problem_with_row_and_column(tmp_path: Path) -> None:
    text = ("统一社会信用代码,抽查事项,检查结果,实际检查日期\n"
            "91330799000000011X,企业公示信息抽查,未发现问题,\n"
            "91330799000000011X,企业公示信息抽查,未发现问题,\n"       # duplicate of row 2
            "913307990000000999,,未发现问题,\n"                        # not drawn
            "913307990000000220,消防安全检查,未发现问题,\n"            # not an item of this visit
            "913307990000000220,,很好,\n"                              # not in the vocabulary
            "91330799000000011X,消防安全检查,未发现问题,2027-01-05\n"  # outside the window
            "913307990000000331,,未发现问题,\n")                       # unassigned: needs a date
    results, report = _read(tmp_path, text)
    errors = [str(p) for p in report.errors]
    assert errors == [
        "results.csv 第 3 行 抽查事项: 事项 SCJG-001 的结果重复（与第 2 行相同）",
        "results.csv 第 4 行 统一社会信用代码: 「913307990000000999」不在本轮抽查名单中",
        "results.csv 第 5 行 抽查事项: 「消防安全检查」不是该企业本轮的抽查事项（应为 SCJG-001）",
        "results.csv 第 6 行 检查结果: 「很好」不是规定的检查结果；应为：" + "、".join(VOCABULARY),
        "results.csv 第 7 行 实际检查日期: 2027-01-05 不在实施期限 2026-10-12 至 2026-12-25 内",
        "results.csv 第 8 行 实际检查日期: 该企业未安排检查日期，请填写实际检查日期",
    ]
    assert [(r.uscc, r.item) for r in results] == [("91330799000000011X", "SCJG-001")]


def test_reader_refuses_a_file_without_a_result_column(tmp_path: Path) -> None:
    results, report = _read(tmp_path, "统一社会信用代码,备注\n91330799000000011X,x\n")
    assert results is None
    assert [str(p) for p in report.errors] == ["results.csv 第 1 行: 缺少必填列「检查结果」（result）"]


def test_the_results_form_lists_every_visit_and_item_and_reads_back_when_filled(ctx: ExportContext, tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(io.BytesIO(results_form(ctx)))
    ws = wb[FORM_SHEET]
    assert [c.value for c in ws[2]] == list(HEADERS)
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=3)]
    expected = [(v.visit_id, code) for v in sorted(ctx.plan.visits, key=lambda v: (v.date, v.township, v.visit_id))
                for code in v.items]
    expected += [(u.visit_id, code) for u in ctx.plan.unassigned for code in u.items]
    assert [(r[0], r[5]) for r in rows] == expected
    assert all(r[9] is None for r in rows)  # nothing entered yet
    # The result column offers the vocabulary as a drop-down list.
    (check,) = ws.data_validations.dataValidation
    assert check.type == "list" and f"'{CHOICES_SHEET}'!$A$3:$A${2 + len(VOCABULARY)}" == check.formula1
    assert [c.value for c in wb[CHOICES_SHEET]["A"][2:]] == list(VOCABULARY)
    # Fill in the first three rows as an inspector would, save, read back.
    ws.cell(3, 10, "未发现问题")
    ws.cell(4, 10, "发现问题经责令已改正；未按规定公示应当公示的信息")
    ws.cell(5, 10, "未发现问题")
    ws.cell(5, 11, rows[2][1])
    wb.save(tmp_path / "filled.xlsx")
    report = Report()
    results = read_results(tmp_path / "filled.xlsx", ctx.plan, ctx.dataset.items, report)
    assert report.ok, report.sorted()
    assert results is not None
    got = {(r.uscc, r.item): r.values for r in results}
    assert got == {(rows[0][4], rows[0][5]): (NO_PROBLEM,),
                   (rows[1][4], rows[1][5]): ("发现问题经责令已改正", "未按规定公示应当公示的信息"),
                   (rows[2][4], rows[2][5]): (NO_PROBLEM,)}
