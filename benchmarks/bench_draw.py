"""Benchmark: the draw on a large generated county.

    python benchmarks/bench_draw.py [--enterprises 5000000] [--no-compare]

Generates the county (data/generate_county.py, CSV), loads it, then times the
draw (frames, seed, tickets, strata, both modes unless --no-compare) and the
publication of the draw folder, and prints peak memory (RSS).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

# isort: off
from common import rss_mib  # first: puts the repository and data/ on the import path
import generate_county
# isort: on


from scheduler.domain import Exclusions, Round
from scheduler.draw import Reveal, build_rule, run_draw, verify, write_draw
from scheduler.io import Report, load


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--enterprises", type=int, default=5_000_000)
    parser.add_argument("--no-compare", action="store_true", help="skip the independent-mode comparison draw")
    parser.add_argument("--verify", action="store_true", help="also time verify (published files only)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "data"
        t0 = time.perf_counter()
        generate_county.generate(folder, enterprises=args.enterprises, townships=20, inspectors=800, agencies=10, excel=False)
        print(f"generate {args.enterprises:,} enterprises: {time.perf_counter() - t0:.1f} s")
        t0 = time.perf_counter()
        report = Report()
        inputs = load([folder], report)
        assert inputs is not None, [str(p) for p in report.errors[:5]]
        print(f"load + validate: {time.perf_counter() - t0:.1f} s (peak RSS so far {rss_mib():,.0f} MiB)")
        import datetime as dt

        round_ = Round(name="benchmark", start=dt.date(2026, 10, 12), end=dt.date(2026, 12, 25), lead_agency="SCJG",
                       exclusions=Exclusions(cooldown_days=180, yearly_cap=2))
        rule = build_rule(round_, inputs.dataset)
        t0 = time.perf_counter()
        result = run_draw(rule, inputs.dataset, "03 07 12 19 25 31 + 09", [Reveal("seed", "bench")],
                          compare=not args.no_compare)
        draw_s = time.perf_counter() - t0
        m = result.manifest()
        print(f"draw: {draw_s:.1f} s — eligible {m['eligible_enterprises']:,}, frame rows {m['frame_rows']:,}, "
              f"strata {len(m['strata'])}, selected rows {len(result.selection.rows):,}")
        for mode, c in m["coordination"].items():
            print(f"  {mode}: visits {c['visits']:,}, item-inspections {c['item_inspections']:,}, joint share {c['joint_share']:.1%}")
        t0 = time.perf_counter()
        out = Path(tmp) / "draw"
        write_draw(result, inputs.dataset, out)
        size = sum(p.stat().st_size for p in out.iterdir()) / 2**20
        print(f"publish draw folder ({size:,.0f} MiB): {time.perf_counter() - t0:.1f} s")
        if args.verify:
            t0 = time.perf_counter()
            v = verify(out)
            print(f"verify (published files): {time.perf_counter() - t0:.1f} s, ok={v.ok}")
    print(f"peak RSS {rss_mib():,.0f} MiB")


if __name__ == "__main__":
    main()
