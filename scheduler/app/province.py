"""Use case: draw and schedule every county of a province.

Each county (a sub-folder of the province folder) is validated, drawn,
scheduled and checked on its own (:mod:`scheduler.province`), on Dask
distributed (a LocalCluster of single-threaded worker processes, or an
existing cluster) or one after another in this process.  The output folder
(kind ``province``, written atomically) holds ``<county>/plan.json`` for each
county that was scheduled, ``summary.json`` and ``summary.txt``; a county
that failed or was cancelled has no plan and the summary says why.
"""

from __future__ import annotations

import dataclasses
import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from scheduler.app.errors import DrawRefused
from scheduler.app.outputs import check_target, output_folder
from scheduler.assign.events import StopSignal
from scheduler.assign.solver import SolverSettings
from scheduler.atomic import write_bytes, write_text
from scheduler.province.counties import discover_counties
from scheduler.province.serial import run_serial
from scheduler.province.summary import ProvinceSummary, plan_path, summarise, table_text, to_json
from scheduler.province.task import CountyResult, CountyStatus, DrawSpec, county_task

SUMMARY_JSON = "summary.json"
SUMMARY_TEXT = "summary.txt"


@dataclass(frozen=True)
class Execution:
    """Where the counties run."""

    serial: bool = False  # one after another in this process, no Dask
    scheduler: str | None = None  # an existing Dask scheduler (tcp://host:port); None: a LocalCluster
    workers: int | None = None  # LocalCluster worker processes (default: one per core)
    send_bytes: bool = False  # send each county's files' bytes to the workers (no shared storage)
    connect_timeout: float = 10.0  # seconds to reach an existing scheduler


@dataclass(frozen=True)
class RunStarted:
    counties: int
    where: str  # "serial" or the scheduler's address
    workers: int  # worker threads


@dataclass(frozen=True)
class CountyFinished:
    result: CountyResult  # without its plan's bytes
    done: int
    total: int


ProvinceEvent = RunStarted | CountyFinished


def _ignore(_: ProvinceEvent) -> None:
    pass


def _collect(results: Iterator[CountyResult], stage: Path, total: int,
             on_progress: Callable[[ProvinceEvent], None]) -> list[CountyResult]:
    """Write each plan into the staged folder as its county finishes."""
    kept = []
    for n, result in enumerate(results, start=1):
        if result.status is CountyStatus.DONE and result.plan_json is not None:
            write_bytes(stage / plan_path(result.county), result.plan_json)
        light = result.without_plan()
        kept.append(light)
        on_progress(CountyFinished(light, n, total))
    return kept


def schedule_province(
    folder: Path,
    out: Path,
    *,
    draw: DrawSpec,
    settings: SolverSettings,
    execution: Execution = Execution(),
    force: bool = False,
    on_progress: Callable[[ProvinceEvent], None] = _ignore,
    stop: StopSignal | None = None,
) -> ProvinceSummary:
    """Schedule every county of *folder* into the output folder *out*.
    Failed and cancelled counties are in the summary, not raised; a stop
    keeps the counties already done (finish: the running ones keep their
    best plan so far)."""
    check_target(out, "province", force)
    if draw.seed is None and not draw.reveals and not draw.beacon:
        raise DrawRefused("请用 --seed 指定随机数种子（轮次配置中没有承诺值时），或用 --beacon 和 --reveal 填写公开随机源和各方秘密值 "
                          "(give a plain seed, or the beacon and reveals)")
    counties = discover_counties(folder)
    make_task = partial(county_task, draw_spec=draw, settings=settings, send_bytes=execution.send_bytes)
    options = dataclasses.asdict(settings)
    with output_folder(out, "province", force) as stage:
        if execution.serial:
            on_progress(RunStarted(len(counties), "serial", 1))
            start = time.perf_counter()
            results = _collect(run_serial(counties, make_task, stop), stage, len(counties), on_progress)
            summary = summarise(results, wall_seconds=time.perf_counter() - start, where="serial", workers=1, settings=options)
        else:
            from scheduler.province.cluster import describe, open_client, run_on_cluster  # Dask only when used

            with open_client(execution.scheduler, execution.workers, connect_timeout=execution.connect_timeout) as client:
                info = describe(client, local=execution.scheduler is None)
                on_progress(RunStarted(len(counties), info.address, info.threads))
                start = time.perf_counter()
                found = run_on_cluster(client, counties, make_task, stop, scatter=execution.send_bytes)
                results = _collect(found, stage, len(counties), on_progress)
                summary = summarise(results, wall_seconds=time.perf_counter() - start, where=info.address,
                                    workers=info.threads, settings=options)
        write_text(stage / SUMMARY_JSON, json.dumps(to_json(summary), ensure_ascii=False, indent=2) + "\n")
        write_text(stage / SUMMARY_TEXT, table_text(summary))
    return summary
