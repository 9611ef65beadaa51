"""Benchmark: scheduling a full-size county.

    python benchmarks/bench_schedule.py [--enterprises 200000] [--visits 5000] [--audit]
    python benchmarks/bench_schedule.py --stop-after 3 8 16 [--cancel]

With ``--stop-after``, each listed number of seconds starts a solve and sets
its stop signal (finish, or cancel with ``--cancel``) that long after the
start, and prints how long the solve took to return after the signal, the
phase it was in, and what it kept.

Generates a county (20 townships, 800 inspectors, 10 agencies), draws it
with the generator's ratios scaled so that about ``--visits`` enterprises are
drawn, then times scheduling (officer draw, capacity check, CP-SAT, repair)
and prints the as-drawn share, the gap to the lower bound, the number of hard
violations found by the independent validator, and peak memory.
"""

from __future__ import annotations

import argparse
import threading
import time

# isort: off
from common import rss_mib  # first: puts the repository and data/ on the import path
from instances import full_county
# isort: on


from scheduler.app.errors import SolveCancelled
from scheduler.app.scheduling import check, schedule
from scheduler.assign.events import SolveEvent, StopSignal
from scheduler.assign.solver import SolverSettings
from scheduler.draw.published import PublishedDraw
from scheduler.io import Inputs
from scheduler.plan import Plan


def stop_latency(inputs: Inputs, draw: PublishedDraw, settings: SolverSettings, after: float, cancel: bool) -> None:
    """Solve, set the stop signal *after* seconds in, report the latency."""
    stop = StopSignal()
    phase = ["(none)"]
    t0 = time.perf_counter()

    def on_event(event: SolveEvent) -> None:
        phase[0] = event.phase.value

    timer = threading.Timer(after, stop.cancel if cancel else stop.finish)
    timer.start()
    kept: Plan | None = None
    try:
        kept = schedule(inputs, draw, settings, on_event=on_event, stop=stop)
    except SolveCancelled:
        pass
    finally:
        timer.cancel()
    total = time.perf_counter() - t0
    latency = total - after
    st = None if kept is None else kept.statistics
    what = "nothing (cancelled)" if st is None else f"plan: {st.assigned:,} assigned, {st.unassigned:,} unassigned"
    print(f"  stop ({'cancel' if cancel else 'finish'}) at {after:5.1f} s, last phase {phase[0]:12}: "
          f"returned after {latency:5.2f} s; kept {what}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--enterprises", type=int, default=200_000)
    parser.add_argument("--visits", type=int, default=5000, help="target number of drawn enterprises")
    parser.add_argument("--audit", action="store_true")
    parser.add_argument("--seed", default="bench", help="the draw's plain seed (vary it to average over draws)")
    parser.add_argument("--time-limit", type=float, default=20.0, help="CP-SAT wall-clock limit (the CLI default)")
    parser.add_argument("--stop-after", type=float, nargs="*", help="measure the stop latency at these seconds")
    parser.add_argument("--cancel", action="store_true", help="with --stop-after: cancel instead of finish")
    args = parser.parse_args()
    inputs, result = full_county(
        enterprises=args.enterprises, visits=args.visits, seed=args.seed,
        on_draw=lambda r, f: print(f"draw: {r.coordination.visits:,} visits (ratios × {float(f):.2f}), "
                                   f"{r.coordination.item_inspections:,} item-inspections"))
    draw = PublishedDraw.from_result(result)
    settings = SolverSettings(audit=args.audit, time_limit=args.time_limit)
    if args.stop_after:
        for after in args.stop_after:
            stop_latency(inputs, draw, settings, after, args.cancel)
        print(f"peak RSS {rss_mib():,.0f} MiB")
        return
    t0 = time.perf_counter()
    plan = schedule(inputs, draw, settings, on_event=lambda e: print(f"  [{time.perf_counter() - t0:6.1f}s] {e.message}"))
    elapsed = time.perf_counter() - t0
    st = plan.statistics
    print(f"schedule: {elapsed:.1f} s wall ({'audit' if args.audit else 'fast'} mode)")
    print(f"  assigned {st.assigned:,}/{st.visits:,}; as drawn {st.as_drawn_share:.1%}; "
          f"drawn officers {st.drawn_officer_share:.1%}")
    print(f"  officer-day-township uses {st.officer_day_township_uses:,}; lower bound {st.lower_bound_uses_given_teams:,}; "
          f"gap {st.gap_to_bound:.1%}; solver {plan.audit.solver['status']}")
    violations = check(plan, inputs)
    print(f"  independent validator: {len(violations)} hard violations")
    print(f"peak RSS {rss_mib():,.0f} MiB")


if __name__ == "__main__":
    main()
