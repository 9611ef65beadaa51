"""Benchmark: scheduling a full-size county.

    python benchmarks/bench_schedule.py [--enterprises 200000] [--visits 5000] [--audit]

Generates a county (20 townships, 800 inspectors, 10 agencies), draws it
with the generator's ratios scaled so that about ``--visits`` enterprises are
drawn, then times scheduling (officer draw, capacity check, CP-SAT, repair)
and prints the as-drawn share, the gap to the lower bound, the number of hard
violations found by the independent validator, and peak memory.
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
from scheduler.assign.validate import check_plan
from scheduler.domain import Exclusions, Round
from scheduler.draw import Reveal, build_rule, run_draw, write_draw
from scheduler.io import Report, load


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--enterprises", type=int, default=200_000)
    parser.add_argument("--visits", type=int, default=5000, help="target number of drawn enterprises")
    parser.add_argument("--audit", action="store_true")
    parser.add_argument("--seed", default="bench", help="the draw's plain seed (vary it to average over draws)")
    parser.add_argument("--time-limit", type=float, default=20.0, help="CP-SAT wall-clock limit (the CLI default)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "data"
        generate_county.generate(folder, enterprises=args.enterprises, townships=20, inspectors=800, agencies=10, excel=False)
        inputs = load([folder], Report())
        assert inputs is not None
        round_ = Round(name="benchmark", start=dt.date(2026, 10, 12), end=dt.date(2026, 12, 25), lead_agency="SCJG",
                       exclusions=Exclusions(cooldown_days=180, yearly_cap=2), avoid_home_township=True)
        reveal = [Reveal("seed", args.seed)]
        factor = Decimal(1)
        for _ in range(6):  # scale the ratios until about --visits enterprises are drawn
            items = tuple(replace(i, ratios={c: min(Decimal(1), r * factor) for c, r in i.ratios.items()})
                          for i in inputs.dataset.items)
            dataset = replace(inputs.dataset, items=items)
            result = run_draw(build_rule(round_, dataset), dataset, "", reveal, compare=False)
            visits = result.coordination.visits
            if abs(visits - args.visits) < 0.03 * args.visits:
                break
            factor *= Decimal(args.visits) / Decimal(visits)
        print(f"draw: {visits:,} visits (ratios × {float(factor):.2f}), {result.coordination.item_inspections:,} item-inspections")
        draw = Path(tmp) / "draw"
        write_draw(result, dataset, draw)
        settings = SolverSettings(audit=args.audit, time_limit=args.time_limit)
        t0 = time.perf_counter()
        plan = build_plan(draw, dataset, round_, inputs.calendar, settings, lambda m: print(f"  [{time.perf_counter() - t0:6.1f}s] {m}"))
        elapsed = time.perf_counter() - t0
        st = plan.plan["statistics"]
        print(f"schedule: {elapsed:.1f} s wall ({'audit' if args.audit else 'fast'} mode)")
        print(f"  assigned {st['assigned']:,}/{st['visits']:,}; as drawn {st['as_drawn_share']:.1%}; "
              f"drawn officers {st['drawn_officer_share']:.1%}")
        print(f"  officer-day-township uses {st['officer_day_township_uses']:,}; lower bound {st['lower_bound_uses_given_teams']:,}; "
              f"gap {st['gap_to_bound']:.1%}; solver {plan.plan['audit']['solver']['status']}")
        violations = check_plan(plan.plan, dataset, inputs.calendar)
        print(f"  independent validator: {len(violations)} hard violations")
    print(f"peak RSS {rss_mib():,.0f} MiB")


if __name__ == "__main__":
    main()
