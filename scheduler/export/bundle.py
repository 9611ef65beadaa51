"""Every export of a round, written into one folder:

    <轮次>_联合抽查总表.xlsx              master workbook (planning office)
    <轮次>_检查结果录入表.xlsx            results form (internal)
    乡镇街道/<乡镇>_<轮次>_联合抽查安排.xlsx  one per township
    执法人员/<编号>_<姓名>.{ics,json,xlsx}   one set per inspector with visits
    公示/<轮次>_抽查任务公告.xlsx          public task notice
    公示/<轮次>_抽查结果公示.xlsx          public results notice (with results)

Each file is an independent job.  Where the platform can fork, the jobs run
in a pool of worker processes (the context is inherited, not pickled); each
file's bytes depend only on the context, so the output is the same whichever
process writes it.
"""

from __future__ import annotations

import math
import multiprocessing
import os
import sys
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from scheduler.atomic import write_bytes
from scheduler.domain import Inspector
from scheduler.export import inspector, master, notice, results_form, township
from scheduler.export.context import ExportContext

TOWNSHIP_FOLDER, INSPECTOR_FOLDER = "乡镇街道", "执法人员"


@dataclass(frozen=True, slots=True)
class Job:
    """One unit of work: a label for progress and an action writing files."""

    part: str
    run: Callable[[], None]


def _write(path: Path, make: Callable[[], bytes]) -> None:
    write_bytes(path, make())


def _inspector_files(ctx: ExportContext, officer: Inspector, folder: Path) -> None:
    base = folder / INSPECTOR_FOLDER / inspector.stem(officer)
    write_bytes(base.with_suffix(".ics"), inspector.calendar_bytes(ctx, officer))
    write_bytes(base.with_suffix(".json"), inspector.schedule_json(ctx, officer))
    write_bytes(base.with_suffix(".xlsx"), inspector.schedule_workbook(ctx, officer))


def jobs(ctx: ExportContext, folder: Path) -> list[Job]:
    """Every export as a job, the largest first (so two workers balance)."""
    name = ctx.round_name
    out = [
        Job("联合抽查总表", partial(_write, folder / master.file_name(name), partial(master.master_workbook, ctx))),
        Job("检查结果录入表", partial(_write, folder / results_form.file_name(name), partial(results_form.results_form, ctx))),
        Job("抽查任务公告", partial(_write, folder / notice.PUBLIC_FOLDER / notice.task_file(name), partial(notice.task_notice, ctx))),
    ]
    if ctx.results:
        out.append(Job("抽查结果公示", partial(_write, folder / notice.PUBLIC_FOLDER / notice.results_file(name),
                                          partial(notice.results_notice, ctx))))
    out += [Job("乡镇街道检查安排", partial(_write, folder / TOWNSHIP_FOLDER / township.file_name(t, name),
                                      partial(township.township_workbook, ctx, t))) for t in ctx.townships]
    out += [Job("执法人员日程", partial(_inspector_files, ctx, o, folder)) for o in inspector.inspectors_with_visits(ctx)]
    return out


_PENDING: list[Job] = []  # the jobs a forked worker inherits


def _run_range(bounds: tuple[int, int]) -> int:
    for job in _PENDING[bounds[0]:bounds[1]]:
        job.run()
    return bounds[1] - bounds[0]


def default_workers() -> int:
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    return max(1, min(4, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1))


def run(todo: list[Job], workers: int, progress: Callable[[int, int], None] = lambda done, total: None) -> None:
    """Run *todo*; with more than one worker in forked processes.  A failing
    job (say, a full disk) raises here, in the caller's process."""
    global _PENDING
    total = len(todo)
    if workers <= 1 or total < 2:
        for n, job in enumerate(todo, start=1):
            job.run()
            progress(n, total)
        return
    size = max(1, math.ceil(total / (workers * 8)))
    ranges = [(i, min(i + size, total)) for i in range(0, total, size)]
    _PENDING = todo
    for stream in (sys.stdout, sys.stderr):  # else a forked worker would flush a copy of pending output at exit
        stream.flush()
    try:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            done = 0
            for n in pool.map(_run_range, ranges):
                done += n
                progress(done, total)
    finally:
        _PENDING = []


def write_exports(ctx: ExportContext, folder: Path, workers: int | None = None,
                  progress: Callable[[int, int], None] = lambda done, total: None) -> list[Job]:
    """Write every export of *ctx* into *folder*; returns the jobs run."""
    todo = jobs(ctx, folder)
    run(todo, default_workers() if workers is None else workers, progress)
    return todo
