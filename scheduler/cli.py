"""The ``onevisit`` command line: it parses, calls a use case
(:mod:`scheduler.app`) and presents the result.  No pipeline logic lives here.

Messages about the user's data are in Chinese (with English where it helps);
every command has ``--help``.  Errors are printed as Chinese messages naming
the file (and row and column where there is one); a Python traceback is shown
only with ``onevisit --debug``.
"""

from __future__ import annotations

import functools
import json
import socket
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer
import typer.core

try:  # Typer ≥ 0.26 ships its own copy of click
    from typer._click import exceptions as click
except ImportError:  # pragma: no cover - older Typer uses click itself
    from click import exceptions as click  # type: ignore[no-redef]

from scheduler import __version__
from scheduler.app import demo as demo_uc
from scheduler.app.drawing import draw as draw_uc
from scheduler.app.drawing import load_draw, parse_reveals, publish_draw, self_check, verify_draw
from scheduler.app.errors import UseCaseError
from scheduler.app.exporting import export as export_uc
from scheduler.app.inputs import Validation, load_inputs
from scheduler.app.inputs import validate as validate_uc
from scheduler.app.outputs import check_target
from scheduler.app.province import Execution, ProvinceEvent, RunStarted, schedule_province
from scheduler.app.results import RecordedResults, record_results
from scheduler.app.scheduling import check, load_plan, read_plan_document, save_plan
from scheduler.app.scheduling import schedule as schedule_uc
from scheduler.assign.events import SolveEvent, StopSignal
from scheduler.assign.solver import SolverSettings
from scheduler.draw import DrawResult
from scheduler.io import Report
from scheduler.plan import Plan
from scheduler.province.summary import ProvinceSummary, status_text, table_text
from scheduler.province.task import CountyStatus, DrawSpec
from scheduler.results import ItemResult
from scheduler.sample import sample_dir
from scheduler.store import admin as store_admin
from scheduler.store.audit import AuditVerification
from scheduler.textfmt import table

if TYPE_CHECKING:
    from api.auth import FirstPlanner

app = typer.Typer(
    name="onevisit",
    help="OneVisit 双随机、一公开 跨部门联合抽查计划工具 (joint inspection planner).",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)

# Typer prints an argument's Python type beside it in --help ("PATH <list[Path]>")
# and braces around required ones ("{paths}"); people reading the help need the
# metavar (required: as is; optional: in brackets) and the Chinese text only.
typer.core.TyperArgument.display_type_rich = lambda self, ctx: None  # type: ignore[method-assign]
typer.core.TyperArgument._usage_display_name = lambda self: (  # type: ignore[method-assign]
    (self.display_name_raw if self.required else f"[{self.display_name_raw}]") + ("..." if self.nargs != 1 else ""))

_STATE = {"debug": False}
INTERNAL_ERROR = 70
F = TypeVar("F", bound=Callable[..., None])


def _echo(text: str = "") -> None:
    typer.echo(text)


def boundary(func: F) -> F:
    """Catch at the CLI boundary: a use-case error prints its Chinese lines
    and exits with its status; anything else prints a Chinese message (the
    traceback only with --debug) and exits with status 70."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> None:
        try:
            func(*args, **kwargs)
        except (typer.Exit, typer.Abort, KeyboardInterrupt):
            raise
        except UseCaseError as exc:
            for line in exc.lines:
                _echo(line)
            raise typer.Exit(exc.exit_code) from None
        except Exception as exc:
            if _STATE["debug"]:
                raise
            _echo(f"内部错误，操作未完成，未写入任何结果 (internal error, nothing written): {type(exc).__name__}: {str(exc)[:200]}")
            _echo("请加 --debug 重新运行以显示详细信息，并向维护者报告 (run with onevisit --debug … for details).")
            raise typer.Exit(INTERNAL_ERROR) from None

    return wrapper  # type: ignore[return-value]


def command(name: str | None = None, *, short: str, group: typer.Typer | None = None) -> Callable[[F], F]:
    """``app.command`` (or a sub-command of *group*) with the error boundary
    and a short help line that is not cut off in ``onevisit --help``."""

    def deco(func: F) -> F:
        (group or app).command(name, short_help=short)(boundary(func))
        return func

    return deco


def _version(value: bool) -> None:
    if value:
        _echo(f"onevisit {__version__}")
        raise typer.Exit


@app.callback()
def main_options(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="显示版本号 (show the version and exit)")] = False,
    debug: Annotated[bool, typer.Option("--debug", help="出错时显示 Python 调用栈 (show tracebacks)")] = False,
) -> None:
    """OneVisit 双随机、一公开 跨部门联合抽查计划工具 (joint inspection planner)."""
    _STATE["debug"] = debug


# --------------------------------------------------------------------------
# Presenting typed results


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
        w = r["workload"]
        month = f"每月最多 {w['max_days_per_month']} 个检查日" if w["max_days_per_month"] else "每月不限"
        _echo(f"工作量上限 (workload): 每名执法人员每周最多 {w['max_days_per_week']} 个检查日，{month}")


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


def print_publication_note(out: Path) -> None:
    _echo(f"公开文件 (public): {out}/plan.json、manifest.json、selection.csv —— 不含企业信用风险分类，可向社会公示；")
    _echo(f"封存文件夹 (sealed): {out}/封存/ —— 含信用风险分类，交监督方（公证处、纪检）保管，不得公开。")


def print_event(event: SolveEvent) -> None:
    _echo(event.message)


def print_plan(plan: Plan) -> None:
    st = plan.statistics
    _echo(f"安排结果 (schedule): {st.assigned:,}/{st.visits:,} 户已安排，{st.unassigned:,} 户未安排；"
          f"完全按抽取结果组队 {st.as_drawn_share:.1%} (as drawn)，抽中人员占比 {st.drawn_officer_share:.1%}")
    _echo(f"人日乡镇数 (officer-day-township uses) {st.officer_day_township_uses:,}，"
          f"下界 {st.lower_bound_uses_given_teams:,}，差距 {st.gap_to_bound:.1%} (gap to bound)")
    if st.weeks:
        busiest = max(st.weeks, key=lambda w: w.ratio)
        _echo(f"每周分布 (spread): 最忙的一周 {busiest.week}（{busiest.first} 至 {busiest.last}）{busiest.visits:,} 户，"
              f"为均衡份额的 {st.busiest_week_ratio:.2f} 倍；工作量上限每周 {plan.round.max_days_per_week} 个检查日")
    for visit in plan.unassigned:
        _echo(f"  未安排 {visit.visit_id} {visit.name}（{visit.township}）：" + "；".join(visit.reasons))


def print_results(recorded: RecordedResults) -> None:
    if recorded.report.problems:
        print_problems(recorded.report)
    _echo(f"检查结果 (results): {len(recorded.results):,} 个事项户次，{recorded.enterprises:,} 户")


def progress_printer() -> Callable[[int, int], None]:
    shown = [-1]

    def progress(done: int, total: int) -> None:
        if done * 5 // total > shown[0]:
            shown[0] = done * 5 // total
            _echo(f"  导出 (exporting) [{done}/{total}]")

    return progress


def print_parts(parts: dict[str, int]) -> None:
    _echo("  " + "，".join(f"{part} {n}" for part, n in parts.items()))


def print_written(out: Path) -> None:
    """The files written; a folder of more than 12 files is one line."""
    root = out.resolve()
    _echo(f"结果已写入 (results written to): {root}")
    files = sorted(f.relative_to(root) for f in root.rglob("*") if f.is_file() and not f.name.startswith("."))
    by_folder: dict[Path, list[Path]] = {}
    for f in files:
        by_folder.setdefault(f.parent, []).append(f)
    for folder, inside in sorted(by_folder.items()):
        if len(inside) > 12:
            _echo(f"  {folder}/ （{len(inside)} 个文件 files）")
        else:
            for f in inside:
                _echo(f"  {f}")


T = TypeVar("T")


def interruptible(work: Callable[[StopSignal], T]) -> T:
    """Run *work* in a worker thread so that Ctrl-C is seen at once: the
    first Ctrl-C asks it to finish now (keep the best plan so far), the
    second to cancel.  Its result or exception is the caller's."""
    stop = StopSignal()
    outcome: dict[str, Any] = {}
    done = threading.Event()  # (an interrupted Thread.join can wrongly report the thread finished)

    def run() -> None:
        try:
            outcome["value"] = work(stop)
        except BaseException as exc:  # handed to the caller's thread
            outcome["error"] = exc
        finally:
            done.set()

    threading.Thread(target=run, name="onevisit-solve", daemon=True).start()
    while not done.is_set():
        try:
            done.wait(0.2)
        except KeyboardInterrupt:
            if stop.requested:
                _echo("正在取消，不保留任何安排…… (cancelling)")
                stop.cancel()
            else:
                _echo("正在结束求解，保留目前最好的方案……（再按一次 Ctrl-C 取消）(finishing: Ctrl-C again to cancel)")
                stop.finish()
    if "error" in outcome:
        raise outcome["error"]
    result: T = outcome["value"]
    return result


def print_province_event(event: ProvinceEvent) -> None:
    if isinstance(event, RunStarted):
        where = "本机逐县运行 (serial)" if event.where == "serial" else f"Dask 集群 {event.where}，{event.workers} 个工作线程"
        _echo(f"省级安排 (province)：{event.counties} 个县，{where}")
        if event.where != "serial" and event.workers == 0:
            _echo("  集群中暂无工作进程：各县将等待 dask worker 加入后开始 (no workers yet: waiting for dask worker)")
        return
    r = event.result
    head = f"  [{event.done}/{event.total}] {r.county}：{status_text(r)}"
    if r.status is CountyStatus.DONE:
        bad = f"，违反硬性规则 {r.violation_count} 处" if r.violations else ""
        _echo(f"{head}，{r.assigned:,}/{r.visits:,} 户已安排{bad}，用时 {r.timings.total:.1f} 秒")
    else:
        _echo(f"{head}：{r.messages[0].strip() if r.messages else ''}")
        for line in r.messages[1:6]:
            _echo(f"      {line.strip()}")


def print_province(summary: ProvinceSummary, out: Path) -> None:
    _echo(table_text(summary).rstrip("\n"))
    _echo(f"结果已写入 (results written to): {out.resolve()}")
    _echo(f"  summary.json、summary.txt，以及 {summary.totals.done} 个县的 <县名>/plan.json")


def province_exit_code(summary: ProvinceSummary) -> int:
    t = summary.totals
    if t.cancelled:
        return 130
    if t.failed or t.violation_count:
        return 1
    return 3 if t.unassigned else 0


# --------------------------------------------------------------------------
# Options shared by several commands

DataOpt = Annotated[Path, typer.Option("--data", metavar="DIR", help="数据文件夹 (rosters folder)")]
RoundOpt = Annotated[Path | None, typer.Option("--round", metavar="ROUND_TOML",
                                               help="抽查轮次配置（默认取数据文件夹中的 .toml）(round file)")]
ForceOpt = Annotated[bool, typer.Option("--force", help="替换同一命令上次生成的输出文件夹 (replace an earlier output of this command)")]


# --------------------------------------------------------------------------
# Commands


@command(short="检查名录库并汇总，不写任何文件 (check the rosters)")
def validate(
    paths: Annotated[list[Path], typer.Argument(metavar="PATH", help="数据文件夹或名录文件 (folder or roster files)")],
    round_file: RoundOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出汇总 (print the summary as JSON)")] = False,
) -> None:
    """检查名录库并汇总 (check the rosters and print a summary). Writes nothing."""
    result = validate_uc(paths, round_file)
    if as_json:
        payload = {
            "ok": result.ok,
            "problems": [{"severity": p.severity.value, "file": p.file, "row": p.row,
                          "column": p.column, "message": p.message} for p in result.report.sorted()],
            "summary": result.summary,
        }
        _echo(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        if result.summary is not None:
            print_summary(result.summary)
        print_problems(result.report)
    if not result.ok:
        if not as_json:
            _echo("数据有错误，请修正后重试 (input errors: nothing was written).")
        raise typer.Exit(1)


@command(short="第一个随机：抽取检查对象并公布 (draw targets)")
def draw(
    data: DataOpt,
    out: Annotated[Path, typer.Option("--out", metavar="DIR", help="抽取结果文件夹 (draw folder to publish)")],
    round_file: RoundOpt = None,
    seed: Annotated[str | None, typer.Option("--seed", metavar="SEED", help="随机数种子（本轮次未公布承诺时）(plain seed)")] = None,
    beacon: Annotated[str, typer.Option("--beacon", metavar="TEXT", help="公开随机源的值，如彩票开奖号码 (public beacon value)")] = "",
    reveal: Annotated[list[str] | None, typer.Option("--reveal", metavar="PARTY=SECRET",
                                                     help="揭示秘密值，可多次 (party=secret, repeatable)")] = None,
    mode: Annotated[str, typer.Option("--mode", metavar="MODE", help="coordinated（协同，默认）或 independent（各自）")] = "coordinated",
    force: ForceOpt = False,
) -> None:
    """随机抽取检查对象并公布可复核的结果 (draw inspection targets, publish a verifiable draw folder)."""
    check_target(out, "draw", force)  # before any work: say at once when --out is not ours to write
    inputs = load_inputs([data], round_file)
    result = draw_uc(inputs, mode=mode, beacon=beacon, reveals=parse_reveals(reveal or []), seed=seed)
    print_draw(result)
    publish_draw(result, inputs, out, force=force)
    print_written(out)
    print_publication_note(out)


@command("verify", short="复核抽取结果：重算种子、票号和名单 (verify a draw)")
def verify_cmd(
    folder: Annotated[Path, typer.Argument(metavar="DRAW_DIR", help="公布的抽取结果文件夹 (published draw folder)")],
    data: Annotated[Path | None, typer.Option("--data", metavar="DIR",
                                              help="数据文件夹：同时用名录库重算抽取名单 (also rebuild the frame)")] = None,
) -> None:
    """复核抽取结果：重算 P、D、S、每个票号和每个分层 (re-compute a published draw)."""
    inputs = load_inputs([data]) if data is not None else None
    result = verify_draw(folder, inputs)
    kinds = {"public": "公开文件 (public files)", "sealed": "封存文件夹 (sealed folder)", "public+sealed": "公开文件与封存文件夹"}
    _echo(f"复核对象 (verifying): {kinds.get(result.kind, result.kind)}")
    for line in result.checked:
        _echo(f"  ✓ {line}")
    for line in result.unchecked:
        _echo(f"  · {line}")
    if result.ok:
        _echo("复核通过：抽取结果已完全复现。 (Verified: the draw is reproduced exactly.)")
        return
    _echo(f"复核未通过：发现 {len(result.differences)} 处不一致 (verification FAILED):")
    for line in result.differences:
        _echo(f"  ✗ {line}")
    raise typer.Exit(1)


@command("self-check", short="企业自查：本企业的票号和是否抽中 (check one enterprise)")
def self_check_cmd(
    folder: Annotated[Path, typer.Argument(metavar="DRAW_DIR", help="抽取结果文件夹（公开或封存）(draw folder)")],
    uscc: Annotated[str, typer.Option("--uscc", metavar="USCC", help="本企业的统一社会信用代码 (the enterprise's USCC)")],
) -> None:
    """企业自查：重算本企业的票号，列出各事项是否抽中 (an enterprise checks its own ticket and outcome)."""
    result = self_check(folder, uscc)
    for line in result.lines():
        _echo(line)
    if not result.ok:
        raise typer.Exit(1)


@command("schedule", short="第二个随机：抽取执法人员并排期 (schedule visits)")
def schedule_cmd(
    draw_folder: Annotated[Path, typer.Option("--draw", metavar="DIR", help="抽取结果文件夹 (published draw folder)")],
    data: DataOpt,
    out: Annotated[Path, typer.Option("--out", metavar="DIR", help="输出文件夹，写入 plan.json (output folder)")],
    round_file: RoundOpt = None,
    audit: Annotated[bool, typer.Option("--audit", help="审计模式：固定求解参数，结果逐字节可复现 (reproducible, slower)")] = False,
    time_limit: Annotated[float, typer.Option("--time-limit", metavar="SECONDS", help="快速模式求解时限（秒）(fast mode limit)")] = 20.0,
    force: ForceOpt = False,
) -> None:
    """第二个随机：抽取执法人员并安排联合检查 (draw officers and schedule one combined visit per enterprise).

    按一次 Ctrl-C：立即结束求解并保留目前最好的方案；再按一次：取消 (Ctrl-C: finish now; twice: cancel)."""
    check_target(out, "schedule", force)
    inputs = load_inputs([data], round_file, need_round=True)
    published = load_draw(draw_folder)
    settings = SolverSettings(audit=audit, time_limit=time_limit)
    plan = interruptible(lambda stop: schedule_uc(inputs, published, settings, on_event=print_event, stop=stop))
    print_plan(plan)
    save_plan(plan, out, force=force)
    print_written(out)
    if plan.unassigned:
        raise typer.Exit(3)


@command("province", short="省级：各县分别抽取并安排，可在 Dask 集群上并行 (schedule a province)")
def province_cmd(
    folder: Annotated[Path, typer.Argument(metavar="PROVINCE_DIR", help="省级数据文件夹：每县一个子文件夹 (one folder per county)")],
    out: Annotated[Path, typer.Option("--out", metavar="DIR", help="输出文件夹：各县 plan.json 和汇总 (output folder)")],
    scheduler: Annotated[str | None, typer.Option("--scheduler", metavar="tcp://HOST:PORT",
                                                  help="连接已启动的 Dask 调度器；默认在本机启动 (existing Dask scheduler)")] = None,
    workers: Annotated[int | None, typer.Option("--workers", metavar="N", help="本机工作进程数（默认按核数）(local workers)")] = None,
    serial: Annotated[bool, typer.Option("--serial", help="不用 Dask，在本进程中逐县运行 (no Dask, one county after another)")] = False,
    time_limit: Annotated[float, typer.Option("--time-limit", metavar="SECONDS", help="每县求解时限（秒）(per-county limit)")] = 20.0,
    audit: Annotated[bool, typer.Option("--audit", help="审计模式：固定求解参数，结果逐字节可复现 (reproducible, slower)")] = False,
    seed: Annotated[str | None, typer.Option("--seed", metavar="SEED", help="随机数种子（轮次配置中没有承诺值时）(plain seed)")] = None,
    beacon: Annotated[str, typer.Option("--beacon", metavar="TEXT", help="公开随机源的值 (public beacon value)")] = "",
    reveal: Annotated[list[str] | None, typer.Option("--reveal", metavar="PARTY=SECRET",
                                                     help="揭示秘密值，可多次 (party=secret, repeatable)")] = None,
    send_data: Annotated[bool, typer.Option("--send-data", help="把各县文件内容发给工作进程（工作节点无共享存储时）(send bytes)")] = False,
    force: ForceOpt = False,
) -> None:
    """省级安排：每个县分别检查名录库、抽取检查对象、抽取执法人员并排期，再独立复核 (draw and schedule every county).

    按一次 Ctrl-C：正在求解的县立即结束并保留目前最好的方案，其余县不再开始；再按一次：取消 (Ctrl-C: finish; twice: cancel)."""
    if serial and scheduler is not None:
        raise UseCaseError("--serial 与 --scheduler 不能同时使用 (use either --serial or --scheduler)")
    if workers is not None and workers < 1:
        raise UseCaseError(f"--workers 应为正整数，实际为 {workers} (workers must be at least 1)")
    if time_limit <= 0:
        raise UseCaseError(f"--time-limit 应大于 0，实际为 {time_limit} (time limit must be positive)")
    check_target(out, "province", force)
    spec = DrawSpec(seed=seed, beacon=beacon, reveals=tuple(parse_reveals(reveal or [])))
    settings = SolverSettings(audit=audit, time_limit=time_limit, workers=1)  # one CP-SAT worker per single-threaded task
    execution = Execution(serial=serial, scheduler=scheduler, workers=workers, send_bytes=send_data)
    summary = interruptible(lambda stop: schedule_province(folder, out, draw=spec, settings=settings, execution=execution,
                                                           force=force, on_progress=print_province_event, stop=stop))
    print_province(summary, out)
    code = province_exit_code(summary)
    if code:
        raise typer.Exit(code)


@command("check-plan", short="独立复核安排是否违反硬性规则 (check a plan)")
def check_plan_cmd(
    plan_file: Annotated[Path, typer.Argument(metavar="PLAN_JSON", help="安排结果 plan.json (schedule)")],
    data: DataOpt,
    round_file: RoundOpt = None,
) -> None:
    """独立复核安排结果是否违反硬性规则（不使用求解器）(check every hard rule of a plan, without the solver).

    给出轮次配置（--round 或数据文件夹中的 round.toml）时，工作量上限以它为准，否则以 plan.json 中记录的为准。
    (With the round file, its workload rule is the authority; otherwise the plan's header.)"""
    inputs = load_inputs([data], round_file)
    doc = read_plan_document(plan_file)
    violations = check(doc, inputs)
    visits = doc.get("visits")
    n = len(visits) if isinstance(visits, list) else 0
    if not violations:
        _echo(f"复核通过：{n:,} 户安排均符合全部硬性规则。 (No hard-rule violations in {n:,} visits.)")
        return
    _echo(f"发现 {len(violations)} 处违反硬性规则 ({len(violations)} hard-rule violations):")
    for v in violations:
        _echo(f"  {v}")
    raise typer.Exit(1)


@command("export", short="导出工作簿、日程和公示 (write every export)")
def export_cmd(
    plan_file: Annotated[Path, typer.Option("--plan", metavar="PLAN_JSON", help="安排结果 plan.json (schedule)")],
    data: DataOpt,
    out: Annotated[Path, typer.Option("--out", metavar="DIR", help="输出文件夹 (output folder)")],
    draw_folder: Annotated[Path | None, typer.Option("--draw", metavar="DIR",
                                                     help="抽取结果文件夹：列出 P、D、S 和比例 (draw folder)")] = None,
    results: Annotated[Path | None, typer.Option("--results", metavar="FILE",
                                                 help="已填写的检查结果录入表：生成结果公示 (filled results form)")] = None,
    workers: Annotated[int | None, typer.Option("--workers", metavar="N", help="并行进程数（默认按核数）(worker processes)")] = None,
    force: ForceOpt = False,
) -> None:
    """导出总表、乡镇街道工作簿、执法人员日程、结果录入表和公示 (write every workbook, calendar and notice)."""
    check_target(out, "export", force)
    inputs = load_inputs([data])
    plan = load_plan(plan_file)
    published = load_draw(draw_folder) if draw_folder is not None else None
    entered: tuple[ItemResult, ...] = ()
    if results is not None:
        recorded = record_results(results, plan, inputs)
        print_results(recorded)
        entered = recorded.results
    summary = export_uc(plan, inputs, out, draw=published, results=entered, workers=workers,
                        force=force, on_progress=progress_printer())
    print_parts(summary.parts)
    print_written(out)


@command(short="在内置示例县数据上运行完整流程 (run the demo)")
def demo(
    out: Annotated[Path, typer.Option("--out", metavar="DIR", help="输出文件夹 (output folder)")] = Path("onevisit-demo"),
    force: ForceOpt = False,
) -> None:
    """在内置示例县数据上运行完整流程 (run the whole pipeline on the bundled sample county)."""
    check_target(out, "demo", force)
    data = sample_dir()
    _echo(f"OneVisit {__version__} 演示 (demo)：示例县数据 {data}")
    progress = progress_printer()

    def step(item: object) -> None:
        if isinstance(item, Validation):
            if item.summary is not None:
                print_summary(item.summary)
            print_problems(item.report)
            _echo()
            _echo(f"第一个随机：抽取检查对象 (first random: the draw)，公开随机源 {demo_uc.BEACON!r}，两方揭示演示秘密值")
        elif isinstance(item, DrawResult):
            print_draw(item)
            _echo()
            _echo("第二个随机：抽取执法人员并安排联合检查 (second random: officers and dates)")
        elif isinstance(item, SolveEvent):
            print_event(item)
        elif isinstance(item, Plan):
            print_plan(item)
        elif isinstance(item, demo_uc.Checked):
            _echo(f"独立复核 (independent check): {len(item.violations)} 处违反硬性规则 (hard-rule violations)")
            _echo()
            _echo(f"演示检查结果 (simulated results, demo only): results/{demo_uc.RESULTS_FILE}")
        elif isinstance(item, RecordedResults):
            print_results(item)
            _echo()
            _echo("导出工作簿、日程和公示 (workbooks, calendars, notices):")
        elif isinstance(item, demo_uc.ExportProgress):
            progress(item.done, item.total)
        elif isinstance(item, demo_uc.Exported):
            print_parts(item.parts)

    demo_uc.demo(out, force=force, on_step=step)
    _echo()
    print_written(out)
    _echo(f"复核抽取结果 (verify the draw): onevisit verify {out / 'draw'} --data {data}")
    _echo(f"复核安排结果 (check the plan): onevisit check-plan {out / 'schedule' / 'plan.json'} --data {data}")



def print_first_planner(first: FirstPlanner, url: str) -> None:
    _echo("首次启动：数据库已就绪，尚无用户 (first start: database ready, no users yet)")
    _echo(f"已创建计划科室用户 (first planner) {first.name}，所属部门 {first.agency}")
    _echo(f"访问令牌 (token)，只显示这一次，请立即妥善保存：\n  {first.token}")
    _echo(f"有效期至 (expires) {first.expires_at}；前缀 {first.prefix} 可用于 onevisit tokens revoke")
    _echo(f"使用方法：请求头 Authorization: Bearer <令牌>，例如 curl -H 'Authorization: Bearer {first.prefix}…' {url}api/me")

@command(short="启动网页服务 (start the web service)")
def serve(
    host: Annotated[str, typer.Option(metavar="HOST", help="监听地址 (bind address)")] = "127.0.0.1",
    port: Annotated[int, typer.Option(metavar="PORT", help="端口 1–65535 (port)")] = 8000,
    agency: Annotated[str, typer.Option("--agency", metavar="AGENCY",
                                        help="首次启动时创建的计划科室用户所属部门代码 (first planner's agency)")] = "SCJG",
    demo: Annotated[bool, typer.Option("--demo", help="载入示例县及其抽查轮次（已抽取、已安排）(load the sample county's round)")] = False,
) -> None:
    """启动网页服务 (start the web service: roster validation page and API)。
    首次启动时建立数据库，并为 --agency 创建第一个计划科室用户，令牌只显示一次。
    加 --demo 时载入示例县的抽查轮次，并创建一个演示检查员和一个演示乡镇用户。"""
    if not 1 <= port <= 65535:
        raise UseCaseError(f"端口 {port} 无效：应为 1 至 65535 之间的整数 (invalid port)")
    try:
        with socket.create_server((host, port)):
            pass
    except OSError as exc:
        raise UseCaseError(f"无法在 {host}:{port} 上启动网页服务：{exc.strerror or exc}（端口被占用？请换一个 --port）") from None
    import uvicorn

    from api.auth import first_start

    url = f"http://{host}:{port}/"
    first = first_start(None, agency)
    if first is not None:
        print_first_planner(first, url)
    if demo:
        print_demo_round(url)
    _echo(f"OneVisit 网页服务: {url}  (API 文档 /docs)")
    uvicorn.run("api.app:app", host=host, port=port, log_level="info")


def print_demo_round(url: str) -> None:
    from api.auth import Database
    from api.demo_round import load_demo
    from api.round_service import RoundService

    database = Database()
    try:
        loaded = load_demo(RoundService(database), on_step=lambda step: _echo(f"  {step} …"))
    finally:
        database.dispose()
    if not loaded.created:
        _echo(f"示例县抽查轮次已在数据库中（轮次编号 {loaded.round_id}），未重复载入 (demo round exists)")
        return
    _echo(f"已载入示例县抽查轮次 (demo round)：编号 {loaded.round_id}，安排 {loaded.visits} 户次检查，尚未公布")
    _echo(f"  查看: {url}api/rounds/{loaded.round_id}  (计划科室令牌 planner token)")
    for account in loaded.accounts:
        label = "检查员 inspector" if account.role == "inspector" else "乡镇 township"
        _echo(f"  演示{label} {account.scope} 的令牌（只显示这一次）: {account.token}")
    _echo(f"  公布后检查员可读 {url}api/rounds/{loaded.round_id}/my-schedule，乡镇可读 …/township/workbook")


# --------------------------------------------------------------------------
# The database: audit log, users and tokens

audit_app = typer.Typer(help="审计日志 (the hash-chained audit log)", no_args_is_help=True)
users_app = typer.Typer(help="用户 (users of the web service)", no_args_is_help=True)
tokens_app = typer.Typer(help="访问令牌 (API tokens)", no_args_is_help=True)
app.add_typer(audit_app, name="audit", short_help="审计日志：校验哈希链 (audit log)")
app.add_typer(users_app, name="users", short_help="用户管理 (users)")
app.add_typer(tokens_app, name="tokens", short_help="访问令牌 (tokens)")

DatabaseOpt = Annotated[str | None, typer.Option(
    "--database", metavar="URL",
    help="数据库地址，默认取环境变量 ONEVISIT_DATABASE_URL，否则为 ./onevisit-data/onevisit.db (database URL)")]


def print_verification(result: AuditVerification) -> None:
    if result.ok:
        _echo(f"审计日志完好 (audit log intact)：共校验 {result.entries} 条")
        _echo(f"链头哈希 (head hash): {result.head_hash}")
        return
    _echo(f"审计日志校验失败 (audit log verification FAILED)：第 {result.first_bad_seq} 条 (seq {result.first_bad_seq})")
    _echo(f"  原因 (reason)：{result.reason}")
    _echo(f"  此前 {result.entries - 1} 条完好，最后一条完好条目的哈希 (last good hash): {result.head_hash}")


@command("verify", short="重算哈希链，指出第一条被改动的条目 (verify the chain)", group=audit_app)
def audit_verify_cmd(database: DatabaseOpt = None) -> None:
    """重算审计日志的哈希链 (recompute every entry's hash); 有问题时指出第一条坏条目并以状态 1 退出。"""
    result = store_admin.verify_audit(database)
    print_verification(result)
    if not result.ok:
        raise typer.Exit(1)


@command("add", short="新建用户 (add a user)", group=users_app)
def users_add_cmd(
    name: Annotated[str, typer.Option("--name", metavar="NAME", help="用户名 (user name, unique)")],
    role: Annotated[str, typer.Option("--role", metavar="ROLE",
                                      help="角色 planner（计划科室）、inspector（执法人员）、township（乡镇）、public（公众）")],
    agency: Annotated[str | None, typer.Option("--agency", metavar="AGENCY", help="所属部门 (agency)")] = None,
    inspector_id: Annotated[str | None, typer.Option("--inspector-id", metavar="ID",
                                                     help="执法人员编号，inspector 必填 (inspector id)")] = None,
    township: Annotated[str | None, typer.Option("--township", metavar="NAME", help="乡镇名称，township 必填")] = None,
    database: DatabaseOpt = None,
) -> None:
    """新建网页服务的用户 (add a user of the web service); 写入一条审计日志。"""
    info = store_admin.add_user(database, name=name, role=role, agency=agency, inspector_id=inspector_id, township=township)
    _echo(f"已新建用户 (user added)：{info.name}，角色 {info.role}，编号 {info.id}（审计日志第 {info.audit_seq} 条）")


@command("create", short="为用户生成访问令牌，只显示一次 (create a token)", group=tokens_app)
def tokens_create_cmd(
    user: Annotated[str, typer.Option("--user", metavar="NAME", help="用户名 (user name)")],
    days: Annotated[int, typer.Option("--days", metavar="N", help="有效天数 (valid for N days)")] = 90,
    database: DatabaseOpt = None,
) -> None:
    """为用户生成访问令牌 (create an API token); 令牌只显示这一次，数据库只保存其 SHA-256。"""
    info = store_admin.create_token(database, user=user, days=days)
    _echo(f"用户 {info.user} 的访问令牌 (token, shown only once — store it now):")
    _echo(info.token)
    _echo(f"前缀 (prefix，用于吊销): {info.prefix}    有效期至 (expires): {info.expires_at}（审计日志第 {info.audit_seq} 条）")
    _echo("数据库只保存令牌的哈希，丢失后无法找回，只能重新生成 (only its hash is stored).")


@command("revoke", short="吊销访问令牌 (revoke a token)", group=tokens_app)
def tokens_revoke_cmd(
    prefix: Annotated[str, typer.Option("--prefix", metavar="PREFIX", help="令牌前缀，如 ov_AbCdEfGh (token prefix)")],
    database: DatabaseOpt = None,
) -> None:
    """吊销访问令牌 (revoke a token by its prefix); 写入一条审计日志。"""
    info = store_admin.revoke_token(database, prefix=prefix)
    _echo(f"已吊销用户 {info.user} 的令牌 {info.prefix}… (token revoked)（审计日志第 {info.audit_seq} 条）")


def _param(exc: click.BadParameter) -> str:
    """How the user wrote the parameter: --data, or the argument's name."""
    param = exc.param
    if param is None:
        return "参数"
    opts = [o for o in getattr(param, "opts", []) if o.startswith("-")]
    return "/".join(opts) or str(getattr(param, "metavar", None) or param.name)


def usage_message(exc: click.ClickException) -> str:
    """A command-line usage error in Chinese (click's own text is English)."""
    ctx = getattr(exc, "ctx", None)
    where = ctx.command_path if ctx is not None else "onevisit"
    hint = f"（用 {where} --help 查看用法 / see --help）"
    if isinstance(exc, click.MissingParameter):
        return f"缺少必填的 {_param(exc)} {hint}"
    if isinstance(exc, click.NoSuchOption):
        close = f"，是否想用 {'、'.join(exc.possibilities)}？" if exc.possibilities else ""
        return f"没有选项 {exc.option_name}{close} {hint}"
    if isinstance(exc, click.BadParameter):
        return f"{_param(exc)} 的值无效（{exc.message}）{hint}"
    text = exc.format_message()
    if isinstance(exc, click.NoArgsIsHelpError):
        return text  # the help text itself
    if text.startswith("No such command"):
        return f"没有命令 {text.removeprefix('No such command').strip()} {hint}"
    return f"命令用法错误：{text} {hint}"


def main() -> None:  # console-script entry point
    try:
        code = app(standalone_mode=False)
    except click.ClickException as exc:
        typer.echo(usage_message(exc), err=True)
        sys.exit(exc.exit_code)
    except (typer.Abort, KeyboardInterrupt):
        sys.exit(130)
    sys.exit(code if isinstance(code, int) else 0)
