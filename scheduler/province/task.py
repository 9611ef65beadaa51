"""One county's work as plain data: validate, draw, schedule, check.

A :class:`CountyTask` carries everything a worker needs and nothing it
cannot pickle: the county's roster files (paths on shared storage, or their
bytes), the shared round file's text, how to draw (seed, or beacon and
reveals) and the solver settings.  :func:`run_county` runs it through the
ordinary use cases (``app.inputs.load_inputs``, ``app.drawing.draw``,
``app.scheduling.schedule``, ``app.scheduling.check``) and returns a
:class:`CountyResult`: the plan as its ``plan.json`` bytes, its statistics,
the independent checker's violations counted by rule, and the time each step
took.  A county that cannot be scheduled is a failed result with the Chinese
reason, never an exception, so one county never loses the others.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import resource
import socket
import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path

from scheduler import planfile
from scheduler.app.drawing import draw
from scheduler.app.errors import SolveCancelled, UseCaseError
from scheduler.app.inputs import load_inputs
from scheduler.app.scheduling import check, schedule
from scheduler.assign.events import OnEvent, StopSignal, ignore
from scheduler.assign.solver import SolverSettings
from scheduler.draw import Reveal
from scheduler.draw.published import PublishedDraw
from scheduler.io.dataset import role_of
from scheduler.io.source import Source, SourceLike
from scheduler.province.counties import County

MAX_MESSAGES = 20  # problems listed per failed county (the rest are counted)


@dataclass(frozen=True)
class DrawSpec:
    """How each county is drawn: a plain seed (rounds without commitments),
    or a beacon and the parties' reveals, as ``onevisit draw`` takes them."""

    seed: str | None = None
    beacon: str = ""
    reveals: tuple[Reveal, ...] = ()
    mode: str = "coordinated"


@dataclass(frozen=True)
class CountyTask:
    county: str
    sources: tuple[SourceLike, ...]  # the county folder (shared storage) or its files' bytes
    round_text: str | None  # the province's shared round file; None: the county's own
    draw: DrawSpec
    settings: SolverSettings


class CountyStatus(StrEnum):
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"


STATUS_LABELS = {CountyStatus.DONE: "完成", CountyStatus.FAILED: "失败", CountyStatus.CANCELLED: "已取消"}


@dataclass(frozen=True)
class Timings:
    """Seconds spent in each step of one county (wall clock, on the worker)."""

    load: float = 0.0  # read and validate the rosters
    draw: float = 0.0
    schedule: float = 0.0  # officer draw and solve
    check: float = 0.0  # the independent checker

    @property
    def total(self) -> float:
        return self.load + self.draw + self.schedule + self.check


@dataclass(frozen=True)
class CountyResult:
    county: str
    status: CountyStatus
    messages: tuple[str, ...] = ()  # Chinese: why it failed or was cancelled
    plan_json: bytes | None = None  # plan.json's bytes (DONE)
    plan_sha256: str = ""
    visits: int = 0
    assigned: int = 0
    unassigned: int = 0
    stopped_early: bool = False  # finished on request: the best plan so far, some visits unplaced
    violations: Mapping[int, int] = field(default_factory=dict)  # hard rule (1–5) -> count, by the checker
    timings: Timings = Timings()
    worker: str = ""  # host:pid that ran it
    peak_rss_mib: float = 0.0  # peak memory of that process so far

    @property
    def violation_count(self) -> int:
        return sum(self.violations.values())

    def without_plan(self) -> CountyResult:
        return replace(self, plan_json=None)


def county_task(county: County, draw_spec: DrawSpec, settings: SolverSettings, *, send_bytes: bool = False) -> CountyTask:
    """The task of *county*: its folder (workers read shared storage), or
    with *send_bytes* the bytes of each roster file (workers need no access
    to the files)."""
    round_text = county.shared_round.read_text(encoding="utf-8-sig") if county.shared_round is not None else None
    sources: tuple[SourceLike, ...] = (county.folder,)
    if send_bytes:
        files = sorted(p for p in county.folder.iterdir() if p.is_file() and not p.name.startswith((".", "~$")))
        sources = tuple(Source(p.name, p.read_bytes()) for p in files if role_of(p) is not None)
    return CountyTask(county.name, sources, round_text, draw_spec, settings)


TaskFactory = Callable[[County], CountyTask]  # e.g. functools.partial(county_task, draw_spec=…, settings=…)


def _where() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _peak_rss_mib() -> float:
    """This process's peak resident memory so far.  Linux's VmHWM belongs to
    the process image (a spawned worker does not inherit its parent's, as
    ``ru_maxrss`` does across fork and exec)."""
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _shown(lines: list[str]) -> tuple[str, ...]:
    if len(lines) <= MAX_MESSAGES + 1:
        return tuple(lines)
    return (*lines[:MAX_MESSAGES], f"  …… 另有 {len(lines) - MAX_MESSAGES} 条 (and {len(lines) - MAX_MESSAGES} more)")


def not_started(county: str) -> CountyResult:
    """A county the run was stopped before it began."""
    return CountyResult(county, CountyStatus.CANCELLED, ("运行已停止，本县未开始安排 (stopped before this county started)",),
                        worker="", peak_rss_mib=0.0)


def failed(county: str, lines: list[str], timings: Timings = Timings()) -> CountyResult:
    return CountyResult(county, CountyStatus.FAILED, _shown(lines), timings=timings, worker=_where(),
                        peak_rss_mib=_peak_rss_mib())


class _Clock:
    def __init__(self) -> None:
        self.spent: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, step: str) -> None:
        now = time.perf_counter()
        self.spent[step] = self.spent.get(step, 0.0) + now - self._last
        self._last = now

    def timings(self) -> Timings:
        return Timings(**self.spent)


def run_county(task: CountyTask, stop: StopSignal | None = None, on_event: OnEvent = ignore) -> CountyResult:
    """Validate, draw, schedule and check one county.  Never raises for the
    county's data: a problem is a FAILED result naming it, a stop a
    CANCELLED one (or, when finishing, the plan kept so far)."""
    clock = _Clock()
    cancelled = CountyResult(task.county, CountyStatus.CANCELLED, ("已取消，未保留本县的安排 (cancelled: nothing kept)",))

    def stopping() -> bool:
        return stop is not None and stop.requested

    if stopping():
        return not_started(task.county)
    try:
        round_file = Source("round.toml", task.round_text.encode("utf-8")) if task.round_text is not None else None
        inputs = load_inputs(list(task.sources), round_file, need_round=True)
        clock.lap("load")
        if stopping():
            return replace(cancelled, timings=clock.timings(), worker=_where())
        spec = task.draw
        published = PublishedDraw.from_result(
            draw(inputs, mode=spec.mode, beacon=spec.beacon, reveals=spec.reveals, seed=spec.seed))
        clock.lap("draw")
        plan = schedule(inputs, published, task.settings, on_event=on_event, stop=stop)
        clock.lap("schedule")
        data = planfile.to_bytes(plan)
        violations = check(json.loads(data), inputs)  # the checker reads the bytes that are written
        clock.lap("check")
    except SolveCancelled as exc:
        clock.lap("schedule")  # only the solve raises it
        return replace(cancelled, messages=tuple(exc.lines), timings=clock.timings(), worker=_where(),
                       peak_rss_mib=_peak_rss_mib())
    except UseCaseError as exc:
        return failed(task.county, exc.lines, clock.timings())
    except Exception as exc:  # a bug must not lose the other counties
        return failed(task.county, [f"内部错误，本县未完成 (internal error): {type(exc).__name__}: {str(exc)[:300]}"],
                      clock.timings())
    st = plan.statistics
    return CountyResult(
        task.county, CountyStatus.DONE, plan_json=data, plan_sha256=hashlib.sha256(data).hexdigest(),
        visits=st.visits, assigned=st.assigned, unassigned=st.unassigned,
        stopped_early="stopped" in plan.audit.solver,
        violations=dict(sorted(Counter(v.rule for v in violations).items())),
        timings=clock.timings(), worker=_where(), peak_rss_mib=_peak_rss_mib(),
    )

