"""Broken CSV files: a Chinese error at the spreadsheet's own 1-based row,
never pandas' English parser text."""

from __future__ import annotations

from pathlib import Path

from builders import ENTERPRISE_HEADER, enterprise_rows, write_csv

from scheduler.io import Report
from scheduler.io.rosters import read_enterprises


def lines_of(tmp_path: Path, n: int = 40) -> tuple[Path, list[bytes]]:
    path = write_csv(tmp_path / "enterprises.csv", ENTERPRISE_HEADER, enterprise_rows(n))
    return path, path.read_bytes().split(b"\n")


def messages(path: Path) -> list[str]:
    report = Report()
    read_enterprises(path, report)
    return [str(p) for p in report.sorted()]


def test_stray_delimiter_on_row_7(tmp_path: Path) -> None:
    path, lines = lines_of(tmp_path)
    lines[6] += ",多余".encode()
    path.write_bytes(b"\n".join(lines))
    assert messages(path) == ["enterprises.csv 第 7 行: 表头以外的第 9 列有内容「多余」（多余的分隔符？）"]


def test_stray_delimiter_far_down_after_a_quoted_line_break(tmp_path: Path) -> None:
    path, lines = lines_of(tmp_path)
    fields = lines[2].decode().split(",")
    fields[3] = '"示例县\n人民路"'  # 地址 with a line break: one spreadsheet row, two lines
    lines[2] = ",".join(fields).encode()
    lines[29] += ",多余".encode()  # spreadsheet row 30, physical line 31
    path.write_bytes(b"\n".join(lines))
    assert messages(path) == ["enterprises.csv 第 30 行: 有 9 个字段，应为 8 个（多余的分隔符或引号未闭合）"]


def test_unclosed_quote_on_row_5(tmp_path: Path) -> None:
    path, lines = lines_of(tmp_path)
    lines[4] = lines[4].replace(b",", b',"', 1)
    path.write_bytes(b"\n".join(lines))
    assert messages(path) == [
        "enterprises.csv 第 5 行: 引号未闭合：从这一行开始的带引号内容直到文件末尾都没有结束的引号"]


def test_nul_byte(tmp_path: Path) -> None:
    path, lines = lines_of(tmp_path)
    lines[8] = lines[8][:25] + b"\x00" + lines[8][25:]
    path.write_bytes(b"\n".join(lines))
    assert messages(path) == ["enterprises.csv 第 9 行: 含有空字符（\\x00）：文件可能已损坏，或不是文本文件"]


def test_utf8_file_with_a_gbk_line(tmp_path: Path) -> None:
    path, lines = lines_of(tmp_path)
    lines[11] = lines[11].decode("utf-8").encode("gbk")
    path.write_bytes(b"\n".join(lines))
    assert messages(path) == [
        "enterprises.csv 第 12 行: 这一行的文字编码与文件其他行不同（UTF-8 与 GBK 混用）：请在 Excel 或记事本中统一另存为 UTF-8"]


def test_gbk_file_with_a_utf8_line(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "enterprises.csv", ENTERPRISE_HEADER, enterprise_rows(20), encoding="gbk")
    lines = path.read_bytes().split(b"\n")
    lines[15] = lines[15].decode("gbk").encode("utf-8")
    path.write_bytes(b"\n".join(lines))
    assert messages(path) == [
        "enterprises.csv 第 16 行: 这一行的文字编码与文件其他行不同（UTF-8 与 GBK 混用）：请在 Excel 或记事本中统一另存为 UTF-8"]


def test_plain_gbk_file_is_not_mixed(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "enterprises.csv", ENTERPRISE_HEADER, enterprise_rows(300), encoding="gbk")
    report = Report()
    frame = read_enterprises(path, report)
    assert frame is not None and report.ok, [str(p) for p in report]
    assert len(frame) == 300
