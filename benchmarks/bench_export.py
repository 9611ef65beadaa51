"""Benchmark: writing every export for a full-size county.

    python benchmarks/bench_export.py [--enterprises 200000] [--keep DIR]

Builds the full-size round as bench_schedule.py does (fast mode), then times
every export (the master workbook, the township workbooks, the inspector
schedules, the results template and the public notices) and prints the time
and peak memory.  ``--keep DIR`` keeps the generated rosters, draw and plan
in DIR and reuses them on the next run (to time exports alone).
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import tempfile
import time
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

# isort: off
from common import rss_mib  # first: puts the repository and data/ on the import path
import generate_county
# isort: on

from scheduler import planfile
from scheduler.app.scheduling import schedule
from scheduler.assign.solver import SolverSettings
from scheduler.atomic import write_bytes
from scheduler.domain import Exclusions, Round
from scheduler.draw import Reveal, build_rule, run_draw, write_draw
from scheduler.draw.published import PublishedDraw
from scheduler.export.bundle import default_workers, jobs, run
from scheduler.export.context import build_context
from scheduler.io import Report, load
from scheduler.io.results import read_results
from scheduler.sample import demo_results_csv


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--enterprises", type=int, default=200_000)
    parser.add_argument("--ratio-scale", default="1.82", help="scales the item ratios (1.82 draws about 5,000 visits)")
    parser.add_argument("--keep", type=Path, help="keep the generated round here and reuse it")
    parser.add_argument("--workers", type=int, help="worker processes (default: as the CLI)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = args.keep or Path(tmp)
        if not (root / "data").is_dir():
            generate_county.generate(root / "data", enterprises=args.enterprises, townships=20, inspectors=800, agencies=10,
                                     excel=False)
        inputs = load([root / "data"], Report())
        assert inputs is not None
        round_ = Round(name="2026年第四季度跨部门联合抽查", start=dt.date(2026, 10, 12), end=dt.date(2026, 12, 25),
                       lead_agency="SCJG", exclusions=Exclusions(cooldown_days=180, yearly_cap=2), avoid_home_township=True)
        scale = Decimal(args.ratio_scale)
        items = tuple(replace(i, ratios={c: min(Decimal(1), r * scale) for c, r in i.ratios.items()})
                      for i in inputs.dataset.items)
        dataset = replace(inputs.dataset, items=items)
        if (root / "plan.json").is_file():
            typed = planfile.read(root / "plan.json")
        else:
            result = run_draw(build_rule(round_, dataset), dataset, "", [Reveal("seed", "bench")], compare=False)
            write_draw(result, dataset, root / "draw")
            typed = schedule(replace(inputs, dataset=dataset, round=round_), PublishedDraw.from_result(result), SolverSettings())
            write_bytes(root / "plan.json", planfile.to_bytes(typed))
        print(f"plan: {len(typed.visits):,} visits")
        for old in (root / "serial", root / "exports"):
            shutil.rmtree(old, ignore_errors=True)
        write_bytes(root / "results.csv", demo_results_csv(typed))
        results = read_results(root / "results.csv", typed, dataset.items, Report())
        t0 = time.perf_counter()
        ctx = build_context(typed, dataset, PublishedDraw.load(root / "draw"), results or [])
        print(f"context: {time.perf_counter() - t0:.1f} s ({len(ctx.results):,} item results)")
        # Serial, part by part.
        parts: dict[str, list[float]] = {}
        for job in jobs(ctx, root / "serial"):
            t = time.perf_counter()
            job.run()
            parts.setdefault(job.part, []).append(time.perf_counter() - t)
        for part, times in parts.items():
            print(f"  {part}: {len(times):,} × {sum(times) / len(times) * 1000:.0f} ms = {sum(times):.1f} s")
        print(f"serial: {sum(sum(t) for t in parts.values()):.1f} s")
        # As the CLI runs it: every job, in worker processes.
        workers = args.workers or default_workers()
        t1 = time.perf_counter()
        todo = jobs(ctx, root / "exports")
        run(todo, workers)
        elapsed = time.perf_counter() - t1
        out = root / "exports"
        files = sum(1 for p in out.rglob("*") if p.is_file())
        size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file()) / 2**20
        same = all((root / "serial" / p.relative_to(out)).read_bytes() == p.read_bytes() for p in out.rglob("*") if p.is_file())
        print(f"exports with {workers} workers: {elapsed:.1f} s for {files:,} files ({size:.0f} MiB); "
              f"identical to the serial run: {same}")
    print(f"peak RSS {rss_mib():,.0f} MiB")


if __name__ == "__main__":
    main()
