"""Readers on valid and broken files: every problem reported with file, row
and column, in Chinese; nothing returned when there is an error."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from builders import (
    ENTERPRISE_HEADER,
    INSPECTOR_HEADER,
    ITEM_HEADER,
    enterprise_rows,
    inspector_rows,
    item_rows,
    make_uscc,
    write_csv,
    write_folder,
    write_xlsx,
)

from scheduler.agencies import AgencyDirectory
from scheduler.domain import CreditClass
from scheduler.io import Report, load
from scheduler.io.rosters import read_enterprises, read_inspectors, read_items


def messages(report: Report) -> list[str]:
    return [str(p) for p in report.sorted()]


def test_valid_folder_loads(tmp_path: Path) -> None:
    report = Report()
    inputs = load([write_folder(tmp_path)], report)
    assert report.ok, messages(report)
    assert inputs is not None
    ds = inputs.dataset
    assert len(ds.enterprises) == 12
    assert [i.code for i in ds.items] == ["SCJG-001", "SCJG-002", "YJGL-001", "WSJK-001"]
    assert {i.agency for i in ds.items} == {"SCJG", "YJGL", "WSJK"}
    item = ds.items[0]
    assert item.ratios == {CreditClass.A: Decimal("0.03"), CreditClass.B: Decimal("0.05"),
                           CreditClass.C: Decimal("0.2"), CreditClass.D: Decimal("0.6")}
    assert ds.items[2].officers == 2 and ds.items[2].qualification == "危险化学品安全监管"
    wang = ds.inspectors[1]
    assert wang.agency == "SCJG"
    assert wang.cert_expiry == dt.date(2027, 12, 31)
    assert wang.max_visits_per_day == 3
    assert wang.unavailable == ((dt.date(2026, 11, 2), dt.date(2026, 11, 6)),
                                (dt.date(2026, 11, 18), dt.date(2026, 11, 18)))
    assert not wang.available_on(dt.date(2026, 11, 4)) and wang.available_on(dt.date(2026, 11, 9))
    assert ds.inspectors[2].conflicts == frozenset({make_uscc(4)})
    assert ds.inspectors[2].cert_expiry == dt.date(2029, 1, 1)
    assert ds.inspectors[0].max_visits_per_day == 4  # default
    assert ds.enterprise(make_uscc(2)).tags == frozenset({"餐饮服务", "公共场所"})


def test_gbk_csv_with_title_row(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "检查对象名录.csv", ENTERPRISE_HEADER, enterprise_rows(5),
                     encoding="gbk", title="示例县检查对象名录库（2026年11月导出）")
    report = Report()
    frame = read_enterprises(path, report)
    assert report.ok, messages(report)
    assert frame is not None
    assert frame["name"].tolist() == [f"示例企业{i}有限公司" for i in range(1, 6)]
    assert frame["row"].tolist() == [3, 4, 5, 6, 7]  # title row 1, header row 2


def test_utf8_bom_and_english_headers_and_stray_spaces(tmp_path: Path) -> None:
    header = ["USCC", " name ", "township", "credit_class", "tags", "status", "Remark"]
    rows = [[" " + make_uscc(1).lower() + " ", "甲公司", " 城关镇 ", " b ", "食品生产;餐饮服务", "存续", "备注1"]]
    path = write_csv(tmp_path / "targets.csv", header, rows, encoding="utf-8-sig")
    report = Report()
    frame = read_enterprises(path, report)
    assert report.ok, messages(report)
    assert frame is not None
    row = frame.iloc[0]
    assert row["uscc"] == make_uscc(1)
    assert row["township"] == "城关镇"
    assert row["credit_class"] == "B"
    assert row["tags"] == "食品生产;餐饮服务"
    assert row["extra:Remark"] == "备注1"  # unknown columns are kept


def test_chinese_credit_class_spellings(tmp_path: Path) -> None:
    rows = enterprise_rows(4)
    for row, spelled in zip(rows, ["低", "一般", "信用风险较高", "高"], strict=True):
        row[4] = spelled
    report = Report()
    frame = read_enterprises(write_csv(tmp_path / "e.csv", ENTERPRISE_HEADER, rows), report)
    assert frame is not None and report.ok
    assert frame["credit_class"].tolist() == ["A", "B", "C", "D"]


def test_xlsx_with_merged_title_row_and_excel_dates(tmp_path: Path) -> None:
    rows: list[list[object]] = [list(r) for r in inspector_rows()]
    rows[0][4] = dt.datetime(2028, 6, 30)  # a real Excel date cell
    rows[1][7] = 3  # a number cell
    path = write_xlsx(tmp_path / "inspectors.xlsx", INSPECTOR_HEADER, rows, title="示例县执法检查人员名录库")
    report = Report()
    inspectors = read_inspectors(path, AgencyDirectory(), report)
    assert report.ok, messages(report)
    assert inspectors[0].cert_expiry == dt.date(2028, 6, 30)
    assert inspectors[1].max_visits_per_day == 3
    assert inspectors[0].phone == "13900000001"


def test_percent_formatted_excel_cells(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(ITEM_HEADER)
    ws.append(["SCJG-001", "市场监管", "企业公示信息抽查", "", 0.03, 0.05, 0.21, 0.61, 1, ""])
    for col in "EFGH":
        ws[f"{col}2"].number_format = "0%"
    wb.save(tmp_path / "items.xlsx")
    report = Report()
    items = read_items(tmp_path / "items.xlsx", AgencyDirectory(), report)
    assert report.ok
    assert items[0].ratios[CreditClass.C] == Decimal("0.21")


def test_every_enterprise_problem_is_reported_with_row_and_column(tmp_path: Path) -> None:
    rows = enterprise_rows(8)
    rows[1][0] = rows[1][0][:17] + ("0" if rows[1][0][17] != "0" else "1")  # bad check digit, row 3
    rows[3][0] = rows[2][0]  # duplicate of row 4, at row 5
    rows[4][4] = "E"  # row 6
    rows[5][7] = "2026-02-30"  # row 7
    rows[6][2] = ""  # row 8
    report = Report()
    frame = read_enterprises(write_csv(tmp_path / "enterprises.csv", ENTERPRISE_HEADER, rows), report)
    assert frame is not None  # the reader returns what it could read; load() refuses it
    expected_check = rows[1][0][:17]
    from scheduler.uscc import check_char

    assert messages(report) == [
        f"enterprises.csv 第 3 行 统一社会信用代码: 校验位错误（应为 {check_char(expected_check)}）",
        f"enterprises.csv 第 5 行 统一社会信用代码: 统一社会信用代码「{rows[2][0]}」重复（与第 4 行相同）",
        "enterprises.csv 第 6 行 信用风险分类: 无法识别的信用风险分类「E」（应为 A/B/C/D 或 低/一般/较高/高）",
        "enterprises.csv 第 7 行 上次检查日期: 不存在的日期「2026-02-30」",
        "enterprises.csv 第 8 行 乡镇街道: 乡镇街道为空",
    ]


def test_unknown_agency_and_bad_ratios_in_items(tmp_path: Path) -> None:
    rows = item_rows()
    rows[1][1] = "公安局"
    rows[2][6] = "120%"
    rows[3][4] = ""
    rows.append(list(rows[0]))  # duplicate code
    report = Report()
    items = read_items(write_csv(tmp_path / "items.csv", ITEM_HEADER, rows), AgencyDirectory(), report)
    assert [i.code for i in items] == ["SCJG-001", "SCJG-001"]
    assert messages(report) == [
        "items.csv 第 3 行 部门: 未知部门「公安局」（可在 agencies.csv 部门名录中登记）",
        "items.csv 第 4 行 C类抽查比例: 比例「120%」应在 0 到 100% 之间",
        "items.csv 第 5 行 A类抽查比例: A类抽查比例为空（不搞免于抽查：如确需为 0 请填写 0 并在轮次文件中允许）",
        "items.csv 第 6 行 事项编码: 事项编码「SCJG-001」重复（与第 2 行相同）",
    ]


def test_inspector_problems_including_unknown_township(tmp_path: Path) -> None:
    rows = inspector_rows()
    rows[1][3] = rows[0][3]  # duplicate certificate
    rows[2][4] = "2029-13-01"
    rows[3][6] = "火星镇"
    rows[4][9] = make_uscc(99)[:17] + "Z"
    rows[0][8] = "2026-11-06~2026-11-02"
    report = Report()
    read_inspectors(write_csv(tmp_path / "inspectors.csv", INSPECTOR_HEADER, rows), AgencyDirectory(), report,
                    townships=frozenset({"城关镇", "东城街道", "清河镇"}))
    assert messages(report) == [
        "inspectors.csv 第 2 行 不可用日期: 日期区间「2026-11-06~2026-11-02」结束早于开始",
        "inspectors.csv 第 3 行 执法证号: 执法证号「示执SC00000001」重复（与第 2 行相同）",
        "inspectors.csv 第 4 行 执法证有效期: 不存在的日期「2029-13-01」",
        "inspectors.csv 第 5 行 所在乡镇: 未知乡镇「火星镇」（检查对象名录库中没有该乡镇街道）",
        "inspectors.csv 第 6 行 回避企业: 回避企业代码「" + make_uscc(99)[:17] + "Z」含非法字符 Z（不得使用 I、O、Z、S、V 及标点）",
    ]


def test_missing_required_column_names_the_column(tmp_path: Path) -> None:
    header = [h for h in ENTERPRISE_HEADER if h != "信用风险分类"]
    rows = [[c for j, c in enumerate(r) if j != 4] for r in enterprise_rows(2)]
    report = Report()
    assert read_enterprises(write_csv(tmp_path / "enterprises.csv", header, rows), report) is None
    assert messages(report) == ["enterprises.csv 第 1 行: 缺少必填列「信用风险分类」（credit_class）"]


def test_csv_with_an_extra_field_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "enterprises.csv"
    write_csv(path, ENTERPRISE_HEADER, enterprise_rows(3))
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[2] += ",多余"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = Report()
    read_enterprises(path, report)
    assert messages(report) == ["enterprises.csv 第 3 行: 表头以外的第 9 列有内容「多余」（多余的分隔符？）"]
    # Far below the first lines, the parser itself names the line.
    rows = enterprise_rows(40)
    write_csv(path, ENTERPRISE_HEADER, rows)
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[30] += ",多余"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = Report()
    assert read_enterprises(path, report) is None
    assert messages(report) == ["enterprises.csv 第 31 行: 有 9 个字段，应为 8 个（多余的分隔符或引号未闭合）"]


def test_blank_rows_keep_spreadsheet_row_numbers(tmp_path: Path) -> None:
    rows = enterprise_rows(3)
    rows.insert(1, [""] * len(ENTERPRISE_HEADER))
    rows[3][4] = "X"
    report = Report()
    frame = read_enterprises(write_csv(tmp_path / "enterprises.csv", ENTERPRISE_HEADER, rows), report)
    assert frame is not None and len(frame) == 3
    assert messages(report) == [
        "enterprises.csv 第 5 行 信用风险分类: 无法识别的信用风险分类「X」（应为 A/B/C/D 或 低/一般/较高/高）"
    ]


def test_load_refuses_a_folder_with_errors_and_reports_all_files(tmp_path: Path) -> None:
    ent = enterprise_rows()
    ent[0][0] = ent[0][0][:17] + "Y" if ent[0][0][17] != "Y" else ent[0][0][:17] + "X"
    items = item_rows()
    items[0][1] = "宣传部"
    report = Report()
    assert load([write_folder(tmp_path, enterprises=ent, items=items)], report) is None
    files = {p.file for p in report.errors}
    assert files == {"enterprises.csv", "items.csv"}


def test_missing_roster_is_an_error(tmp_path: Path) -> None:
    write_folder(tmp_path)
    (tmp_path / "items.csv").unlink()
    report = Report()
    assert load([tmp_path], report) is None
    assert "缺少抽查事项清单文件（items.xlsx 或 items.csv）" in [p.message for p in report.errors]


def test_files_recognised_by_header_when_names_are_unhelpful(tmp_path: Path) -> None:
    write_csv(tmp_path / "表1.csv", ENTERPRISE_HEADER, enterprise_rows())
    write_csv(tmp_path / "表2.csv", ITEM_HEADER, item_rows())
    write_xlsx(tmp_path / "表3.xlsx", INSPECTOR_HEADER, inspector_rows(), title="名录")
    report = Report()
    inputs = load([tmp_path], report)
    assert report.ok, messages(report)
    assert inputs is not None and len(inputs.dataset.inspectors) == 5


def test_agencies_file_adds_an_agency(tmp_path: Path) -> None:
    items = [*item_rows(), ["GAJ-001", "县公安局", "旅馆业治安检查", "", "1%", "2%", "5%", "10%", "", ""]]
    write_folder(tmp_path, items=items)
    write_csv(tmp_path / "agencies.csv", ["部门代码", "部门名称", "别名"], [["GAJ", "公安", "公安局；派出所"]])
    report = Report()
    inputs = load([tmp_path], report)
    assert report.ok, messages(report)
    assert inputs is not None
    assert inputs.dataset.items[-1].agency == "GAJ"
    # An agency with items but no inspectors is a warning, not an error.
    assert any("部门「公安」有抽查事项，但执法检查人员名录库中没有该部门人员" in p.message for p in report.warnings)


@pytest.mark.parametrize("status", ["注销", "吊销"])
def test_inactive_enterprises_are_kept_but_marked(tmp_path: Path, status: str) -> None:
    rows = enterprise_rows(3)
    rows[0][6] = status
    report = Report()
    frame = read_enterprises(write_csv(tmp_path / "e.csv", ENTERPRISE_HEADER, rows), report)
    assert report.ok and frame is not None
    assert frame["status"].tolist()[0] == status


def test_official_status_spellings_and_tag_forms_are_normalised(tmp_path: Path) -> None:
    rows = enterprise_rows(5)
    rows[0][6], rows[1][6], rows[2][6], rows[3][6] = "存续（在营、开业、在册）", "在营", "吊销，未注销", " 在业 "
    rows[4][5] = "公共 场所；ＡＢ"
    report = Report()
    frame = read_enterprises(write_csv(tmp_path / "e.csv", ENTERPRISE_HEADER, rows), report)
    assert report.ok and frame is not None, messages(report)
    assert frame["status"].tolist()[:4] == ["存续", "在业", "吊销", "在业"]
    assert frame["tags"].tolist()[4] == "AB;公共场所"


def test_gbk_text_far_below_an_ascii_start_and_utf16(tmp_path: Path) -> None:
    """Encoding is decided on the whole file, not on its first bytes."""
    rows = enterprise_rows(3)
    header = ["USCC", "name", "township", "credit_class", "remark"]
    body = [[r[0], f"E{i}", "Town", "A", "x" * 200] for i, r in enumerate(rows * 150)]
    for i, row in enumerate(body):
        row[0] = make_uscc(1000 + i)
    body[-1][1] = "末行企业（GBK）"
    report = Report()
    frame = read_enterprises(write_csv(tmp_path / "e.csv", header, body, encoding="gbk"), report)
    assert report.ok and frame is not None, messages(report)
    assert frame["name"].tolist()[-1] == "末行企业（GBK）"
    report = Report()
    frame = read_enterprises(write_csv(tmp_path / "u.csv", ENTERPRISE_HEADER, enterprise_rows(3), encoding="utf-16"), report)
    assert report.ok and frame is not None and frame["name"].tolist()[0] == "示例企业1有限公司"
