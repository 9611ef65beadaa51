"""Tables as counties have them: header-only rosters, notes rows under the
table, several sheets, megabyte cells."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import openpyxl
import pytest
from builders import (
    ENTERPRISE_HEADER,
    INSPECTOR_HEADER,
    ITEM_HEADER,
    enterprise_rows,
    item_rows,
    write_csv,
    write_folder,
    write_xlsx,
)

from scheduler.agencies import AgencyDirectory
from scheduler.io import Report, load
from scheduler.io.rosters import read_enterprises, read_history, read_inspectors, read_items


def messages(report: Report) -> list[str]:
    return [str(p) for p in report.sorted()]


@pytest.mark.parametrize(("name", "header", "reader"), [
    ("enterprises.csv", ENTERPRISE_HEADER, lambda p, r: read_enterprises(p, r)),
    ("items.csv", ITEM_HEADER, lambda p, r: read_items(p, AgencyDirectory(), r)),
    ("inspectors.csv", INSPECTOR_HEADER, lambda p, r: read_inspectors(p, AgencyDirectory(), r)),
])
def test_roster_with_only_a_header_is_an_error(
    tmp_path: Path, name: str, header: list[str], reader: Callable[[Path, Report], object]
) -> None:
    path = write_csv(tmp_path / name, header, [["", "", ""]])  # a header and a blank row
    report = Report()
    result = reader(path, report)
    assert result is None or result == []
    assert messages(report) == [f"{name}: 只有表头，没有数据行"]


def test_load_refuses_a_header_only_roster(tmp_path: Path) -> None:
    folder = write_folder(tmp_path, inspectors=[])
    report = Report()
    assert load([folder], report) is None
    assert "inspectors.csv: 只有表头，没有数据行" in messages(report)


def test_history_with_only_a_header_is_fine(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "history.csv", ["统一社会信用代码", "检查日期", "部门", "检查人员编号"], [])
    report = Report()
    history = read_history(path, AgencyDirectory(), report)
    assert report.ok and history is not None and history.empty


def test_megabyte_cell_is_cut_in_the_message(tmp_path: Path) -> None:
    rows = enterprise_rows(3)
    rows[1][4] = "A" * 41_943_040  # 信用风险分类, 40 MiB
    rows[2][0] = "X" * 5_000_000  # 统一社会信用代码
    path = write_csv(tmp_path / "enterprises.csv", ENTERPRISE_HEADER, rows)
    report = Report()
    read_enterprises(path, report)
    assert messages(report) == [
        "enterprises.csv 第 3 行 信用风险分类: 无法识别的信用风险分类「" + "A" * 50
        + "…（共 41,943,040 个字符）」（应为 A/B/C/D 或 低/一般/较高/高）",
        "enterprises.csv 第 4 行 统一社会信用代码: 应为 18 位，实际 5000000 位",
    ]
    assert max(len(m) for m in messages(report)) < 200


def test_long_values_are_cut_in_every_message(tmp_path: Path) -> None:
    long = "某" * 1000
    rows = enterprise_rows(2)
    rows[0][6] = long  # unknown 登记状态
    rows[1].append(long)  # a cell under no header
    path = write_csv(tmp_path / "enterprises.csv", [*ENTERPRISE_HEADER, ""], rows)
    report = Report()
    read_enterprises(path, report)
    cut = "某" * 50 + "…（共 1,000 个字符）"
    assert messages(report) == [
        f"enterprises.csv 第 3 行: 表头以外的第 9 列有内容「{cut}」（多余的分隔符？）",
        f"［警告］enterprises.csv 第 2 行 登记状态: 未知登记状态「{cut}」（共 1 行），不参与抽取",
    ]


NOTES = [["合计", "", "", "", "", "", "", "共 12 户"], [], ["制表人：张三", "", "审核人：李四"],
         ["制表日期：2026年11月1日"], ["填表说明：1. 统一社会信用代码为18位"], ["备注：数据来自登记系统"]]


def test_notes_rows_under_the_table_are_skipped_with_a_warning(tmp_path: Path) -> None:
    rows = [*enterprise_rows(12), [], [], *NOTES]
    path = write_csv(tmp_path / "enterprises.csv", ENTERPRISE_HEADER, rows)
    report = Report()
    frame = read_enterprises(path, report)
    assert frame is not None and report.ok, messages(report)
    assert len(frame) == 12
    assert messages(report) == [
        "［警告］enterprises.csv 第 16 行: 「合计 共 12 户」是表尾备注，已跳过",
        "［警告］enterprises.csv 第 18 行: 「制表人：张三 审核人：李四」是表尾备注，已跳过",
        "［警告］enterprises.csv 第 19 行: 「制表日期：2026年11月1日」是表尾备注，已跳过",
        "［警告］enterprises.csv 第 20 行: 「填表说明：1. 统一社会信用代码为18位」是表尾备注，已跳过",
        "［警告］enterprises.csv 第 21 行: 「备注：数据来自登记系统」是表尾备注，已跳过",
    ]


def test_notes_rows_in_a_workbook_directly_after_the_data(tmp_path: Path) -> None:
    rows: list[list[object]] = [list(r) for r in item_rows()] + [["总计", None, None, None, None, None, None, None, 4]]
    rows.append(["负责人：王五"])
    path = write_xlsx(tmp_path / "items.xlsx", ITEM_HEADER, rows)
    report = Report()
    items = read_items(path, AgencyDirectory(), report)
    assert report.ok, messages(report)
    assert len(items) == 4
    assert [p.row for p in report.warnings] == [6, 7]


def test_a_notes_word_above_real_data_is_not_skipped(tmp_path: Path) -> None:
    rows = enterprise_rows(3)
    rows.insert(1, ["合计", "", "", "", "", "", "", ""])
    path = write_csv(tmp_path / "enterprises.csv", ENTERPRISE_HEADER, rows)
    report = Report()
    read_enterprises(path, report)
    assert "enterprises.csv 第 3 行 统一社会信用代码: 应为 18 位，实际 2 位" in messages(report)
    assert not [p for p in report.warnings if "表尾备注" in p.message]


def workbook_with_sheets(path: Path, sheets: Sequence[tuple[str, Sequence[Sequence[object]]]]) -> Path:
    wb = openpyxl.Workbook()
    wb.remove(wb.worksheets[0])
    for title, rows in sheets:
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(list(row))
    wb.save(path)
    return path


INSTRUCTIONS = [["填表说明"], ["1. 统一社会信用代码为 18 位"], ["2. 信用风险分类填写 A、B、C、D"]]


def test_data_sheet_found_by_its_header_behind_an_instructions_sheet(tmp_path: Path) -> None:
    path = workbook_with_sheets(tmp_path / "enterprises.xlsx", [
        ("填表说明", INSTRUCTIONS),
        ("名录", [ENTERPRISE_HEADER, *enterprise_rows(5)]),
    ])
    report = Report()
    frame = read_enterprises(path, report)
    assert frame is not None and report.ok, messages(report)
    assert len(frame) == 5 and frame["row"].tolist() == [2, 3, 4, 5, 6]
    assert messages(report) == ["［警告］enterprises.xlsx: 数据取自工作表「名录」（第 2 个工作表）：前面的工作表中没有这份名录的表头"]


def test_the_sheet_naming_most_columns_wins(tmp_path: Path) -> None:
    path = workbook_with_sheets(tmp_path / "enterprises.xlsx", [
        ("汇总", [["乡镇街道", "企业名称"], ["城关镇", "5"]]),
        ("名录", [ENTERPRISE_HEADER, *enterprise_rows(5)]),
    ])
    report = Report()
    frame = read_enterprises(path, report)
    assert frame is not None and len(frame) == 5


def test_no_sheet_with_a_header(tmp_path: Path) -> None:
    path = workbook_with_sheets(tmp_path / "enterprises.xlsx", [("填表说明", INSTRUCTIONS), ("空白", [["x"]])])
    report = Report()
    assert read_enterprises(path, report) is None
    assert messages(report) == [
        "enterprises.xlsx: 找不到表头行：2 个工作表的前 10 行中都没有可识别的列名（如 统一社会信用代码、企业名称、乡镇街道、地址）"]
