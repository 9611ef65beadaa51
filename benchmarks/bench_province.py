"""Benchmark: a province of many counties, serially and on Dask distributed.

    python benchmarks/bench_province.py [--counties 100] [--enterprises 50000] [--schedule 20]
                                        [--workers 2] [--time-limit 10] [--audit [--deterministic-time 20]] [--keep DIR]

Generates the province (data/generate_province.py: each county 8 townships,
200 inspectors, 10 agencies; default 100 × 50,000 = 5,000,000 enterprises),
times load + validate + draw of every county in this process, then schedules
the first ``--schedule`` counties (default: all) twice with the same per-county
code path: serially in this process, and on a LocalCluster of ``--workers``
single-threaded worker processes.  Each county's CP-SAT runs one worker with
``--time-limit`` seconds (``--audit``: the work-based limit instead, so both
runs do the same work and give the same plans).  Prints the wall times, the
scaling efficiency serial / (workers × parallel), peak memory (this process:
the serial run; the workers: the largest) and the independent checker's
violations.  ``--keep DIR`` writes the province there and reuses it next time.
"""

from __future__ import annotations

import argparse
import functools
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

# isort: off
from common import rss_mib  # first: puts the repository and data/ on the import path
import generate_province
# isort: on

from scheduler.app.drawing import draw
from scheduler.app.inputs import load_inputs
from scheduler.assign.solver import SolverSettings
from scheduler.province.cluster import describe, open_client, run_on_cluster
from scheduler.province.counties import County, discover_counties
from scheduler.province.serial import run_serial
from scheduler.province.task import CountyResult, CountyStatus, DrawSpec, county_task

SEED = DrawSpec(seed="bench-province")


def province(args: argparse.Namespace, tmp: Path) -> Path:
    folder = args.keep or tmp / "province"
    if args.keep is not None and len(list(folder.glob("*/enterprises.csv"))) == args.counties:
        print(f"reusing {folder}")
        return folder
    t0 = time.perf_counter()
    generate_province.generate(folder, counties=args.counties, enterprises=args.enterprises)
    print(f"generate {args.counties} counties × {args.enterprises:,} enterprises: {time.perf_counter() - t0:.1f} s")
    return folder


def load_and_draw(counties: list[County]) -> None:
    load = drawn = 0.0
    visits = 0
    for county in counties:
        t0 = time.perf_counter()
        inputs = load_inputs([county.folder], need_round=True)
        t1 = time.perf_counter()
        result = draw(inputs, seed=SEED.seed)
        t2 = time.perf_counter()
        load, drawn = load + t1 - t0, drawn + t2 - t1
        visits += result.coordination.visits
    print(f"load + validate: {load:.1f} s; draw: {drawn:.1f} s ({len(counties)} counties, {visits:,} visits drawn); "
          f"peak RSS {rss_mib():,.0f} MiB")


def timed(label: str, results: Iterator[CountyResult], total: int) -> tuple[float, list[CountyResult]]:
    t0 = time.perf_counter()
    out = []
    for n, r in enumerate(results, start=1):
        out.append(r)
        print(f"  [{label} {n}/{total}] {r.county}: {r.status.value}, {r.assigned}/{r.visits} assigned, "
              f"{r.timings.total:.1f} s on {r.worker}", flush=True)
    return time.perf_counter() - t0, out


def report(label: str, wall: float, results: list[CountyResult]) -> None:
    done = [r for r in results if r.status is CountyStatus.DONE]
    violations = sum(r.violation_count for r in results)
    steps = {k: sum(getattr(r.timings, k) for r in results) for k in ("load", "draw", "schedule", "check")}
    print(f"{label}: {wall:.1f} s wall; {len(done)}/{len(results)} counties done, "
          f"{sum(r.assigned for r in done):,}/{sum(r.visits for r in done):,} visits assigned; "
          f"{violations} hard violations; county time " + ", ".join(f"{k} {v:.1f} s" for k, v in steps.items()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--counties", type=int, default=100)
    parser.add_argument("--enterprises", type=int, default=50_000, help="per county")
    parser.add_argument("--schedule", type=int, default=None, help="schedule only the first N counties (default: all)")
    parser.add_argument("--workers", type=int, default=2, help="LocalCluster worker processes")
    parser.add_argument("--time-limit", type=float, default=10.0, help="per-county CP-SAT wall-clock limit (fast mode)")
    parser.add_argument("--audit", action="store_true", help="audit mode (work-based limit, reproducible)")
    parser.add_argument("--deterministic-time", type=float, default=20.0, help="audit mode's CP-SAT work limit (the CLI's: 20)")
    parser.add_argument("--keep", type=Path, default=None, help="write (or reuse) the province here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        counties = discover_counties(province(args, Path(tmp)))
        load_and_draw(counties)
        chosen = counties[: args.schedule or len(counties)]
        settings = SolverSettings(audit=args.audit, time_limit=args.time_limit, deterministic_time=args.deterministic_time,
                                  workers=1)
        make = functools.partial(county_task, draw_spec=SEED, settings=settings)
        mode = f"audit, work limit {args.deterministic_time:g}" if args.audit else f"fast, {args.time_limit:g} s limit"
        print(f"schedule {len(chosen)} counties ({mode}, one CP-SAT worker each)")
        serial_wall, serial = timed("serial", run_serial(chosen, make), len(chosen))
        serial_rss = rss_mib()
        t0 = time.perf_counter()
        with open_client(None, args.workers) as client:
            info = describe(client, local=True)
            print(f"LocalCluster of {info.workers} workers × 1 thread started in {time.perf_counter() - t0:.1f} s "
                  "(each worker process imports the library as it starts)")
            parallel_wall, parallel = timed("dask", run_on_cluster(client, chosen, make), len(chosen))
        report("serial", serial_wall, serial)
        report(f"dask ({info.workers} workers)", parallel_wall, parallel)
        print(f"scaling efficiency serial / ({info.workers} × parallel) = {serial_wall / (info.workers * parallel_wall):.2f}")
        print(f"peak RSS: this process (load, draw, serial) {serial_rss:,.0f} MiB; "
              f"largest worker {max(r.peak_rss_mib for r in parallel):,.0f} MiB")
        if args.audit:
            same = {r.county: r.plan_sha256 for r in serial} == {r.county: r.plan_sha256 for r in parallel}
            print(f"audit mode: serial and dask plans identical: {same}")


if __name__ == "__main__":
    main()
