"""Benchmark runner: OneVisit against today's procedure, instance by instance.

    python benchmarks/run.py [--instances county-s county-l province] [--json out.json]
                             [--time-limit S] [--seed N] [--keep DIR]
                             [--province-counties K] [--province-enterprises N] [--province-dir DIR]
                             [--province-workers W] [--province-serial]

For each instance (benchmarks/instances.py) it builds the inputs and the
published draw, then runs, each in a fresh process (benchmarks/isolated.py):

- OneVisit: officer draw and scheduling (``scheduler.app.scheduling.schedule``,
  fast mode, CP-SAT stopped at ``--time-limit`` seconds of wall clock);
- the baseline, today's per-agency procedure (benchmarks/baseline.py), at
  OneVisit's per-agency sample sizes, seeded by ``--seed``;

and checks both plans with the independent checker.  The province (K
counties, OneVisit on a Dask LocalCluster through the province use case,
the baseline county by county) is measured by benchmarks/province_run.py.
It prints one table
(rows: the figures of benchmarks/figures.py, the scheduling wall time and
the step's peak memory; columns: instance × OneVisit, baseline, ratio) and,
with ``--json``, writes every figure with the machine, the command and the
date.  ``--keep DIR`` writes both plans there as JSON (the province: the
use case's output folder and one baseline plan per county).

Exits 1 when a requested instance is not available (the others still run).
What each figure means: docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shlex
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from importlib.metadata import version
from pathlib import Path
from typing import Any

# isort: off
import common  # noqa: F401  (first: puts the repository and data/ on the import path)
import province_run
import steps
from baseline import per_agency_sizes
from figures import RULES, plan_figures, ratio
from instances import INSTANCES, Instance, InstanceUnavailable, describe
from isolated import Measured, run_isolated, save_instance
# isort: on

from scheduler.app.scheduling import check
from scheduler.assign.solver import SolverSettings
from scheduler.io import Inputs

DEFAULT_INSTANCES = ("county-s", "county-l")
PROVINCE = province_run.NAME
CHOICES = (*INSTANCES, PROVINCE)
DEFAULT_SEED = 20261012
RATIOS = province_run.RATIOS  # OneVisit / baseline


def evaluate(doc: dict[str, Any], inputs: Inputs, *, solver: bool) -> dict[str, Any]:
    """A plan document's figures, its violations found by the independent checker."""
    assert inputs.round is not None
    rules = [v.rule for v in check(doc, inputs)]
    workdays = inputs.calendar.workdays(inputs.round.start, inputs.round.end)
    return plan_figures(doc, rules, workdays, solver_statistics=solver)


def side(measured: Measured, inputs: Inputs, *, solver: bool) -> dict[str, Any]:
    """One side's figures: the plan's, its time and memory."""
    doc = measured.result
    solver_info = doc["audit"]["solver"]
    loaded = measured.loaded_rss_mib
    return evaluate(doc, inputs, solver=solver) | {
        "schedule_seconds": round(measured.seconds, 3), "peak_rss_mib": round(measured.peak_rss_mib, 1),
        "rss_after_loading_mib": None if loaded is None else round(loaded, 1), "rss_source": measured.rss_source,
        "solver": solver_info.get("status", solver_info.get("name"))}


def compare(instance: Instance, settings: SolverSettings, seed: int, *,
            keep: Path | None = None, name: str = "instance") -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """Run and measure both sides on one instance.  Returns the instance's
    figures, OneVisit's plan document and the baseline's."""
    inputs, draw = instance
    sizes = per_agency_sizes(draw, inputs)
    with tempfile.TemporaryDirectory() as tmp:
        path = save_instance(inputs, draw, Path(tmp) / "instance.pickle")
        onevisit = run_isolated(steps.onevisit, path, settings)
        baseline = run_isolated(steps.baseline, path, (sizes, seed))
    ours, theirs = side(onevisit, inputs, solver=True), side(baseline, inputs, solver=False)
    if keep is not None:
        keep.mkdir(parents=True, exist_ok=True)
        for label, doc in (("onevisit", onevisit.result), ("baseline", baseline.result)):
            (keep / f"{name}-{label}.json").write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")
    figures = {"instance": describe(inputs, draw), "per_agency_sizes": sizes, "onevisit": ours, "baseline": theirs,
               "ratios": {key: ratio(ours[key], theirs[key]) for key in RATIOS}}
    return figures, onevisit.result, baseline.result


def machine() -> dict[str, Any]:
    pages, page = os.sysconf("SC_PHYS_PAGES"), os.sysconf("SC_PAGE_SIZE")
    return {"cpu_count": os.cpu_count(), "memory_gib": round(pages * page / 2**30, 1), "platform": platform.platform(),
            "python": platform.python_version(), "ortools": version("ortools"),
            "load_average_at_start": [round(x, 2) for x in os.getloadavg()]}


# The table: (label, path into one side's figures, format), then the ratio rows.
def _share(x: Any) -> str:
    return "n/a" if x is None else f"{x:.1%}"


def _int(x: Any) -> str:
    return "n/a" if x is None else f"{x:,}"


def _float(digits: int) -> Callable[[Any], str]:
    return lambda x: "n/a" if x is None else f"{x:,.{digits}f}"


def _rule(rule: int) -> Callable[[dict[str, Any]], Any]:
    return lambda s: s["violations"][str(rule)]


ROWS: list[tuple[str, Callable[[dict[str, Any]], Any], Callable[[Any], str], str | None]] = [
    ("enterprise visits", lambda s: s["visits"], _int, "visits"),
    ("unassigned visits", lambda s: s["unassigned"], _int, None),
    ("agency-inspections", lambda s: s["agency_inspections"], _int, None),
    ("share done jointly", lambda s: s["joint_share"], _share, None),
    ("hard violations", lambda s: s["violations"]["total"], _int, None),
    *[(f"  rule {r}", _rule(r), _int, None) for r in RULES],
    ("as-drawn share", lambda s: s["as_drawn_share"], _share, None),
    ("officer-day-township uses", lambda s: s["officer_day_township_uses"], _int, "officer_day_township_uses"),
    ("gap to lower bound", lambda s: s["gap_to_bound"], _share, None),
    ("busiest-week ratio", lambda s: s["busiest_week_ratio"], _float(2), None),
    ("scheduling wall time (s)", lambda s: s["schedule_seconds"], _float(1), None),
    ("peak RSS (MiB)", lambda s: s["peak_rss_mib"], _float(0), None),
]


def table(results: dict[str, dict[str, Any]]) -> str:
    """One Markdown table: rows = figures, columns = instance × OneVisit, baseline, ratio."""
    head = ["figure"] + [f"{name} {col}" for name in results for col in ("OneVisit", "baseline", "ratio")]
    lines = [head]
    for label, get, fmt, ratio_key in ROWS:
        row = [label]
        for fig in results.values():
            r = fig["ratios"].get(ratio_key) if ratio_key else None
            row += [fmt(get(fig["onevisit"])), fmt(get(fig["baseline"])), "" if r is None else f"{r:.2f}"]
        lines.append(row)
    widths = [max(len(line[c]) for line in lines) for c in range(len(head))]

    def render(cells: list[str]) -> str:
        return "| " + " | ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths, strict=True))) + " |"

    rule = "|" + "|".join("-" * (w + 1) + (":" if i else "-") for i, w in enumerate(widths)) + "|"
    return "\n".join([render(lines[0]), rule, *(render(line) for line in lines[1:])])


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--instances", nargs="+", choices=list(CHOICES), default=list(DEFAULT_INSTANCES))
    parser.add_argument("--json", type=Path, help="write every figure, the machine, the command and the date here")
    parser.add_argument("--time-limit", type=float, default=SolverSettings().time_limit,
                        help="CP-SAT wall-clock limit in seconds (the CLI default)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED,
                        help="the baseline's seed, and county-l's and the province's plain draw seed "
                             "(county-s draws as the demo)")
    parser.add_argument("--keep", type=Path, help="write both plans of each instance into this folder")
    province = parser.add_argument_group("province")
    province.add_argument("--province-counties", type=positive, default=province_run.DEFAULT_COUNTIES, metavar="K",
                          help="counties of the province (default %(default)s)")
    province.add_argument("--province-enterprises", type=positive, default=province_run.DEFAULT_ENTERPRISES, metavar="N",
                          help="enterprises per generated county (default %(default)s)")
    province.add_argument("--province-dir", type=Path, metavar="DIR",
                          help="the province folder: counties missing from it are generated there, the others reused")
    province.add_argument("--province-workers", type=positive, default=province_run.DEFAULT_WORKERS, metavar="W",
                          help="LocalCluster worker processes, one thread each (default %(default)s)")
    province.add_argument("--province-serial", action="store_true",
                          help="also schedule the province serially, for the scaling efficiency (doubles its time)")
    return parser.parse_args(argv)


def positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def measure(name: str, args: argparse.Namespace) -> dict[str, Any]:
    """One instance's figures.  Raises :class:`InstanceUnavailable`."""
    settings = SolverSettings(time_limit=args.time_limit)
    if name == PROVINCE:
        options = province_run.ProvinceOptions(args.province_counties, args.province_enterprises, args.province_dir,
                                               args.province_workers, args.province_serial)
        return province_run.compare(options, settings, args.seed, keep=args.keep)
    t0 = time.perf_counter()
    instance = INSTANCES[name](args.seed)
    built = time.perf_counter() - t0
    print(f"{name}: built in {built:.1f} s; measuring OneVisit and the baseline …", flush=True)
    figures, _, _ = compare(instance, settings, args.seed, keep=args.keep, name=name)
    figures["build_seconds"] = round(built, 1)
    return figures


def main(argv: Sequence[str] | None = None) -> int:
    args = parse(argv)
    command = shlex.join(["python", "benchmarks/run.py", *(sys.argv[1:] if argv is None else argv)])
    report: dict[str, Any] = {"command": command, "date": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
                              "machine": machine(), "settings": {"time_limit": args.time_limit, "seed": args.seed,
                                                                 "mode": "fast (wall-clock limit)"},
                              "instances": {}, "unavailable": {}}
    if PROVINCE in args.instances:
        report["settings"]["province"] = {"counties": args.province_counties, "enterprises": args.province_enterprises,
                                          "dir": None if args.province_dir is None else str(args.province_dir),
                                          "workers": args.province_workers, "serial": args.province_serial}
    for name in dict.fromkeys(args.instances):
        try:
            report["instances"][name] = measure(name, args)
        except InstanceUnavailable as exc:
            print(exc, file=sys.stderr)
            report["unavailable"][name] = str(exc)
    report["machine"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    if report["instances"]:
        print(table(report["instances"]))
    if PROVINCE in report["instances"]:
        print(province_run.run_text(report["instances"][PROVINCE]))
    m = report["machine"]
    print(f"machine: {m['cpu_count']} CPUs, {m['memory_gib']} GiB, {m['platform']}, Python {m['python']}, "
          f"OR-Tools {m['ortools']}; load average {m['load_average_at_start'][0]} at start, "
          f"{m['load_average_at_end'][0]} at end")
    if args.json:
        args.json.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        print(f"figures written to {args.json}")
    return 1 if report["unavailable"] else 0


if __name__ == "__main__":
    sys.exit(main())
