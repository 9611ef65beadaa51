"""The readers use the one USCC normaliser (full-width forms folded)."""

from __future__ import annotations

import unicodedata
from pathlib import Path

from builders import ENTERPRISE_HEADER, INSPECTOR_HEADER, enterprise_rows, inspector_rows, make_uscc, tiny_plan, write_csv

from scheduler.agencies import AgencyDirectory
from scheduler.domain import Item
from scheduler.io import Report
from scheduler.io.results import read_results
from scheduler.io.rosters import read_enterprises, read_history, read_inspectors


def full_width(code: str) -> str:
    """９１３３… with an ideographic space in the middle (as typed with a Chinese IME)."""
    wide = "".join(chr(ord(c) + 0xFEE0) for c in code)
    assert unicodedata.normalize("NFKC", wide) == code
    return wide[:8] + "\u3000" + wide[8:]


def test_full_width_codes_in_every_roster(tmp_path: Path) -> None:
    rows = enterprise_rows(3)
    rows[1][0] = full_width(rows[1][0].lower())
    report = Report()
    frame = read_enterprises(write_csv(tmp_path / "e.csv", ENTERPRISE_HEADER, rows), report)
    assert report.ok and frame is not None, [str(p) for p in report]
    assert frame["uscc"].tolist() == [make_uscc(1), make_uscc(2), make_uscc(3)]

    people = inspector_rows()
    people[0][9] = full_width(make_uscc(2))
    inspectors = read_inspectors(write_csv(tmp_path / "i.csv", INSPECTOR_HEADER, people), AgencyDirectory(), report,
                                 usccs=frozenset(frame["uscc"]))
    assert report.ok, [str(p) for p in report]
    assert inspectors[0].conflicts == frozenset({make_uscc(2)})

    history = read_history(write_csv(tmp_path / "h.csv", ["统一社会信用代码", "检查日期"],
                                     [[full_width(make_uscc(3)), "2026-01-05"]]), AgencyDirectory(), report)
    assert report.ok and history is not None and history["uscc"].tolist() == [make_uscc(3)]


def test_results_form_with_a_full_width_code(tmp_path: Path) -> None:
    plan = tiny_plan([(make_uscc(1), ["SCJG-001"], "2026-11-03")], window=("2026-11-02", "2026-11-27"))
    path = write_csv(tmp_path / "results.csv", ["统一社会信用代码", "检查结果"], [[full_width(make_uscc(1)), "未发现问题"]])
    report = Report()
    results = read_results(path, plan, [Item("SCJG-001", "SCJG", "企业公示信息抽查", {})], report)
    assert report.ok, [str(p) for p in report]
    assert results is not None and [r.uscc for r in results] == [make_uscc(1)]


def test_results_form_long_value_is_cut(tmp_path: Path) -> None:
    plan = tiny_plan([(make_uscc(1), ["SCJG-001"], "2026-11-03")], window=("2026-11-02", "2026-11-27"))
    path = write_csv(tmp_path / "results.csv", ["统一社会信用代码", "检查结果"],
                     [[make_uscc(1), "问" * 10_000], ["Z" * 10_000, "未发现问题"]])
    report = Report()
    read_results(path, plan, [Item("SCJG-001", "SCJG", "企业公示信息抽查", {})], report)
    assert all(len(str(p)) < 300 for p in report), [str(p)[:300] for p in report]
    assert [p.row for p in report.errors] == [2, 3]
