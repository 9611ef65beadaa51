"""Benchmark: writing every export for a full-size county.

    python benchmarks/bench_export.py [--enterprises 200000] [--visits 5000]

Builds the full-size round as bench_schedule.py does (fast mode), then times
the master workbook, the township workbooks and the inspector schedules
(.ics, .json, .xlsx), and prints the time and peak memory.
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import time
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

# isort: off
from common import rss_mib  # first: puts the repository and data/ on the import path
import generate_county
# isort: on

from scheduler.assign.plan import build_plan
from scheduler.assign.solver import SolverSettings
from scheduler.atomic import write_bytes
from scheduler.domain import Exclusions, Round
from scheduler.draw import Reveal, build_rule, run_draw, write_draw
from scheduler.export.context import build_context
from scheduler.export.inspector import calendar_bytes, inspectors_with_visits, schedule_json, schedule_workbook, stem
from scheduler.export.master import file_name, master_workbook
from scheduler.export.township import file_name as township_file
from scheduler.export.township import township_workbook
from scheduler.io import Report, load


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--enterprises", type=int, default=200_000)
    parser.add_argument("--ratio-scale", default="1.82", help="scales the item ratios (1.82 draws about 5,000 visits)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
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
        result = run_draw(build_rule(round_, dataset), dataset, "", [Reveal("seed", "bench")], compare=False)
        write_draw(result, dataset, root / "draw")
        plan = build_plan(root / "draw", dataset, round_, inputs.calendar, SolverSettings()).plan
        print(f"plan: {len(plan['visits']):,} visits")
        out = root / "exports"
        t0 = time.perf_counter()
        ctx = build_context(plan, dataset)
        write_bytes(out / file_name(ctx.round_name), master_workbook(ctx, root / "draw" / "manifest.json"))
        t1 = time.perf_counter()
        for township in ctx.townships:
            write_bytes(out / "乡镇街道" / township_file(township, ctx.round_name), township_workbook(ctx, township))
        t2 = time.perf_counter()
        officers = inspectors_with_visits(ctx)
        for officer in officers:
            base = out / "执法人员" / stem(officer)
            write_bytes(base.with_suffix(".ics"), calendar_bytes(ctx, officer))
            write_bytes(base.with_suffix(".json"), schedule_json(ctx, officer))
            write_bytes(base.with_suffix(".xlsx"), schedule_workbook(ctx, officer))
        t3 = time.perf_counter()
        files = sum(1 for p in out.rglob("*") if p.is_file())
        size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file()) / 2**20
        print(f"exports: {t3 - t0:.1f} s for {files:,} files ({size:.0f} MiB): master {t1 - t0:.1f} s, "
              f"{len(ctx.townships)} township workbooks {t2 - t1:.1f} s, {len(officers)} inspector schedules {t3 - t2:.1f} s")
    print(f"peak RSS {rss_mib():,.0f} MiB")


if __name__ == "__main__":
    main()
