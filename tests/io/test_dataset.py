"""Loading a folder: staffing of the round's items, role discovery by the
header of any sheet, and in-memory sources."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
from builders import ENTERPRISE_HEADER, enterprise_rows, inspector_rows, write_folder

from scheduler.io import Report, load
from scheduler.io.dataset import discover
from scheduler.io.source import Source


def messages(report: Report) -> list[str]:
    return [str(p) for p in report.sorted()]


def write_round(folder: Path, extra: str = "") -> Path:
    path = folder / "round.toml"
    path.write_text('name = "测试轮次"\nlead_agency = "市场监管"\n' + extra +
                    '[window]\nstart = "2026-11-02"\nend = "2026-11-27"\n', encoding="utf-8")
    return path


def without_health_inspectors() -> list[list[str]]:
    return [r for r in inspector_rows() if r[2] != "卫生健康"]


def test_unstaffed_agency_without_a_round_is_a_warning(tmp_path: Path) -> None:
    report = Report()
    assert load([write_folder(tmp_path, inspectors=without_health_inspectors())], report) is not None
    assert "［警告］items.csv: 部门「卫生健康」有抽查事项，但执法检查人员名录库中没有该部门人员" in messages(report)


def test_unstaffed_item_in_the_round_is_an_error(tmp_path: Path) -> None:
    folder = write_folder(tmp_path, inspectors=without_health_inspectors())
    report = Report()
    assert load([folder], report, round_file=write_round(tmp_path)) is None
    assert messages(report)[0] == "items.csv 第 5 行: 部门「卫生健康」没有执法检查人员，本轮次无法检查事项 WSJK-001"
    assert len(report.errors) == 1


def test_unstaffed_item_outside_the_round_stays_a_warning(tmp_path: Path) -> None:
    folder = write_folder(tmp_path, inspectors=without_health_inspectors())
    for extra in ('items = ["SCJG-001", "YJGL-001"]\n', 'agencies = ["市场监管", "应急管理"]\n'):
        report = Report()
        assert load([folder], report, round_file=write_round(tmp_path, extra)) is not None, messages(report)
        assert "［警告］items.csv: 部门「卫生健康」有抽查事项，但执法检查人员名录库中没有该部门人员" in messages(report)
    report = Report()
    assert load([folder], report, round_file=write_round(tmp_path, 'items = ["WSJK-001"]\n')) is None
    assert [str(p) for p in report.errors] == ["items.csv 第 5 行: 部门「卫生健康」没有执法检查人员，本轮次无法检查事项 WSJK-001"]


def test_agency_whose_certificates_all_expire_before_the_window(tmp_path: Path) -> None:
    rows = inspector_rows()
    for row in rows:
        if row[2] == "卫生健康":
            row[4] = "2026-10-31"
    folder = write_folder(tmp_path, inspectors=rows)
    report = Report()
    assert load([folder], report, round_file=write_round(tmp_path)) is None
    assert [str(p) for p in report.errors] == [
        "items.csv 第 5 行: 部门「卫生健康」全部执法检查人员的执法证在实施期限开始（2026-11-02）前已过期，本轮次无法检查事项 WSJK-001"]


def test_roster_recognised_by_the_header_of_its_second_sheet(tmp_path: Path) -> None:
    folder = write_folder(tmp_path)
    (folder / "enterprises.csv").unlink()
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "填表说明"
    ws.append(["请按模板填写"])
    data = wb.create_sheet("数据")
    data.append(ENTERPRISE_HEADER)
    for row in enterprise_rows():
        data.append(row)
    wb.save(folder / "导出数据.xlsx")
    report = Report()
    assert discover([folder], report) == {"enterprises": folder / "导出数据.xlsx", "items": folder / "items.csv",
                                          "inspectors": folder / "inspectors.csv"}
    inputs = load([folder], report)
    assert inputs is not None and len(inputs.dataset.enterprises) == 12


def as_sources(folder: Path) -> list[Source]:
    """The folder's rosters and round file as uploads (not its README)."""
    return [Source(p.name, p.read_bytes()) for p in sorted(folder.iterdir()) if p.suffix != ".md"]


def test_sample_folder_from_bytes_equals_from_paths(sample_dir: Path) -> None:
    from_paths, from_bytes = Report(), Report()
    a = load([sample_dir], from_paths)
    b = load(as_sources(sample_dir), from_bytes)
    assert a is not None and b is not None
    assert messages(from_paths) == messages(from_bytes)
    pd.testing.assert_frame_equal(a.dataset.enterprises, b.dataset.enterprises)
    assert a.dataset.enterprises.attrs == b.dataset.enterprises.attrs
    assert a.dataset.history is not None and b.dataset.history is not None
    pd.testing.assert_frame_equal(a.dataset.history, b.dataset.history)
    assert a.dataset.items == b.dataset.items and a.dataset.inspectors == b.dataset.inspectors
    assert a.dataset.agencies.names() == b.dataset.agencies.names()
    assert a.round == b.round and a.calendar == b.calendar
    assert {k: Path(v).name for k, v in a.dataset.sources.items()} == b.dataset.sources


def test_broken_folder_from_bytes_gives_the_same_messages(tmp_path: Path) -> None:
    rows = enterprise_rows()
    rows[3][0] = "9133"
    folder = write_folder(tmp_path, enterprises=rows)
    (folder / "检查人员.xlsx").write_bytes(b"garbage")
    (folder / "round.toml").write_text("name = \n", encoding="utf-8")
    from_paths, from_bytes = Report(), Report()
    assert load([folder], from_paths) is None
    assert load(as_sources(folder), from_bytes) is None
    assert messages(from_paths) == messages(from_bytes)
    assert "enterprises.csv 第 5 行 统一社会信用代码: 应为 18 位，实际 4 位" in messages(from_bytes)
