"""`onevisit export`: every file, the same bytes with one or two worker
processes, results checked before anything is written, and a failure in a
worker leaves the previous output as it was."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from scheduler.app.outputs import MARKER, inventory
from scheduler.cli import app
from scheduler.export.bundle import write_exports
from scheduler.export.context import ExportContext
from scheduler.export.notice import PUBLIC_FOLDER, results_file, task_file

runner = CliRunner()


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_one_or_two_workers_write_the_same_bytes(ctx: ExportContext, demo: Path, tmp_path: Path) -> None:
    write_exports(ctx, tmp_path / "serial", workers=1)
    write_exports(ctx, tmp_path / "parallel", workers=2)
    serial = _files(tmp_path / "serial")
    assert serial == _files(tmp_path / "parallel")
    assert serial == _files(demo / "exports")  # and the same as the demo's own export
    officers = {m.inspector_id for v in ctx.plan.visits for m in v.team}
    assert sum(name.startswith("执法人员/") for name in serial) == 3 * len(officers)


def test_export_without_results_writes_the_task_notice_only(demo: Path, sample_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(app, ["export", "--plan", str(demo / "schedule" / "plan.json"), "--data", str(sample_dir),
                                 "--draw", str(demo / "draw"), "--out", str(out), "--workers", "1"])
    assert result.exit_code == 0, result.output
    public = sorted(p.name for p in (out / PUBLIC_FOLDER).iterdir())
    assert public == [task_file("2026年第四季度跨部门联合抽查")]
    plan = json.loads((demo / "schedule" / "plan.json").read_text(encoding="utf-8"))
    officers = {m["inspector_id"] for v in plan["visits"] for m in v["team"]}
    assert f"执法人员日程 {len(officers)}" in result.output and "抽查结果公示" not in result.output


def test_bad_results_are_reported_and_nothing_is_written(demo: Path, sample_dir: Path, tmp_path: Path) -> None:
    good = next((demo / "results").glob("*.csv")).read_text(encoding="utf-8-sig").splitlines()
    header, first = good[0], good[1].split(",")
    first[4] = "查过了"
    bad = tmp_path / "results.csv"
    bad.write_text("\n".join([header, ",".join(first), *good[2:]]) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    result = runner.invoke(app, ["export", "--plan", str(demo / "schedule" / "plan.json"), "--data", str(sample_dir),
                                 "--results", str(bad), "--out", str(out)])
    assert result.exit_code == 1
    assert "results.csv 第 2 行 检查结果: 「查过了」不是规定的检查结果" in result.output
    assert "nothing was written" in result.output
    assert not out.exists()


def test_a_failure_in_a_worker_leaves_the_previous_output(demo: Path, sample_dir: Path, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "old.txt").write_text("previous export", encoding="utf-8")
    earlier = {"tool": "onevisit", "kind": "export", "files": inventory(out)}  # an earlier export
    (out / MARKER).write_text(json.dumps(earlier), encoding="utf-8")

    def full_disk(path: Path, data: bytes) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("scheduler.export.bundle.write_bytes", full_disk)  # inherited by the forked workers
    result = runner.invoke(app, ["export", "--plan", str(demo / "schedule" / "plan.json"), "--data", str(sample_dir),
                                 "--draw", str(demo / "draw"), "--out", str(out), "--workers", "2", "--force"])
    assert result.exit_code == 1, result.output
    assert "写入失败，未生成任何文件" in result.output and "No space left on device" in result.output
    assert sorted(p.name for p in out.iterdir()) == [MARKER, "old.txt"]
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


def test_the_demo_publishes_results(demo: Path) -> None:
    assert (demo / "exports" / PUBLIC_FOLDER / results_file("2026年第四季度跨部门联合抽查")).is_file()
