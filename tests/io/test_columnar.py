"""Big CSV rosters are read column-wise (pyarrow) with exactly the result of
the general reader: the same frame, the same Chinese messages at the same
rows, whatever the encoding, header, quoting or problem.  Each case is read
twice, once with the column-wise path switched on for every size and once
with it off, and the test checks the fast path really ran where it can."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from builders import ENTERPRISE_HEADER, enterprise_rows, make_uscc, write_csv
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scheduler.io import Report, Source, columnar
from scheduler.io.rosters import read_enterprises

Read = tuple[pd.DataFrame | None, list[str]]


def read(source: Path | Source) -> Read:
    report = Report()
    frame = read_enterprises(source, report)
    return frame, [str(p) for p in report]


def both_ways(source: Path | Source, monkeypatch: pytest.MonkeyPatch) -> tuple[Read, Read, bool]:
    """(general reader, column-wise reader, whether the column-wise one read the body)."""
    used: list[bool] = []
    read_body = columnar.read_body

    def spy(*args: object, **kwargs: object) -> object:
        body = read_body(*args, **kwargs)  # type: ignore[arg-type]
        used.append(body is not None)
        return body

    with monkeypatch.context() as m:
        m.setattr(columnar, "FAST_CSV_BYTES", 1 << 40)
        general = read(source)
    with monkeypatch.context() as m:
        m.setattr(columnar, "FAST_CSV_BYTES", 0)
        m.setattr(columnar, "read_body", spy)
        fast = read(source)
    return general, fast, any(used)


def assert_same(general: Read, fast: Read) -> None:
    assert fast[1] == general[1]
    if general[0] is None:
        assert fast[0] is None
        return
    assert fast[0] is not None
    pd.testing.assert_frame_equal(fast[0], general[0])
    assert fast[0].attrs == general[0].attrs


def rows(n: int = 40) -> list[list[str]]:
    return enterprise_rows(n)


def with_cell(row: int, col: int, value: str) -> Callable[[list[list[str]]], None]:
    def change(table: list[list[str]]) -> None:
        table[row][col] = value
    return change


CLEAN_CASES: dict[str, Callable[[list[list[str]]], None]] = {
    "plain": lambda t: None,
    "stray spaces and an ideographic space": with_cell(3, 1, " \u3000示例企业 有限公司\t"),
    "bad check digit": with_cell(5, 0, make_uscc(6)[:-1] + "0"),
    "lower case and full-width code": with_cell(7, 0, "９１" + make_uscc(8)[2:].lower()),
    "duplicate code": with_cell(9, 0, make_uscc(1)),
    "unknown class and status": lambda t: (t[11].__setitem__(4, "E"), t[12].__setitem__(6, "存续中")),
    "bad date": with_cell(13, 7, "2026-02-30"),
    "empty name": with_cell(14, 1, ""),
    "comma, quote and line break in a quoted cell": with_cell(15, 3, '示例县,人民路"1"号\n二楼'),
    "notes under the table": lambda t: t.extend([["合计", "", "", "", "", "", "", "共 40 户"]]),
}


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
@pytest.mark.parametrize("case", sorted(CLEAN_CASES))
def test_fast_path_reads_like_the_general_reader(case: str, encoding: str, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    table = rows()
    CLEAN_CASES[case](table)
    path = write_csv(tmp_path / "enterprises.csv", ENTERPRISE_HEADER, table, encoding=encoding)
    general, fast, used = both_ways(path, monkeypatch)
    assert_same(general, fast)
    assert used, "the column-wise reader declined a file it can read"


def test_title_row_english_headers_crlf_and_an_upload(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    header = ["USCC", "enterprise_name", "town", "address", "credit", "tag", "status", "last_inspection"]
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(["示例县检查对象名录（2026年10月）"])
    writer.writerow(header)
    writer.writerows(rows())
    source = Source("检查对象.csv", buf.getvalue().encode("utf-8-sig"))
    general, fast, used = both_ways(source, monkeypatch)
    assert_same(general, fast)
    assert used and general[0] is not None and general[0]["row"].tolist()[:2] == [3, 4]


def test_tab_separated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = "\n".join("\t".join(r) for r in [ENTERPRISE_HEADER, *rows()]) + "\n"
    path = tmp_path / "enterprises.tsv"
    path.write_text(text, encoding="utf-8")
    general, fast, used = both_ways(path, monkeypatch)
    assert_same(general, fast)
    assert used


def broken(tmp_path: Path, change: Callable[[list[bytes]], None], encoding: str = "utf-8") -> Path:
    path = write_csv(tmp_path / "enterprises.csv", ENTERPRISE_HEADER, rows(), encoding=encoding)
    lines = path.read_bytes().split(b"\n")
    change(lines)
    path.write_bytes(b"\n".join(lines))
    return path


BROKEN: dict[str, Callable[[list[bytes]], None]] = {
    "stray delimiter": lambda ls: ls.__setitem__(20, ls[20] + ",多余".encode()),
    "short row": lambda ls: ls.__setitem__(20, b",".join(ls[20].split(b",")[:3])),
    "blank line": lambda ls: ls.insert(20, b""),
    "unclosed quote": lambda ls: ls.__setitem__(20, ls[20].replace(b",", b',"', 1)),
    "NUL byte": lambda ls: ls.__setitem__(20, ls[20][:25] + b"\x00" + ls[20][25:]),
    "a GBK line in a UTF-8 file": lambda ls: ls.__setitem__(30, ls[30].decode("utf-8").encode("gbk")),
    "quote in the header": lambda ls: ls.__setitem__(0, ls[0].replace("企业名称".encode(), '"企业名称"'.encode())),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_problems_are_reported_like_the_general_reader(case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    general, fast, used = both_ways(broken(tmp_path, BROKEN[case]), monkeypatch)
    assert_same(general, fast)
    assert not used or case == "blank line", "the column-wise reader must leave a problem file to the general reader"


def test_a_utf8_line_in_a_gbk_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = broken(tmp_path, lambda ls: ls.__setitem__(25, ls[25].decode("gbk").encode("utf-8")), encoding="gbk")
    general, fast, _ = both_ways(path, monkeypatch)
    assert_same(general, fast)
    assert "UTF-8 与 GBK 混用" in general[1][0]


cell = st.text(st.sampled_from(list('ab 甲乙,"\n\r\t\u3000；;、')), max_size=6)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(extra=st.lists(st.tuples(st.integers(0, 39), st.integers(1, 7), cell), max_size=8))
def test_any_cells_read_alike(extra: list[tuple[int, int, str]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    table = rows()
    for r, c, text in extra:
        table[r][c] = text
    path = write_csv(tmp_path / "enterprises.csv", ENTERPRISE_HEADER, table)
    general, fast, _ = both_ways(path, monkeypatch)
    assert_same(general, fast)
