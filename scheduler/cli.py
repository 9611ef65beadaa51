"""The ``onevisit`` command line.

Messages about the user's data are in Chinese (with English where it helps);
every command has ``--help``.  Input problems are printed with file, row and
column, and the command exits with status 1 without writing anything.
"""

from __future__ import annotations

import json
import sys
import warnings
from pathlib import Path
from typing import Annotated, Any

import typer

from scheduler import __version__
from scheduler.atomic import staged_dir, write_text
from scheduler.io import Report, load
from scheduler.io.dataset import Inputs
from scheduler.sample import sample_dir
from scheduler.summary import summarise
from scheduler.textfmt import table
from scheduler.workdays import CalendarCoverageWarning

app = typer.Typer(
    name="onevisit",
    help="OneVisit 双随机、一公开 跨部门联合抽查计划工具 (joint inspection planner).",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)


def _echo(text: str = "") -> None:
    typer.echo(text)


def print_problems(report: Report) -> None:
    problems = report.sorted()
    if not problems:
        _echo("未发现问题 (no problems found)。")
        return
    _echo(f"发现 {len(report.errors)} 个错误、{len(report.warnings)} 个警告 "
          f"({len(report.errors)} errors, {len(report.warnings)} warnings):")
    for p in problems:
        _echo(f"  {p}")


def print_summary(summary: dict[str, Any]) -> None:
    ent = summary["enterprises"]
    _echo(f"检查对象 (enterprises): {ent['total']:,} 户，其中可抽取（存续/在业/开业）{ent['active']:,} 户")
    _echo("  按信用风险分类 (by credit class, active): " +
          "  ".join(f"{k} {v:,}" for k, v in ent["by_credit_class"].items()))
    _echo("  按登记状态 (by status): " + "  ".join(f"{k} {v:,}" for k, v in ent["by_status"].items()))
    _echo("按乡镇街道 (by township):")
    _echo(table(["乡镇街道", "企业数", "可抽取"],
                [[t, v["total"], v["active"]] for t, v in ent["by_township"].items()]))
    _echo(f"抽查事项 (items): {summary['items']}    执法检查人员 (inspectors): {summary['inspectors']}"
          f"    检查记录 (history rows): {summary['history_rows']:,}")
    _echo("按部门 (by agency):")
    _echo(table(["部门", "抽查事项", "执法人员"],
                [[a, v["items"], v["inspectors"]] for a, v in summary["agencies"].items()]))
    if "round" in summary:
        r = summary["round"]
        agencies = r["agencies"] if isinstance(r["agencies"], str) else "、".join(r["agencies"])
        _echo(f"抽查轮次 (round): {r['name']}  {r['window'][0]} 至 {r['window'][1]}，"
              f"工作日 {r['workdays']} 天；发起部门 {r['lead_agency']}；参与部门 {agencies}")


def write_output(out: Path, files: dict[str, str]) -> None:
    """Write *files* (name -> text) as the folder *out*, atomically: on any
    failure the previous folder is left as it was and the user is told why."""
    try:
        with staged_dir(out) as stage:
            for name, text in files.items():
                write_text(stage / name, text)
    except OSError as exc:
        _echo(f"写入失败，未生成任何文件 (write failed, nothing written): {out}: {exc.strerror or exc}")
        raise typer.Exit(1) from None


def _load(paths: list[Path], round_file: Path | None) -> tuple[Inputs | None, Report]:
    report = Report()
    with warnings.catch_warnings():
        # Calendar coverage is already reported as a warning in the report.
        warnings.simplefilter("ignore", CalendarCoverageWarning)
        inputs = load(paths, report, round_file=round_file)
    return inputs, report


@app.command()
def validate(
    paths: Annotated[list[Path], typer.Argument(help="数据文件夹或文件 (folder or roster files)")],
    round_file: Annotated[Path | None, typer.Option("--round", help="抽查轮次配置 round.toml")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出汇总 (print the summary as JSON)")] = False,
) -> None:
    """检查名录库并汇总 (check the rosters and print a summary). Writes nothing."""
    inputs, report = _load(paths, round_file)
    if as_json:
        payload = {
            "ok": report.ok,
            "problems": [{"severity": p.severity.value, "file": p.file, "row": p.row,
                          "column": p.column, "message": p.message} for p in report.sorted()],
            "summary": summarise(inputs) if inputs else None,
        }
        _echo(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        if inputs is not None:
            print_summary(summarise(inputs))
        print_problems(report)
    if not report.ok:
        if not as_json:
            _echo("数据有错误，请修正后重试 (input errors: nothing was written).")
        raise typer.Exit(1)


@app.command()
def demo(
    out: Annotated[Path, typer.Option("--out", help="输出文件夹 (output folder)")] = Path("onevisit-demo"),
) -> None:
    """在内置示例县数据上运行完整流程 (run the whole pipeline on the bundled sample county)."""
    data = sample_dir()
    _echo(f"OneVisit {__version__} 演示 (demo)：示例县数据 {data}")
    inputs, report = _load([data], None)
    if inputs is None:
        print_problems(report)
        raise typer.Exit(1)
    summary = summarise(inputs)
    print_summary(summary)
    print_problems(report)
    write_output(out, {
        "inputs-summary.json": json.dumps(summary, ensure_ascii=False, indent=2) + "\n",
        "validation.txt": "\n".join(str(p) for p in report.sorted()) + "\n",
    })
    _echo()
    _echo(f"结果已写入 (results written to): {out.resolve()}")
    for f in sorted(out.resolve().iterdir()):
        _echo(f"  {f.name}")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="监听地址 (bind address)")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="端口 (port)")] = 8000,
) -> None:
    """启动网页服务 (start the web service: roster validation page and API)."""
    import uvicorn

    _echo(f"OneVisit 网页服务: http://{host}:{port}/  (API 文档 /docs)")
    uvicorn.run("api.app:app", host=host, port=port, log_level="info")


def main() -> None:  # console-script entry point
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)
