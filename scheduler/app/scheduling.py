"""Use cases: schedule a published draw (second random), save and load the
plan, and check it independently."""

from __future__ import annotations

import json
import warnings
from collections.abc import Iterable
from pathlib import Path

from scheduler import planfile
from scheduler.app.errors import SolveCancelled, StaleInputs, UnreadableFile, UseCaseError
from scheduler.app.outputs import output_folder
from scheduler.assign.events import Cancelled, OnEvent, StopMode, StopSignal, ignore, poll_before_any_plan
from scheduler.assign.problem import build_problem
from scheduler.assign.schedule import PinError
from scheduler.assign.schedule import schedule as solve_schedule
from scheduler.assign.solver import SolverSettings
from scheduler.assign.validate import Violation, check_plan
from scheduler.atomic import write_bytes
from scheduler.draw.published import PublishedDraw
from scheduler.io import Inputs
from scheduler.plan import Plan
from scheduler.workdays import CalendarCoverageWarning

_SHOWN = 5


def _listed(codes: Iterable[str]) -> str:
    codes = sorted(codes)
    more = f" 等 {len(codes)} 个" if len(codes) > _SHOWN else ""
    return "、".join(codes[:_SHOWN]) + more


def draw_mismatches(draw: PublishedDraw, inputs: Inputs) -> list[str]:
    """How a published draw no longer matches the rosters and the round."""
    out = []
    rule, round_ = draw.rule, inputs.round
    if round_ is not None:
        for label, published, now in (
            ("任务名称", rule.round_name, round_.name), ("任务编号", rule.round_code, round_.code),
            ("实施期限", f"{rule.window[0]} 至 {rule.window[1]}", f"{round_.start} 至 {round_.end}"),
            ("发起部门", rule.lead_agency, round_.lead_agency),
        ):
            if published != now:
                out.append(f"{label}：抽取时为「{published}」，现在的轮次配置为「{now}」")
    items = {i.code: i for i in inputs.dataset.items}
    gone = [i.code for i in rule.items if i.code not in items]
    if gone:
        out.append(f"抽查事项清单中已没有抽取时的事项 {_listed(gone)}")
    moved = [i.code for i in rule.items if i.code in items and items[i.code].agency != i.agency]
    if moved:
        out.append(f"事项 {_listed(moved)} 的所属部门与抽取时不同")
    known = set(inputs.dataset.enterprises["uscc"])
    missing = [u for u in draw.selection if u not in known]
    if missing:
        out.append(f"检查对象名录库中已没有抽中的企业 {_listed(missing)}")
    return out


def schedule(
    inputs: Inputs,
    draw: PublishedDraw,
    settings: SolverSettings,
    *,
    previous: Plan | None = None,
    pinned: Iterable[str] = (),
    on_event: OnEvent = ignore,
    stop: StopSignal | None = None,
) -> Plan:
    """Draw officers and schedule every drawn enterprise.  Raises
    :class:`StaleInputs` when the draw no longer matches the rosters and
    :class:`SolveCancelled` when *stop* cancels."""
    if inputs.round is None:
        raise UseCaseError("缺少抽查轮次配置：请用 --round 指定 round.toml (no round file)")
    changed = draw_mismatches(draw, inputs)
    if changed:
        raise StaleInputs("抽取结果与现在的名录库或轮次配置不一致，不能安排（请重新抽取，或使用抽取时的名录库）：", changed)
    if previous is not None and previous.audit.draw_manifest_sha256 != draw.manifest_sha256:
        raise StaleInputs("上一版安排结果不是按这次抽取结果生成的 (the previous plan is of another draw)")

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CalendarCoverageWarning)
        try:
            problem = build_problem(draw, inputs.dataset, inputs.round, inputs.calendar, stop=poll_before_any_plan(stop))
            plan = solve_schedule(problem, settings, previous=previous, pinned=pinned, on_event=on_event, stop=stop)
        except PinError as exc:
            raise UseCaseError("无法固定这些检查安排 (pinned visits cannot be kept):", str(exc).splitlines()) from None
        except Cancelled:
            raise SolveCancelled(before_any_plan=stop is not None and stop.mode is StopMode.FINISH) from None
    if plan is None:
        raise SolveCancelled(before_any_plan=stop is not None and stop.mode is StopMode.FINISH)
    return plan


def save_plan(plan: Plan, out: Path, *, force: bool = False) -> Path:
    with output_folder(out, "schedule", force) as stage:
        write_bytes(stage / planfile.FILENAME, planfile.to_bytes(plan))
    return out / planfile.FILENAME


def load_plan(path: Path) -> Plan:
    try:
        return planfile.read(path)
    except planfile.PlanFormatError as exc:
        raise UnreadableFile(str(exc)) from None


def plan_mismatches(plan: Plan, inputs: Inputs) -> list[str]:
    """How a plan no longer matches the rosters (the exports need them)."""
    ds = inputs.dataset
    out = []
    officers = {o.id for o in ds.inspectors}
    gone = {m.inspector_id for v in plan.visits for m in v.team} - officers
    if gone:
        out.append(f"执法检查人员名录库中已没有安排中的人员 {_listed(gone)}")
    items = {i.code for i in ds.items}
    listed = [(v.uscc, v.items) for v in plan.visits] + [(u.uscc, u.items) for u in plan.unassigned]
    gone = {c for _, codes in listed for c in codes} - items
    if gone:
        out.append(f"抽查事项清单中已没有安排中的事项 {_listed(gone)}")
    known = set(ds.enterprises["uscc"])
    gone = {uscc for uscc, _ in listed} - known
    if gone:
        out.append(f"检查对象名录库中已没有安排中的企业 {_listed(gone)}")
    return out


def check(plan: Plan | dict[str, object], inputs: Inputs) -> list[Violation]:
    """Every hard-rule violation, found without the solver.  The checker
    reads the plan's JSON form with its own tolerant parser."""
    doc = planfile.to_json(plan) if isinstance(plan, Plan) else plan
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CalendarCoverageWarning)
        return check_plan(doc, inputs.dataset, inputs.calendar,
                          workload=inputs.round.workload if inputs.round is not None else None)


def read_plan_document(path: Path) -> dict[str, object]:
    """A plan file as JSON for the checker, which must not trust the writer's
    reader; unreadable JSON is an :class:`UnreadableFile`."""
    if path.is_dir():
        path = path / planfile.FILENAME
    try:
        doc = json.loads(path.read_bytes().decode("utf-8-sig"))
    except FileNotFoundError:
        raise UnreadableFile(f"找不到安排结果文件 {path}（请先运行 onevisit schedule）") from None
    except UnicodeDecodeError:
        raise UnreadableFile(f"{path}：不是 UTF-8 编码的文本文件（不是 OneVisit 的安排结果 plan.json？）") from None
    except json.JSONDecodeError as exc:
        raise UnreadableFile(f"{path}：第 {exc.lineno} 行第 {exc.colno} 列 JSON 格式错误（不是 OneVisit 的安排结果 plan.json？）") from None
    except OSError as exc:
        raise UnreadableFile(f"无法读取 {path}：{exc.strerror or exc}") from None
    if not isinstance(doc, dict):
        raise UnreadableFile(f"{path}：顶层应为 JSON 对象（不是 OneVisit 的安排结果 plan.json？）")
    fmt = doc.get("format")
    if not (isinstance(fmt, str) and fmt.startswith("onevisit-plan-")):
        hint = "这是抽取结果文件夹中的抽取规则 plan.json，" if "algorithm" in doc and "sample_size" in doc else ""
        raise UnreadableFile(f"{path}：{hint}不是 OneVisit 的安排结果（应为 onevisit schedule 输出文件夹中的 plan.json）")
    return doc
