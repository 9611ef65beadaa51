"""The vectorised cell operations give exactly what the per-cell Python
expressions give: ``str.strip``, :func:`scheduler.uscc.normalise`, the
GB 32100 check, ``float`` and the duplicate test."""

from __future__ import annotations

import sys

import numpy as np
import pyarrow as pa
import pytest
from builders import make_uscc
from hypothesis import given, settings
from hypothesis import strategies as st

from scheduler import uscc
from scheduler.io import strings
from scheduler.io.fields import FieldError, parse_float, parse_floats
from scheduler.io.problems import Report
from scheduler.io.table import Table

SPACES = [chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()]
cells = st.lists(st.text(st.sampled_from([*SPACES, "a", "B", "一", "丁", "乂", "　", "、", "9", "\x00"]), max_size=5), max_size=30)


def chunked(values: list[str], at: int) -> pa.ChunkedArray:
    """*values* in two chunks, the second a slice (offsets not from 0)."""
    at = min(at, len(values))
    tail = pa.array(["pad", *values[at:]], pa.large_string()).slice(1)
    return pa.chunked_array([pa.array(values[:at], pa.large_string()), tail], type=pa.large_string())


def test_whitespace_is_what_python_strips() -> None:
    assert sorted(strings.WHITESPACE) == SPACES


@settings(max_examples=200, deadline=None)
@given(values=cells, at=st.integers(0, 30))
def test_strip_is_str_strip(values: list[str], at: int) -> None:
    col = chunked(values, at)
    assert strings.strip(col).to_pylist() == [v.strip() for v in values]
    assert strings.nonempty(col).tolist() == [v != "" for v in values]
    assert strings.has_nul(col) == any("\x00" in v for v in values)


codes = st.lists(st.one_of(st.integers(1, 10**6).map(make_uscc), st.text(st.sampled_from("9１Ａa bIO0Z\u3000"), max_size=20),
                           st.integers(1, 10**6).map(lambda n: make_uscc(n).lower())), max_size=30)


@settings(max_examples=200, deadline=None)
@given(values=codes, at=st.integers(0, 30))
def test_uscc_columns_are_the_scalar_functions(values: list[str], at: int) -> None:
    normalised = uscc.normalise_column(chunked(values, at))
    assert normalised.to_pylist() == [uscc.normalise(v) for v in values]
    assert uscc.valid_column(normalised).tolist() == [uscc.problem(uscc.normalise(v)) is None for v in values]


def test_duplicates_found_in_any_order() -> None:
    col = chunked(["b", "a", "c", "a"], 2)
    assert not strings.strictly_increasing(col)
    assert strings.strictly_increasing(chunked(["a", "b", "c"], 1))
    assert not strings.strictly_increasing(chunked(["a", "b", "b"], 1))


NUMBERS = ["118.555126", "-0", "007.50", "1.", ".5", "-.5", ".", "-", "1.2.3", "--1", "1-", "", "1e3", "nan", "inf",
           "1_000.5", "１２.５", " 3", "1" * 40, "0." + "3" * 40, "东经118度"]


@pytest.mark.parametrize("values", [NUMBERS, [n for n in NUMBERS if set(n) <= set("0123456789.")], ["12.5", "", "-3"]])
def test_parse_floats_is_parse_float(values: list[str]) -> None:
    table = Table("t.csv", strings.series(chunked(values, 3)).to_frame("lon"), np.arange(2, 2 + len(values)),
                  {"lon": "经度"}, [])
    report = Report()
    got, present = parse_floats(table, "lon", report)
    expected_errors = []
    for i, v in enumerate(values):
        if not v:
            assert not present[i]
            continue
        try:
            want = parse_float(v)
        except FieldError as exc:
            assert not present[i]
            expected_errors.append(f"t.csv 第 {i + 2} 行 经度: {exc}")
            continue
        assert present[i]
        assert got[i] == want or (want != want and got[i] != got[i])
    assert [str(p) for p in report] == expected_errors


@settings(max_examples=200, deadline=None)
@given(values=st.lists(st.sampled_from(["", "a", "ab", "ba", "甲", make_uscc(1), make_uscc(2), make_uscc(3), "x" * 70]), max_size=30),
       at=st.integers(0, 30))
def test_maybe_repeated_holds_every_repeated_cell(values: list[str], at: int) -> None:
    flagged = strings.maybe_repeated(chunked(values, at))
    for i, v in enumerate(values):
        if v and values.count(v) > 1:
            assert flagged[i]
