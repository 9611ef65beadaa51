"""``onevisit province`` (serial mode: the Dask runs are in test_cluster.py)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from scheduler.cli import app

runner = CliRunner()


def test_a_province_with_a_broken_county_prints_each_county_and_exits_1(broken_province: Path, tmp_path: Path) -> None:
    out = tmp_path / "结果"
    result = runner.invoke(app, ["province", str(broken_province), "--out", str(out), "--serial", "--audit", "--seed", "s"])
    assert result.exit_code == 1, result.output
    text = result.output
    assert "省级安排 (province)：3 个县，本机逐县运行 (serial)" in text
    assert "[1/3] 宝安县：完成" in text and "[3/3] 长安县：完成" in text
    assert "[2/3] 昌安县：失败：数据有错误" in text and "不是日期" in text
    assert "合计 (total)  完成 2/3" in text
    assert "Traceback" not in text
    assert sorted(p.parent.name for p in out.glob("*/plan.json")) == ["宝安县", "长安县"]
    doc = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert doc["run"]["where"] == "serial" and doc["run"]["settings"]["audit"] is True
    assert [c["status"] for c in doc["counties"]] == ["done", "failed", "done"]
    again = runner.invoke(app, ["province", str(broken_province), "--out", str(out), "--serial", "--seed", "s"])
    assert again.exit_code == 1 and "已有上次生成的省级安排结果。如要替换，请加 --force" in again.output


def test_wrong_options_are_refused_in_chinese_before_any_work(small_province: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    cases = {
        ("--serial", "--scheduler", "tcp://127.0.0.1:8786", "--seed", "s"): "--serial 与 --scheduler 不能同时使用",
        ("--workers", "0", "--seed", "s"): "--workers 应为正整数",
        ("--time-limit", "0", "--seed", "s"): "--time-limit 应大于 0",
        ("--serial",): "请用 --seed 指定随机数种子",
    }
    for options, message in cases.items():
        result = runner.invoke(app, ["province", str(small_province), "--out", str(out), *options])
        assert result.exit_code == 1 and message in result.output, result.output
    assert not out.exists()
    result = runner.invoke(app, ["province", str(tmp_path / "nowhere"), "--out", str(out), "--serial", "--seed", "s"])
    assert result.exit_code == 1 and "找不到省级数据文件夹" in result.output
    assert not out.exists()
