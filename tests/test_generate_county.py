"""Tests for data/generate_county.py (the synthetic county generator)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from builders import load_generator
from openpyxl import load_workbook

from scheduler.agencies import BUILTIN
from scheduler.uscc import org_check_char, valid_mask

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample"


gen = load_generator()

SMALL = {"enterprises": 3000, "inspectors": 40}


def read_csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")


def xlsx_values(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    wb = load_workbook(path)
    return {ws.title: [tuple(row) for row in ws.iter_rows(values_only=True)] for ws in wb.worksheets}


def sheet_frame(rows: list[tuple[Any, ...]]) -> pd.DataFrame:
    """A sheet's data rows as strings (blank cells ""), like read_csv gives."""
    data = [["" if v is None else str(v) for v in row] for row in rows[1:]]
    return pd.DataFrame(data, columns=list(rows[0]))


def items_frame(paths: dict[str, Path]) -> pd.DataFrame:
    if paths["items"].suffix == ".csv":
        return read_csv(paths["items"])
    return sheet_frame(xlsx_values(paths["items"])["抽查事项清单"])


def inspectors_frame(paths: dict[str, Path]) -> pd.DataFrame:
    if paths["inspectors"].suffix == ".csv":
        return read_csv(paths["inspectors"])
    return sheet_frame(xlsx_values(paths["inspectors"])["执法检查人员名录库"][1:])  # row 1 is the title


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return gen.generate(tmp_path_factory.mktemp("small"), **SMALL)


@pytest.fixture(scope="module")
def small_csv(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return gen.generate(tmp_path_factory.mktemp("small_csv"), excel=False, **SMALL)


@pytest.fixture(scope="module")
def enterprises(small: dict[str, Path]) -> pd.DataFrame:
    return read_csv(small["enterprises"])


@pytest.fixture(scope="module")
def history(small: dict[str, Path]) -> pd.DataFrame:
    return read_csv(small["history"])


def test_returns_the_four_files(small: dict[str, Path], small_csv: dict[str, Path]) -> None:
    assert {k: p.name for k, p in small.items()} == {
        "enterprises": "enterprises.csv", "items": "items.xlsx",
        "inspectors": "inspectors.xlsx", "history": "history.csv"}
    assert {k: p.name for k, p in small_csv.items()} == {
        "enterprises": "enterprises.csv", "items": "items.csv",
        "inspectors": "inspectors.csv", "history": "history.csv"}
    assert all(p.is_file() for p in [*small.values(), *small_csv.values()])


def test_deterministic(small: dict[str, Path], tmp_path: Path) -> None:
    again = gen.generate(tmp_path / "again", **SMALL)
    for key in ("enterprises", "history"):
        assert again[key].read_bytes() == small[key].read_bytes()
    for key in ("items", "inspectors"):
        assert xlsx_values(again[key]) == xlsx_values(small[key])
    other = gen.generate(tmp_path / "other", seed=7, **SMALL)
    assert other["enterprises"].read_bytes() != small["enterprises"].read_bytes()


def test_csv_layout(small: dict[str, Path]) -> None:
    raw = small["enterprises"].read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert b"\r" not in raw and raw.endswith(b"\n")
    text = raw.decode("utf-8-sig")
    assert text.splitlines()[0] == ",".join(gen.ENTERPRISE_HEADER)
    assert all(line.count(",") == 10 for line in text.splitlines())  # no field needs quoting
    hist = small["history"].read_bytes().decode("utf-8-sig")
    assert hist.splitlines()[0] == "统一社会信用代码,检查日期,部门,检查人员编号"


def test_uscc_valid_unique_sorted(enterprises: pd.DataFrame) -> None:
    codes = enterprises["统一社会信用代码"]
    assert len(codes) == SMALL["enterprises"]
    assert valid_mask(codes.to_numpy()).all()
    assert codes.is_unique
    assert list(codes) == sorted(codes)
    assert codes.str.match(r"^9[12]330799[0-9A-HJ-NP-RTUWXY]{8}[0-9X][0-9A-HJ-NP-RTUWXY]$").all()
    assert 0.08 < (codes.str[1] == "2").mean() < 0.16  # 个体工商户 ~12 %
    for code in codes.iloc[::37]:
        assert code[16] == org_check_char(code[8:16])


def test_uscc_vectorised_check_matches_scalar() -> None:
    rng = np.random.default_rng(1)
    bodies = rng.integers(0, 31**8, 500)
    individual = rng.random(500) < 0.5
    for code in gen.uscc_strings(individual, bodies):
        assert code[16] == org_check_char(code[8:16])
    assert valid_mask(gen.uscc_strings(individual, bodies)).all()


def test_enterprise_fields(enterprises: pd.DataFrame) -> None:
    towns = gen.township_names(18)
    assert set(enterprises["乡镇街道"]) <= set(towns)
    assert all(a.startswith("示例县" + t) for a, t in zip(enterprises["地址"], enterprises["乡镇街道"], strict=True))
    assert enterprises["地址"].str.endswith("号").all()
    lon = enterprises["经度"].astype(float)
    lat = enterprises["纬度"].astype(float)
    assert lon.between(118.0, 119.2).all() and lat.between(29.3, 30.3).all()
    assert enterprises["经度"].str.match(r"^\d{3}\.\d{6}$").all()
    codes = {ind.code for ind in gen.INDUSTRIES}
    assert set(enterprises["行业代码"]) <= codes
    assert set(enterprises["登记状态"]) <= set(gen.STATUSES)
    assert enterprises["企业名称"].str.startswith("示例县").all()
    assert enterprises["企业名称"].is_unique
    company = enterprises["统一社会信用代码"].str[1] == "1"
    assert enterprises.loc[company, "企业名称"].str.endswith("公司").all()
    tags = {t for cell in enterprises["监管标签"] for t in cell.split("；") if t}
    assert tags <= set(gen.TAGS)
    last = enterprises["上次检查日期"]
    assert 0.18 < (last != "").mean() < 0.32
    assert last[last != ""].str.match(r"^20(2[3-6])-\d\d-\d\d$").all()


def test_class_and_status_shares(enterprises: pd.DataFrame) -> None:
    share = enterprises["信用风险分类"].value_counts(normalize=True)
    for cls, expected in zip(gen.CLASSES, gen.CLASS_P, strict=True):
        assert abs(share.get(cls, 0.0) - expected) < 0.035, cls
    status = enterprises["登记状态"].value_counts(normalize=True)
    assert abs(status["存续"] - 0.86) < 0.03
    assert abs(status.get("注销", 0.0) - 0.03) < 0.015


def test_every_item_tag_has_enterprises(small: dict[str, Path], enterprises: pd.DataFrame) -> None:
    items = items_frame(small)
    assert 25 <= len(items) <= 40
    tagged = enterprises["监管标签"].str.split("；").explode()
    counts = tagged.value_counts()
    for tag in items["检查对象标签"]:
        if tag:
            assert counts.get(tag, 0) >= 3, tag


def test_items_table(small: dict[str, Path], small_csv: dict[str, Path]) -> None:
    items = items_frame(small)
    assert list(items.columns) == list(gen.ITEM_HEADER)
    assert items["事项编码"].is_unique
    assert items["事项编码"].str.match(r"^[A-Z]{3,4}-\d{3}$").all()
    assert set(items["部门"]) == {a.name for a in BUILTIN[:8]}
    ratios = items[["A类抽查比例", "B类抽查比例", "C类抽查比例", "D类抽查比例"]]
    assert ratios.map(lambda v: str(v).endswith("%")).all().all()
    values = ratios.map(lambda v: float(str(v).rstrip("%")))
    assert (values > 0).all().all()
    assert (values.diff(axis=1).iloc[:, 1:] > 0).all().all()  # A lowest … D highest
    general = items[items["检查对象标签"] == ""]
    assert len(general) >= 1
    csv_items = items_frame(small_csv)
    assert list(csv_items["A类抽查比例"].astype(float)) == [v / 100 for v in values["A类抽查比例"]]
    assert list(csv_items["事项编码"]) == list(items["事项编码"])


def test_inspectors(small: dict[str, Path], enterprises: pd.DataFrame) -> None:
    wb = load_workbook(small["inspectors"])
    ws = wb["执法检查人员名录库"]
    assert [str(r) for r in ws.merged_cells.ranges] == ["A1:K1"]
    assert ws["A1"].value == "示例县执法检查人员名录库（2026年11月）"
    assert [c.value for c in ws[2]] == list(gen.INSPECTOR_HEADER)
    ins = inspectors_frame(small)
    assert len(ins) == SMALL["inspectors"]
    assert ins["人员编号"].is_unique and ins["执法证号"].is_unique and ins["姓名"].is_unique
    code_of = {a.name: a.code for a in BUILTIN}
    assert all(i.startswith(code_of[a]) for i, a in zip(ins["人员编号"], ins["部门"], strict=True))
    assert (ins["部门"].value_counts() >= 2).all()
    assert ins["电话"].str.match(r"^13\d{9}$").all()
    assert ins["执法证号"].str.match(r"^示执[A-Z]{2}\d{8}$").all()
    assert set(ins["所在乡镇"]) <= set(gen.township_names(18))
    for cell in ins["执法证有效期"]:
        dt.date.fromisoformat(cell)
    active = set(enterprises.loc[enterprises["登记状态"].isin(["存续", "在业", "开业"]), "统一社会信用代码"])
    conflicts = [c for cell in ins["回避企业"] for c in str(cell).split("；") if c]
    assert conflicts and set(conflicts) <= active
    for cell in ins["不可用日期"]:
        for part in str(cell).split("；"):
            for day in filter(None, part.split("~")):
                assert gen.WINDOW_START <= dt.date.fromisoformat(day) <= gen.WINDOW_END


def test_history_consistent(history: pd.DataFrame, enterprises: pd.DataFrame, small: dict[str, Path]) -> None:
    assert 0.05 < history["统一社会信用代码"].nunique() / len(enterprises) < 0.11
    keys = list(zip(history["检查日期"], history["统一社会信用代码"], history["部门"], strict=True))
    assert keys == sorted(keys)
    assert set(history["统一社会信用代码"]) <= set(enterprises["统一社会信用代码"])
    days = pd.to_datetime(history["检查日期"])
    assert (days.dt.day_of_week < 5).all()
    assert days.min() >= pd.Timestamp("2026-01-05") and days.max() <= pd.Timestamp("2026-09-30")
    assert not history.duplicated(["统一社会信用代码", "检查日期"]).any()
    assert history.groupby("统一社会信用代码").size().max() <= 3
    ins = inspectors_frame(small).set_index("人员编号")
    for agency, pair in zip(history["部门"], history["检查人员编号"], strict=True):
        a, b = pair.split("；")
        assert a != b and ins.loc[a, "部门"] == agency and ins.loc[b, "部门"] == agency
    # 上次检查日期 is the latest history date of every enterprise with history
    latest = history.groupby("统一社会信用代码")["检查日期"].max()
    last = enterprises.set_index("统一社会信用代码")["上次检查日期"]
    assert (last[latest.index] == latest).all()
    without = last.drop(latest.index)
    assert (without[without != ""] < "2026-01-01").all()


def test_csv_variant_shares_the_big_files(small: dict[str, Path], small_csv: dict[str, Path]) -> None:
    assert small_csv["enterprises"].read_bytes() == small["enterprises"].read_bytes()
    assert small_csv["history"].read_bytes() == small["history"].read_bytes()
    ins_csv = inspectors_frame(small_csv)
    assert list(ins_csv.columns) == list(gen.INSPECTOR_HEADER)
    pd.testing.assert_frame_equal(ins_csv, inspectors_frame(small), check_dtype=False)


def test_options(tmp_path: Path) -> None:
    paths = gen.generate(tmp_path, enterprises=500, townships=32, inspectors=40, agencies=10, excel=False)
    ent = read_csv(paths["enterprises"])
    assert "第32镇" in gen.township_names(32) and len(gen.township_names(32)) == 32
    assert set(ent["乡镇街道"]) <= set(gen.township_names(32))
    items = read_csv(paths["items"])
    assert {"农业农村", "商务"} <= set(items["部门"])
    with pytest.raises(ValueError):
        gen.generate(tmp_path, enterprises=100, inspectors=10, agencies=8)


def test_committed_sample_is_the_default_output(tmp_path: Path) -> None:
    """data/sample must be exactly what the default arguments produce."""
    fresh = gen.generate(tmp_path)
    for key in ("enterprises", "history"):
        assert (SAMPLE / fresh[key].name).read_bytes() == fresh[key].read_bytes(), key
    for key in ("items", "inspectors"):
        assert xlsx_values(SAMPLE / fresh[key].name) == xlsx_values(fresh[key]), key


def test_committed_sample_is_realistic() -> None:
    ent = read_csv(SAMPLE / "enterprises.csv")
    assert len(ent) == 30_000 and ent["乡镇街道"].nunique() == 18
    counts = ent["监管标签"].str.split("；").explode().value_counts()
    items = items_frame({"items": SAMPLE / "items.xlsx"})
    for tag in items["检查对象标签"]:
        if tag:
            assert counts.get(tag, 0) >= 36, tag  # a few dozen at least
    ins = inspectors_frame({"inspectors": SAMPLE / "inspectors.xlsx"})
    assert (ins["部门"].value_counts() >= 12).all()
    assert 0.22 < (ins["部门"] == "市场监管").mean() < 0.30
