"""Finding the counties of a province folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from scheduler.app.errors import UnreadableFile
from scheduler.app.outputs import MARKER
from scheduler.province.counties import discover_counties


def county(folder: Path, round_file: bool = True) -> Path:
    folder.mkdir(parents=True)
    (folder / "enterprises.csv").write_text("x\n", encoding="utf-8")
    if round_file:
        (folder / "round.toml").write_text('name = "x"\n', encoding="utf-8")
    return folder


def test_counties_are_the_sub_folders_by_name_without_hidden_and_output_folders(tmp_path: Path) -> None:
    for name in ("乙县", "甲县", ".git", "_tmp"):
        county(tmp_path / name)
    county(tmp_path / "结果", round_file=False)
    (tmp_path / "结果" / MARKER).write_text("{}", encoding="utf-8")
    (tmp_path / "说明.txt").write_text("", encoding="utf-8")
    found = discover_counties(tmp_path)
    assert [c.name for c in found] == sorted(["乙县", "甲县"])
    assert all(c.shared_round is None for c in found)
    assert found[0].folder == tmp_path / found[0].name


def test_a_county_without_its_own_round_file_uses_the_shared_one(tmp_path: Path) -> None:
    county(tmp_path / "甲县")
    county(tmp_path / "乙县", round_file=False)
    (tmp_path / "round.toml").write_text('name = "全省"\n', encoding="utf-8")
    by_name = {c.name: c for c in discover_counties(tmp_path)}
    assert by_name["甲县"].shared_round is None
    assert by_name["乙县"].shared_round == tmp_path / "round.toml"


def test_no_folder_no_counties_or_two_shared_round_files_are_refused_in_chinese(tmp_path: Path) -> None:
    with pytest.raises(UnreadableFile, match="找不到省级数据文件夹"):
        discover_counties(tmp_path / "nowhere")
    with pytest.raises(UnreadableFile, match="没有县的子文件夹"):
        discover_counties(tmp_path)
    county(tmp_path / "甲县")
    (tmp_path / "a.toml").write_text("", encoding="utf-8")
    (tmp_path / "b.toml").write_text("", encoding="utf-8")
    with pytest.raises(UnreadableFile, match="多个轮次配置文件"):
        discover_counties(tmp_path)
