"""PublishedDraw: built from a draw result or loaded from the folder
write_draw publishes, it is the same object — the same manifest hash, which a
plan records — and a folder that is not a draw is refused in Chinese."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from scheduler.draw import Reveal, build_rule, run_draw, write_draw
from scheduler.draw.published import DrawFolderError, PublishedDraw
from scheduler.io import Report, load


def test_from_result_equals_the_published_folder(sample_dir: Path, tmp_path: Path) -> None:
    inputs = load([sample_dir], Report())
    assert inputs is not None and inputs.round is not None
    result = run_draw(build_rule(inputs.round, inputs.dataset), inputs.dataset, "03 07 12 19 25 31 + 09",
                      [Reveal("示例县市场监督管理局", "demo-secret-scjg-2026q4"), Reveal("示例县公证处", "demo-secret-notary-2026q4")],
                      compare=False)
    write_draw(result, inputs.dataset, tmp_path / "draw")
    loaded, built = PublishedDraw.load(tmp_path / "draw"), PublishedDraw.from_result(result)
    assert loaded == built
    assert sum(len(items) for items in loaded.selection.values()) == len(result.selection.rows)
    assert "strata" not in loaded.manifest  # the public manifest: no credit classes
    (tmp_path / "draw" / "plan.json").write_bytes((tmp_path / "draw" / "plan.json").read_bytes() + b" ")
    with pytest.raises(DrawFolderError, match=re.escape("与 manifest.json 记录的 P 不符")):
        PublishedDraw.load(tmp_path / "draw")


def test_a_folder_that_is_not_a_draw(tmp_path: Path) -> None:
    with pytest.raises(DrawFolderError, match=re.escape("不是抽取结果文件夹：缺少 plan.json、manifest.json、selection.csv")):
        PublishedDraw.load(tmp_path)
