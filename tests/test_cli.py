"""The command line on the bundled sample and on broken copies of it."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from scheduler.app.outputs import MARKER
from scheduler.cli import app
from scheduler.sample import sample_dir as bundled_sample
from scheduler.uscc import check_char

runner = CliRunner()


def test_validate_the_sample_prints_a_summary(sample_dir: Path) -> None:
    result = runner.invoke(app, ["validate", str(sample_dir)])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "检查对象 (enterprises): 30,000 户" in out
    assert "按乡镇街道 (by township):" in out and "城关镇" in out
    assert "按部门 (by agency):" in out and "消防救援" in out
    assert "抽查轮次 (round): 2026年第四季度跨部门联合抽查  2026-10-12 至 2026-12-25" in out
    assert "个错误" not in out or "发现 0 个错误" in out


def test_validate_json(sample_dir: Path) -> None:
    result = runner.invoke(app, ["validate", str(sample_dir), "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert payload["ok"] is True
    s = payload["summary"]
    assert s["enterprises"]["total"] == 30_000
    assert sum(v["total"] for v in s["enterprises"]["by_township"].values()) == 30_000
    assert len(s["enterprises"]["by_township"]) == 18
    assert len(s["agencies"]) == 8
    assert s["round"]["workdays"] == 55  # 2026-10-12 (Mon)..12-25 (Fri): 11 weeks, no holidays inside


def _broken_copy(sample_dir: Path, tmp_path: Path) -> tuple[Path, list[str]]:
    """Copy the sample and break three enterprise rows and one inspector row."""
    data = tmp_path / "data"
    shutil.copytree(sample_dir, data)
    path = data / "enterprises.csv"
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    code = rows[16][0]
    wrong = "0" if code[17] != "0" else "1"
    rows[16][0] = code[:17] + wrong  # spreadsheet row 17
    rows[20][0] = rows[19][0]  # duplicate at row 21
    rows[30][7] = "Z"  # credit class at row 31
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    expected = [
        f"enterprises.csv 第 17 行 统一社会信用代码: 校验位错误（应为 {check_char(code[:17])}）",
        f"enterprises.csv 第 21 行 统一社会信用代码: 统一社会信用代码「{rows[19][0]}」重复（与第 20 行相同）",
        "enterprises.csv 第 31 行 信用风险分类: 无法识别的信用风险分类「Z」（应为 A/B/C/D 或 低/一般/较高/高）",
    ]
    return data, expected


def test_validate_a_broken_copy_reports_every_problem_and_exits_nonzero(sample_dir: Path, tmp_path: Path) -> None:
    data, expected = _broken_copy(sample_dir, tmp_path)
    before = sorted(p.name for p in data.iterdir())
    result = runner.invoke(app, ["validate", str(data)])
    assert result.exit_code == 1
    lines = [line.strip() for line in result.output.splitlines()]
    for message in expected:
        assert message in lines, result.output
    assert "数据有错误，请修正后重试 (input errors: nothing was written)." in lines
    assert sorted(p.name for p in data.iterdir()) == before  # wrote nothing


def test_demo_writes_its_folder(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    result = runner.invoke(app, ["demo", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert f"结果已写入 (results written to): {out.resolve()}" in result.output
    summary = json.loads((out / "inputs-summary.json").read_text(encoding="utf-8"))
    assert summary["enterprises"]["total"] == 30_000
    plan = json.loads((out / "schedule" / "plan.json").read_text(encoding="utf-8"))
    assert plan["statistics"]["assigned"] == plan["statistics"]["visits"] > 400
    assert "独立复核 (independent check): 0 处违反硬性规则" in result.output
    check = runner.invoke(app, ["check-plan", str(out / "schedule" / "plan.json"), "--data", str(bundled_sample())])
    assert check.exit_code == 0, check.output
    assert "复核通过" in check.output
    broken = plan | {"visits": [plan["visits"][0] | {"date": "2026-10-01"}, *plan["visits"][1:]]}
    (tmp_path / "broken.json").write_text(json.dumps(broken, ensure_ascii=False), encoding="utf-8")
    failed = runner.invoke(app, ["check-plan", str(tmp_path / "broken.json"), "--data", str(bundled_sample())])
    assert failed.exit_code == 1 and f"规则1 {plan['visits'][0]['visit_id']}" in failed.output
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".demo")]  # no staging left


def test_demo_failure_leaves_the_previous_output_untouched(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "demo"
    out.mkdir()
    (out / MARKER).write_text('{"tool": "onevisit", "kind": "demo"}', encoding="utf-8")  # an earlier demo
    (out / "old.txt").write_text("previous run", encoding="utf-8")

    def boom(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("scheduler.app.demo.write_text", boom)
    result = runner.invoke(app, ["demo", "--out", str(out), "--force"])
    assert result.exit_code == 1
    assert "写入失败，未生成任何文件 (write failed, nothing written)" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert sorted(p.name for p in out.iterdir()) == [MARKER, "old.txt"]
    assert not [p for p in tmp_path.iterdir() if p.name != "demo"]


def test_every_command_has_help() -> None:
    for command in ("validate", "demo", "draw", "verify", "schedule", "check-plan", "serve"):
        result = runner.invoke(app, [command, "--help"])
        assert result.exit_code == 0 and "Usage" in result.output
