"""A sheet whose used range is inflated by a stray cell far away reads as
its real data; a real value far away is not dropped silently."""

from __future__ import annotations

from pathlib import Path

import openpyxl
from builders import ENTERPRISE_HEADER, enterprise_rows, write_xlsx
from openpyxl.styles import Font

from scheduler.io import Report
from scheduler.io.rosters import read_enterprises
from scheduler.io.table import read_raw


def roster_with(path: Path, cell: str, value: str | int | None, *, bold: bool = False) -> Path:
    write_xlsx(path, ENTERPRISE_HEADER, enterprise_rows(50))
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    assert ws is not None
    ws[cell] = value
    if bold:
        ws[cell].font = Font(bold=True)
    wb.save(path)
    return path


def test_space_in_the_last_row_does_not_inflate_the_sheet(tmp_path: Path) -> None:
    path = roster_with(tmp_path / "enterprises.xlsx", "A1048576", " ")
    assert read_raw(path).shape == (51, 8)
    report = Report()
    frame = read_enterprises(path, report)
    assert frame is not None and report.ok and len(frame) == 50


def test_full_width_space_far_to_the_right(tmp_path: Path) -> None:
    path = roster_with(tmp_path / "enterprises.xlsx", "XFD1", "\u3000")
    assert read_raw(path).shape == (51, 8)


def test_formatted_empty_cell_at_xfd1(tmp_path: Path) -> None:
    path = roster_with(tmp_path / "enterprises.xlsx", "XFD1", None, bold=True)
    assert read_raw(path).shape == (51, 8)


def test_real_value_far_below_is_dropped_with_a_warning(tmp_path: Path) -> None:
    path = roster_with(tmp_path / "enterprises.xlsx", "B1048576", "张三")
    report = Report()
    frame = read_enterprises(path, report)
    assert frame is not None and len(frame) == 50
    assert [str(p) for p in report.sorted()] == [
        "［警告］enterprises.xlsx 第 1048576 行: B 列的内容「张三」与表格相隔 1,048,524 个空行，已忽略（如确为数据，请移到表格中）"]


def test_real_value_far_to_the_right_is_dropped_with_a_warning(tmp_path: Path) -> None:
    path = roster_with(tmp_path / "enterprises.xlsx", "XFD3", 42)
    report = Report()
    frame = read_enterprises(path, report)
    assert frame is not None and len(frame) == 50
    assert [str(p) for p in report.sorted()] == [
        "［警告］enterprises.xlsx 第 3 行: XFD 列的内容「42」与表格相隔 16,375 个空列，已忽略（如确为数据，请移到表格中）"]


def test_a_value_a_little_below_is_read_not_dropped(tmp_path: Path) -> None:
    path = roster_with(tmp_path / "enterprises.xlsx", "A3000", "91330799000000999X")
    report = Report()
    read_enterprises(path, report)
    assert report.errors and {p.row for p in report.errors} == {3000}
