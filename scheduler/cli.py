"""The ``onevisit`` command line.

Messages about the user's data are in Chinese (with English where it helps);
every command has ``--help``.  Input problems are printed with file, row and
column, and the command exits with status 1 without writing anything.
"""

from __future__ import annotations

import contextlib
import json
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import typer

from scheduler import __version__
from scheduler.assign.plan import PlanResult, build_plan
from scheduler.assign.solver import SolverSettings
from scheduler.assign.validate import check_plan, read_plan
from scheduler.atomic import staged_dir, write_bytes, write_text
from scheduler.draw import DrawResult, Reveal, RuleError, build_rule, run_draw, verify, write_draw
from scheduler.draw.run import PLAIN_SEED_PARTY
from scheduler.export.bundle import write_exports
from scheduler.export.context import build_context
from scheduler.io import Report, load
from scheduler.io.dataset import Inputs
from scheduler.io.results import read_results
from scheduler.results import ItemResult
from scheduler.sample import demo_results_csv, sample_dir
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


@contextlib.contextmanager
def output_folder(out: Path) -> Iterator[Path]:
    """A staging folder that becomes *out* when the block succeeds.  On any
    failure the previous folder is left as it was and the user is told why."""
    try:
        with staged_dir(out) as stage:
            yield stage
    except OSError as exc:
        _echo(f"写入失败，未生成任何文件 (write failed, nothing written): {out}: {exc.strerror or exc}")
        raise typer.Exit(1) from None


def print_written(out: Path) -> None:
    """The files written; a folder of more than 12 files is one line."""
    root = out.resolve()
    _echo(f"结果已写入 (results written to): {root}")
    files = sorted(f.relative_to(root) for f in root.rglob("*") if f.is_file())
    by_folder: dict[Path, list[Path]] = {}
    for f in files:
        by_folder.setdefault(f.parent, []).append(f)
    for folder, inside in sorted(by_folder.items()):
        if len(inside) > 12:
            _echo(f"  {folder}/ （{len(inside)} 个文件 files）")
        else:
            for f in inside:
                _echo(f"  {f}")


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


DEMO_BEACON = "03 07 12 19 25 31 + 09"
DEMO_RESULTS = "检查结果_演示数据.csv"  # simulated results the demo enters (clearly named as such)
DEMO_REVEALS = (("示例县市场监督管理局", "demo-secret-scjg-2026q4"), ("示例县公证处", "demo-secret-notary-2026q4"))


def _parse_reveals(values: list[str]) -> list[Reveal]:
    out = []
    for value in values:
        party, sep, secret = value.partition("=")
        if not sep or not party.strip():
            _echo(f"--reveal 应写成「承诺方=秘密值」(party=secret)，实际为「{value}」")
            raise typer.Exit(2)
        out.append(Reveal(party.strip(), secret))
    return out


def print_draw(result: DrawResult) -> None:
    r, m = result.rule, result.manifest()
    ex = m["excluded"]
    _echo(f"抽查轮次 (round): {r.round_name}；算法 (algorithm) {r.algorithm}")
    _echo(f"可抽取企业 (eligible): {m['eligible_enterprises']:,} 户；排除 (excluded): 非存续 {ex['inactive']:,}、"
          f"冷却期内 {ex['cooldown']:,}、达到年度上限 {ex['yearly_cap']:,}")
    _echo(f"抽查事项 {len(r.items)} 项，分层 (strata) {len(result.selection.strata)} 个，抽取名单行 (frame rows) {m['frame_rows']:,}")
    _echo(f"P = {m['plan_sha256']}")
    _echo(f"D = {m['frame_sha256']}")
    _echo(f"S = {m['seed']}")
    labels = {"coordinated": "协同抽取 coordinated", "independent": "各自抽取 independent"}
    _echo("抽取结果 (result):")
    _echo(table(["模式 mode", "抽中事项户次", "需检查企业户数 visits", "联合检查户次", "跨部门联合抽查占比"],
                [[labels[mode], c["item_inspections"], c["visits"], c["joint_inspections"], f"{c['joint_share']:.1%}"]
                 for mode, c in m["coordination"].items()]))
    if "independent" in m["coordination"] and "coordinated" in m["coordination"]:
        saved = m["coordination"]["independent"]["visits"] - m["coordination"]["coordinated"]["visits"]
        _echo(f"协同抽取比各自抽取少进企业门 {saved:,} 户次 (coordination saves {saved:,} visits at identical stratum sizes)")


def _draw(inputs: Inputs, round_file: Path | None, mode: str, beacon: str, reveals: list[Reveal]) -> DrawResult:
    if inputs.round is None:
        _echo("缺少抽查轮次配置：请用 --round 指定 round.toml (no round file)")
        raise typer.Exit(1)
    try:
        rule = build_rule(inputs.round, inputs.dataset, mode)
        return run_draw(rule, inputs.dataset, beacon, reveals)
    except RuleError as exc:
        _echo("无法抽取 (the draw cannot run):")
        for line in str(exc).splitlines():
            _echo(f"  {line}")
        raise typer.Exit(1) from None


@app.command()
def draw(
    data: Annotated[Path, typer.Option("--data", help="数据文件夹 (rosters folder)")],
    out: Annotated[Path, typer.Option("--out", help="抽取结果文件夹 (draw folder to publish)")],
    round_file: Annotated[Path | None, typer.Option("--round", help="抽查轮次配置 round.toml（默认取数据文件夹中的 .toml）")] = None,
    seed: Annotated[str | None, typer.Option("--seed", help="随机数种子（本轮次未公布承诺时）(plain seed)")] = None,
    beacon: Annotated[str, typer.Option("--beacon", help="公开随机源的值，如彩票开奖号码 (public beacon value)")] = "",
    reveal: Annotated[list[str] | None, typer.Option("--reveal", help="揭示秘密值：承诺方=秘密值，可多次 (party=secret)")] = None,
    mode: Annotated[str, typer.Option("--mode", help="coordinated（协同，默认）或 independent（各自）")] = "coordinated",
) -> None:
    """随机抽取检查对象并公布可复核的结果 (draw inspection targets, publish a verifiable draw folder)."""
    inputs, report = _load([data], round_file)
    if inputs is None:
        print_problems(report)
        _echo("数据有错误，请修正后重试 (input errors: nothing was written).")
        raise typer.Exit(1)
    if seed is not None and (reveal or beacon):
        _echo("--seed 不能与 --beacon/--reveal 同时使用 (use either a plain seed or beacon + reveals)")
        raise typer.Exit(2)
    reveals = [Reveal(PLAIN_SEED_PARTY, seed)] if seed is not None else _parse_reveals(reveal or [])
    result = _draw(inputs, round_file, mode, beacon, reveals)
    print_draw(result)
    with output_folder(out) as stage:
        write_draw(result, inputs.dataset, stage)
    print_written(out)


@app.command("verify")
def verify_cmd(
    folder: Annotated[Path, typer.Argument(help="抽取结果文件夹 (published draw folder)")],
    data: Annotated[
        Path | None, typer.Option("--data", help="数据文件夹：同时用名录库重算抽取名单 (also rebuild the frame from the rosters)")
    ] = None,
) -> None:
    """复核抽取结果：重算 P、D、S、每个票号和每个分层 (re-compute a published draw)."""
    dataset = None
    if data is not None:
        inputs, report = _load([data], None)
        if inputs is None:
            print_problems(report)
            raise typer.Exit(1)
        dataset = inputs.dataset
    result = verify(folder, dataset)
    for line in result.checked:
        _echo(f"  ✓ {line}")
    if result.ok:
        _echo("复核通过：抽取结果已完全复现。 (Verified: the draw is reproduced exactly.)")
        return
    _echo(f"复核未通过：发现 {len(result.differences)} 处不一致 (verification FAILED):")
    for line in result.differences:
        _echo(f"  ✗ {line}")
    raise typer.Exit(1)


@app.command("schedule")
def schedule_cmd(
    draw_folder: Annotated[Path, typer.Option("--draw", help="抽取结果文件夹 (published draw folder)")],
    data: Annotated[Path, typer.Option("--data", help="数据文件夹 (rosters folder)")],
    out: Annotated[Path, typer.Option("--out", help="输出文件夹，写入 plan.json (output folder)")],
    round_file: Annotated[Path | None, typer.Option("--round", help="抽查轮次配置 round.toml（默认取数据文件夹中的 .toml）")] = None,
    audit: Annotated[bool, typer.Option("--audit", help="审计模式：固定求解参数，结果逐字节可复现 (reproducible, slower)")] = False,
    time_limit: Annotated[float, typer.Option("--time-limit", help="快速模式求解时限（秒）(fast mode wall-clock limit)")] = 20.0,
) -> None:
    """第二个随机：抽取执法人员并安排联合检查 (draw officers and schedule one combined visit per enterprise)."""
    inputs, report = _load([data], round_file)
    if inputs is None or inputs.round is None:
        print_problems(report)
        _echo("数据有错误或缺少轮次配置 (input errors or no round file): nothing was written.")
        raise typer.Exit(1)
    if not (draw_folder / "selection.csv").is_file():
        _echo(f"找不到抽取结果 {draw_folder / 'selection.csv'}：请先运行 onevisit draw (no draw folder)")
        raise typer.Exit(1)
    result = _schedule(inputs, draw_folder, SolverSettings(audit=audit, time_limit=time_limit))
    with output_folder(out) as stage:
        write_bytes(stage / "plan.json", result.to_bytes())
    print_written(out)
    if result.plan["unassigned"]:
        raise typer.Exit(3)


def _plan_and_inputs(plan_file: Path, data: Path) -> tuple[dict[str, Any], Inputs]:
    """The rosters and a plan.json, or a message and exit status 1."""
    inputs, report = _load([data], None)
    if inputs is None:
        print_problems(report)
        raise typer.Exit(1)
    try:
        return read_plan(plan_file), inputs
    except (OSError, ValueError) as exc:
        _echo(f"无法读取 {plan_file}：{exc}")
        raise typer.Exit(1) from None


@app.command("check-plan")
def check_plan_cmd(
    plan_file: Annotated[Path, typer.Argument(help="安排结果 plan.json (schedule)")],
    data: Annotated[Path, typer.Option("--data", help="数据文件夹 (rosters folder)")],
) -> None:
    """独立复核安排结果是否违反硬性规则（不使用求解器）(check every hard rule of a plan, without the solver)."""
    plan, inputs = _plan_and_inputs(plan_file, data)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CalendarCoverageWarning)
        violations = check_plan(plan, inputs.dataset, inputs.calendar)
    visits = len(plan.get("visits", []))
    if not violations:
        _echo(f"复核通过：{visits:,} 户安排均符合全部硬性规则。 (No hard-rule violations in {visits:,} visits.)")
        return
    _echo(f"发现 {len(violations)} 处违反硬性规则 ({len(violations)} hard-rule violations):")
    for v in violations:
        _echo(f"  {v}")
    raise typer.Exit(1)


def _schedule(inputs: Inputs, draw_folder: Path, settings: SolverSettings) -> PlanResult:
    assert inputs.round is not None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CalendarCoverageWarning)
        result = build_plan(draw_folder, inputs.dataset, inputs.round, inputs.calendar, settings, _echo)
    print_schedule(result)
    return result


def print_schedule(result: PlanResult) -> None:
    st = result.plan["statistics"]
    _echo(f"安排结果 (schedule): {st['assigned']:,}/{st['visits']:,} 户已安排，{st['unassigned']:,} 户未安排；"
          f"完全按抽取结果组队 {st['as_drawn_share']:.1%} (as drawn)，抽中人员占比 {st['drawn_officer_share']:.1%}")
    _echo(f"人日乡镇数 (officer-day-township uses) {st['officer_day_township_uses']:,}，"
          f"下界 {st['lower_bound_uses_given_teams']:,}，差距 {st['gap_to_bound']:.1%} (gap to bound)")
    for visit in result.plan["unassigned"]:
        _echo(f"  未安排 {visit['visit_id']} {visit['name']}（{visit['township']}）：" + "；".join(visit["reasons"]))


@app.command("export")
def export_cmd(
    plan_file: Annotated[Path, typer.Option("--plan", help="安排结果 plan.json (schedule)")],
    data: Annotated[Path, typer.Option("--data", help="数据文件夹 (rosters folder)")],
    out: Annotated[Path, typer.Option("--out", help="输出文件夹 (output folder)")],
    draw_folder: Annotated[Path | None, typer.Option("--draw", help="抽取结果文件夹：列出 P、D、S 和比例 (draw folder)")] = None,
    results: Annotated[Path | None, typer.Option("--results", help="已填写的检查结果录入表：生成结果公示 (results)")] = None,
    workers: Annotated[int | None, typer.Option("--workers", help="并行进程数（默认按 CPU 核数）(worker processes)")] = None,
) -> None:
    """导出总表、乡镇街道工作簿、执法人员日程、结果录入表和公示 (write every workbook, calendar and notice)."""
    plan, inputs = _plan_and_inputs(plan_file, data)
    if draw_folder is not None and not (draw_folder / "manifest.json").is_file():
        _echo(f"找不到抽取结果 {draw_folder / 'manifest.json'} (no draw folder): nothing was written.")
        raise typer.Exit(1)
    entered = _results(results, plan, inputs) if results is not None else []
    with output_folder(out) as stage:
        _export(plan, inputs, stage, draw_folder, entered, workers)
    print_written(out)


def _results(path: Path, plan: dict[str, Any], inputs: Inputs) -> list[ItemResult]:
    """A filled results form, or its problems and exit status 1."""
    report = Report()
    found = read_results(path, plan, inputs.dataset.items, report)
    if found is None or not report.ok:
        print_problems(report)
        _echo("检查结果有错误，未生成任何文件 (errors in the results file): nothing was written.")
        raise typer.Exit(1)
    if report.problems:
        print_problems(report)
    _echo(f"检查结果 (results): {len(found):,} 个事项户次，{len({r.uscc for r in found}):,} 户")
    return found


def _export(plan: dict[str, Any], inputs: Inputs, folder: Path, draw_folder: Path | None,
            results: list[ItemResult], workers: int | None = None) -> None:
    ctx = build_context(plan, inputs.dataset, draw_folder, results)

    shown = [-1]

    def progress(done: int, total: int) -> None:
        if done * 5 // total > shown[0]:
            shown[0] = done * 5 // total
            _echo(f"  导出 (exporting) [{done}/{total}]")

    todo = write_exports(ctx, folder, workers, progress)
    parts: dict[str, int] = {}
    for job in todo:
        parts[job.part] = parts.get(job.part, 0) + 1
    _echo("  " + "，".join(f"{part} {n}" for part, n in parts.items()))


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
    _echo()
    _echo(f"第一个随机：抽取检查对象 (first random: the draw)，公开随机源 {DEMO_BEACON!r}，两方揭示演示秘密值")
    result = _draw(inputs, None, "coordinated", DEMO_BEACON, [Reveal(p, s) for p, s in DEMO_REVEALS])
    print_draw(result)
    with output_folder(out) as stage:
        write_text(stage / "inputs-summary.json", json.dumps(summary, ensure_ascii=False, indent=2) + "\n")
        write_text(stage / "validation.txt", "\n".join(str(p) for p in report.sorted()) + "\n")
        write_draw(result, inputs.dataset, stage / "draw")
        _echo()
        _echo("第二个随机：抽取执法人员并安排联合检查 (second random: officers and dates)")
        plan = _schedule(inputs, stage / "draw", SolverSettings(audit=True))
        write_bytes(stage / "schedule" / "plan.json", plan.to_bytes())
        violations = check_plan(plan.plan, inputs.dataset, inputs.calendar)
        _echo(f"独立复核 (independent check): {len(violations)} 处违反硬性规则 (hard-rule violations)")
        if violations:
            raise typer.Exit(1)
        _echo()
        results_file = stage / "results" / DEMO_RESULTS
        write_bytes(results_file, demo_results_csv(plan.plan))
        _echo(f"演示检查结果 (simulated results, demo only): results/{DEMO_RESULTS}")
        entered = _results(results_file, plan.plan, inputs)
        _echo()
        _echo("导出工作簿、日程和公示 (workbooks, calendars, notices):")
        _export(plan.plan, inputs, stage / "exports", stage / "draw", entered)
    _echo()
    print_written(out)
    _echo(f"复核抽取结果 (verify the draw): onevisit verify {out / 'draw'} --data {data}")
    _echo(f"复核安排结果 (check the plan): onevisit check-plan {out / 'schedule' / 'plan.json'} --data {data}")


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
