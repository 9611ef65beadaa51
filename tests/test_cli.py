"""The command line on the bundled sample and on broken copies of it."""

from __future__ import annotations

import csv
import json
import os
import shutil
import signal
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from scheduler.app.outputs import MARKER, inventory
from scheduler.cli import app, main
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
    assert "工作量上限 (workload): 每名执法人员每周最多 3 个检查日，每月不限" in out
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
    assert "每周分布 (spread): 最忙的一周 2026-W" in result.output and "工作量上限每周 3 个检查日" in result.output
    check = runner.invoke(app, ["check-plan", str(out / "schedule" / "plan.json"), "--data", str(bundled_sample())])
    assert check.exit_code == 0, check.output
    assert "复核通过" in check.output
    broken = plan | {"visits": [plan["visits"][0] | {"date": "2026-10-01"}, *plan["visits"][1:]]}
    (tmp_path / "broken.json").write_text(json.dumps(broken, ensure_ascii=False), encoding="utf-8")
    failed = runner.invoke(app, ["check-plan", str(tmp_path / "broken.json"), "--data", str(bundled_sample())])
    assert failed.exit_code == 1 and f"规则1 {plan['visits'][0]['visit_id']}" in failed.output
    # --round: the round file's workload rule is the authority over the plan's header.
    strict = (bundled_sample() / "round.toml").read_text(encoding="utf-8").replace("max_days_per_week = 3", "max_days_per_week = 1")
    (tmp_path / "strict.toml").write_text(strict, encoding="utf-8")
    busy = max(plan["statistics"]["officer_busiest_weeks"].values(), key=lambda w: w["days"])
    assert busy["days"] >= 2  # some officer inspects on two days of one week: a one-day rule must catch it
    ruled = runner.invoke(app, ["check-plan", str(out / "schedule" / "plan.json"), "--data", str(bundled_sample()),
                                "--round", str(tmp_path / "strict.toml")])
    assert ruled.exit_code == 1 and "规则6" in ruled.output and "超过每周最多 1 天" in ruled.output, ruled.output
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".demo")]  # no staging left


def test_demo_failure_leaves_the_previous_output_untouched(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "demo"
    out.mkdir()
    (out / "old.txt").write_text("previous run", encoding="utf-8")
    earlier = {"tool": "onevisit", "kind": "demo", "files": inventory(out)}  # an earlier demo
    (out / MARKER).write_text(json.dumps(earlier), encoding="utf-8")

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


# --- issue 9: no lost files, no tracebacks ------------------------------------


def _no_traceback(output: str) -> None:
    assert "Traceback" not in output and 'File "' not in output, output


@pytest.mark.parametrize("command", ["demo", "draw", "schedule", "export"])
def test_out_never_replaces_a_users_folder(command: str, demo: Path, sample_dir: Path, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    user = tmp_path / "user"
    user.mkdir()
    (user / "我的报告.docx").write_bytes(b"user data")
    (user / "notes.txt").write_text("keep", encoding="utf-8")
    args = {
        "demo": ["demo"],
        "draw": ["draw", "--data", str(sample_dir), "--seed", "1"],
        "schedule": ["schedule", "--draw", str(demo / "draw"), "--data", str(sample_dir)],
        "export": ["export", "--plan", str(demo / "schedule" / "plan.json"), "--data", str(sample_dir)],
    }[command]
    monkeypatch.chdir(tmp_path)
    for out in (user, Path("."), tmp_path / "report.txt"):
        if out.name == "report.txt":
            out.write_text("a file, not a folder", encoding="utf-8")
        for force in ([], ["--force"]):
            result = runner.invoke(app, [*args, "--out", str(out), *force])
            assert result.exit_code == 1, result.output
            _no_traceback(result.output)
            assert "不会被覆盖" in result.output or "当前文件夹" in result.output, result.output
    assert sorted(p.name for p in user.iterdir()) == ["notes.txt", "我的报告.docx"]
    assert (tmp_path / "report.txt").read_text(encoding="utf-8") == "a file, not a folder"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.txt", "user"]


def test_an_earlier_draw_is_replaced_only_with_force(sample_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "draw"
    args = ["draw", "--data", str(sample_dir), "--round", str(tmp_path / "round.toml"), "--seed", "1", "--out", str(out)]
    (tmp_path / "round.toml").write_text(
        (sample_dir / "round.toml").read_text(encoding="utf-8").split("[[seed.commitments]]")[0], encoding="utf-8")
    assert runner.invoke(app, args).exit_code == 0
    again = runner.invoke(app, args)
    assert again.exit_code == 1 and "--force" in again.output
    assert runner.invoke(app, [*args, "--force"]).exit_code == 0


def _plan_doc(demo: Path) -> dict[str, object]:
    doc: dict[str, object] = json.loads((demo / "schedule" / "plan.json").read_text(encoding="utf-8"))
    return doc


@pytest.mark.parametrize("content", ["{}", "[]", "not json", '{"format": "onevisit-plan-v2"}', "\xff\xfe"])
def test_export_of_a_garbage_plan_is_a_chinese_message(content: str, sample_dir: Path, tmp_path: Path) -> None:
    plan = tmp_path / "plan.json"
    plan.write_bytes(content.encode("latin-1") if content.startswith("\xff") else content.encode("utf-8"))
    result = runner.invoke(app, ["export", "--plan", str(plan), "--data", str(sample_dir), "--out", str(tmp_path / "x")])
    assert result.exit_code == 1, result.output
    _no_traceback(result.output)
    assert "plan.json" in result.output
    assert not (tmp_path / "x").exists()


def test_a_plan_naming_an_unknown_inspector_is_refused_with_what_changed(demo: Path, sample_dir: Path, tmp_path: Path) -> None:
    doc = _plan_doc(demo)
    visits = doc["visits"]
    assert isinstance(visits, list)
    visits[0]["team"][0]["inspector_id"] = "NOBODY01"
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    result = runner.invoke(app, ["export", "--plan", str(plan), "--data", str(sample_dir), "--out", str(tmp_path / "x")])
    assert result.exit_code == 1, result.output
    _no_traceback(result.output)
    assert "执法检查人员名录库中已没有安排中的人员 NOBODY01" in result.output
    assert not (tmp_path / "x").exists()


def test_a_draw_made_before_the_rosters_changed_is_refused(demo: Path, sample_dir: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(sample_dir, data)
    selected = (demo / "draw" / "selection.csv").read_text(encoding="utf-8").splitlines()[1].split(",")
    item, uscc = selected[0], selected[2]
    # An item gone from the item list and a drawn enterprise gone from the roster.
    import openpyxl

    wb = openpyxl.load_workbook(data / "items.xlsx")
    ws = wb.active
    assert ws is not None
    for row in range(ws.max_row, 0, -1):
        if ws.cell(row, 1).value == item:
            ws.delete_rows(row)
    wb.save(data / "items.xlsx")
    lines = (data / "enterprises.csv").read_text(encoding="utf-8-sig").splitlines()
    (data / "enterprises.csv").write_text("\n".join(x for x in lines if not x.startswith(uscc)) + "\n", encoding="utf-8-sig")
    result = runner.invoke(app, ["schedule", "--draw", str(demo / "draw"), "--data", str(data), "--out", str(tmp_path / "s")])
    assert result.exit_code == 1, result.output
    _no_traceback(result.output)
    assert "抽取结果与现在的名录库或轮次配置不一致" in result.output
    assert f"抽查事项清单中已没有抽取时的事项 {item}" in result.output
    assert f"检查对象名录库中已没有抽中的企业 {uscc}" in result.output
    assert not (tmp_path / "s").exists()


def test_a_draw_folder_that_is_not_one_is_a_chinese_message(sample_dir: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["schedule", "--draw", str(tmp_path), "--data", str(sample_dir), "--out", str(tmp_path / "s")])
    assert result.exit_code == 1 and "不是抽取结果文件夹" in result.output
    _no_traceback(result.output)


@pytest.mark.parametrize("port", ["99999", "0", "-1"])
def test_serve_with_an_impossible_port_is_a_chinese_message(port: str) -> None:
    result = runner.invoke(app, ["serve", "--port", port])
    assert result.exit_code == 1, result.output
    _no_traceback(result.output)
    assert f"端口 {port} 无效" in result.output


def test_an_unexpected_error_is_a_chinese_message_and_debug_shows_the_traceback(
        sample_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_: object, **__: object) -> None:
        raise KeyError("visits")

    monkeypatch.setattr("scheduler.cli.validate_uc", broken)
    result = runner.invoke(app, ["validate", str(sample_dir)])
    assert result.exit_code == 70
    _no_traceback(result.output)
    assert "内部错误" in result.output and "--debug" in result.output
    debug = runner.invoke(app, ["--debug", "validate", str(sample_dir)])
    assert isinstance(debug.exception, KeyError)


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.output.strip() == "onevisit 0.1.0"


def test_help_shows_no_python_type_names_and_whole_summaries() -> None:
    top = runner.invoke(app, ["--help"]).output
    assert "..." not in top.split("Commands:")[1], top  # summaries are not cut off
    for command in ("validate", "demo", "draw", "verify", "schedule", "check-plan", "export", "serve", "province"):
        text = runner.invoke(app, [command, "--help"]).output
        for leak in ("<list", "<path>", "<str>", "<int>", "<float>", "{paths}", "[Path]", "<bool>"):
            assert leak not in text, (command, leak, text)


def test_validation_txt_says_no_problems(demo: Path) -> None:
    assert (demo / "validation.txt").read_text(encoding="utf-8").startswith("未发现问题")


def _fake_solve(demo: Path, interrupts: int) -> Any:
    """A solve that sends itself *interrupts* Ctrl-Cs and waits on its stop
    signal: finish returns the demo's plan, cancel raises as the use case does."""
    from scheduler import planfile
    from scheduler.app.errors import SolveCancelled
    from scheduler.assign.events import StopMode, StopSignal

    def solve(*_: object, stop: StopSignal, **__: object) -> object:
        for k in range(interrupts):
            threading.Timer(0.2 * (k + 1), os.kill, (os.getpid(), signal.SIGINT)).start()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if stop.mode is StopMode.CANCEL or (stop.mode is StopMode.FINISH and interrupts == 1):
                break
            time.sleep(0.02)
        if stop.mode is StopMode.CANCEL:
            raise SolveCancelled
        assert stop.mode is StopMode.FINISH
        return planfile.read(demo / "schedule" / "plan.json")

    return solve


@pytest.mark.parametrize("interrupts", [1, 2])
def test_ctrl_c_finishes_then_cancels_a_solve(interrupts: int, demo: Path, sample_dir: Path, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("scheduler.cli.schedule_uc", _fake_solve(demo, interrupts))
    # Python leaves SIGINT ignored when the suite was started in the background
    # of a non-interactive shell (as `.ci/run &` does); a terminal's Ctrl-C is
    # what the test is about, so give this process Python's own handler.
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    out = tmp_path / "s"
    try:
        result = runner.invoke(app, ["schedule", "--draw", str(demo / "draw"), "--data", str(sample_dir), "--out", str(out)])
    finally:
        signal.signal(signal.SIGINT, previous)
    _no_traceback(result.output)
    assert "正在结束求解，保留目前最好的方案" in result.output
    if interrupts == 1:
        assert result.exit_code == 0, result.output
        assert (out / "plan.json").read_bytes() == (demo / "schedule" / "plan.json").read_bytes()
    else:
        assert result.exit_code == 130 and "求解已取消" in result.output
        assert not out.exists()


# --- found by trying the product on a fresh clone ---------------------------------


@pytest.mark.parametrize(("argv", "expected"), [
    (["draw", "--out", "x"], "缺少必填的 --data"),
    (["nosuch"], "没有命令 'nosuch'"),
    (["serve", "--port", "abc"], "--port 的值无效"),
    (["validate", "--roun", "x"], "没有选项 --roun，是否想用 --round"),
])
def test_usage_errors_are_chinese(argv: list[str], expected: str, monkeypatch: pytest.MonkeyPatch,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(sys, "argv", ["onevisit", *argv])
    with pytest.raises(SystemExit) as info:
        main()
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert expected in err and "--help" in err
    _no_traceback(err)
    assert "Error:" not in err and "Missing option" not in err


@pytest.mark.parametrize("uscc", ["913307991874449976", "abc", "", "91330799…"])
def test_self_check_refuses_an_invalid_uscc(uscc: str, demo: Path) -> None:
    result = runner.invoke(app, ["self-check", str(demo / "draw"), "--uscc", uscc])
    assert result.exit_code == 1, result.output
    assert "统一社会信用代码" in result.output and "未抽中" not in result.output


def test_self_check_on_an_offices_draw_folder_uses_the_sealed_part(demo: Path) -> None:
    drawn = (demo / "draw" / "selection.csv").read_text(encoding="utf-8").splitlines()[1].split(",")[2]
    result = runner.invoke(app, ["self-check", str(demo / "draw"), "--uscc", drawn])
    assert result.exit_code == 0, result.output
    assert "（封存文件夹）" in result.output and "✓ 与规则一致" in result.output


def test_check_plan_refuses_the_draw_rule_named_plan_json(demo: Path, sample_dir: Path) -> None:
    result = runner.invoke(app, ["check-plan", str(demo / "draw" / "plan.json"), "--data", str(sample_dir)])
    assert result.exit_code == 1, result.output
    assert "这是抽取结果文件夹中的抽取规则 plan.json" in result.output and "复核通过" not in result.output
    empty = runner.invoke(app, ["check-plan", str(demo / "draw"), "--data", str(sample_dir)])  # a folder: its plan.json
    assert empty.exit_code == 1 and "不是 OneVisit 的安排结果" in empty.output


def test_a_declared_beacon_must_be_given(sample_dir: Path, tmp_path: Path) -> None:
    reveals = ["--reveal", "示例县市场监督管理局=demo-secret-scjg-2026q4", "--reveal", "示例县公证处=demo-secret-notary-2026q4"]
    result = runner.invoke(app, ["draw", "--data", str(sample_dir), "--out", str(tmp_path / "d"), *reveals])
    assert result.exit_code == 1 and "请按说明填写其值（命令行 --beacon" in result.output
    assert not (tmp_path / "d").exists()


def test_a_plain_seed_on_a_round_with_commitments_says_what_to_do(sample_dir: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["draw", "--data", str(sample_dir), "--out", str(tmp_path / "d"), "--seed", "12345"])
    assert result.exit_code == 1
    assert "本轮次已公布承诺值" in result.output and "--seed 只用于" in result.output
