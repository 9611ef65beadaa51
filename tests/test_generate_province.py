"""Tests for data/generate_province.py (a synthetic province)."""

from __future__ import annotations

from pathlib import Path

from builders import load_by_path

from scheduler.app.inputs import load_inputs

gen = load_by_path("generate_province", "data/generate_province.py")


def files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_province_is_distinct_valid_counties_and_the_same_bytes_every_time(tmp_path: Path) -> None:
    options = {"counties": 3, "enterprises": 800, "townships": 3, "inspectors": 20, "agencies": 3}
    folders = gen.generate(tmp_path / "a", **options)
    gen.generate(tmp_path / "b", **options)
    assert files(tmp_path / "a") == files(tmp_path / "b")
    assert [f.name for f in folders] == ["宝安县", "昌安县", "长安县"]
    enterprises = [files(f)["enterprises.csv"] for f in folders]
    assert len(set(enterprises)) == 3  # each county its own seed
    for folder in folders:
        assert sorted(files(folder)) == ["agencies.csv", "enterprises.csv", "history.csv", "inspectors.csv", "items.csv", "round.toml"]
        inputs = load_inputs([folder], need_round=True)
        assert inputs.round is not None and inputs.round.name == f"{folder.name}2026年第四季度跨部门联合抽查"
        assert len(inputs.dataset.enterprises) == 800
        assert all(str(name).startswith(folder.name) for name in inputs.dataset.enterprises["name"][:20])


def test_county_names_are_distinct() -> None:
    names = gen.county_names(500)
    assert len(set(names)) == 500 and all(len(n) == 3 and n.endswith("县") for n in names)


def test_keep_existing_writes_only_the_missing_counties(tmp_path: Path) -> None:
    options = {"enterprises": 500, "townships": 3, "inspectors": 20, "agencies": 3}
    gen.generate(tmp_path / "full", counties=2, **options)
    out = tmp_path / "kept"
    first = gen.generate(out, counties=1, **options)[0]
    (first / "marker.txt").write_text("kept", encoding="utf-8")  # a county that exists is not rewritten
    (out / ".昌安县.partial").mkdir()  # a staging folder left by an interrupted run is replaced
    (out / ".昌安县.partial" / "stale.csv").write_text("x", encoding="utf-8")
    folders = gen.generate(out, counties=2, keep_existing=True, **options)
    assert [f.name for f in folders] == ["宝安县", "昌安县"]
    assert (first / "marker.txt").read_text(encoding="utf-8") == "kept"
    assert files(out / "昌安县") == files(tmp_path / "full" / "昌安县")
    assert sorted(p.name for p in out.iterdir()) == ["宝安县", "昌安县"]
