"""Benchmark: load, validate and draw a large generated county.

    python benchmarks/bench_draw.py [--enterprises 5000000] [--no-compare] [--data FOLDER]

Generates the county (data/generate_county.py, CSV; not timed), loads it,
then times the draw and the publication of the draw folder.  Printed, each
as wall clock and CPU seconds of this process (plus its worker processes):

* read: reading the roster files into tables of strings (``read_table``);
* validate: the rest of ``scheduler.io.load`` (USCC check digits,
  duplicates, classes, dates, coordinates, cross-file checks);
* draw: eligibility and frames, frame digest and seed, tickets and
  selection (both modes unless --no-compare);
* the peak resident memory of this process (and of its largest worker).

``--data FOLDER`` keeps the generated county in FOLDER and reuses it when it
is already there (generating five million rows takes about a minute).
Timings on a shared machine are noisy: compare CPU seconds too.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import resource
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

# isort: off
from common import rss_mib  # first: puts the repository and data/ on the import path
import generate_county
# isort: on

import scheduler.draw.run as draw_run
import scheduler.io.rosters as rosters
from scheduler.domain import Exclusions, Round
from scheduler.draw import Reveal, build_rule, run_draw, verify, write_draw
from scheduler.io import Report, load


def cpu_s() -> float:
    """CPU seconds of this process and of its finished worker processes."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


class Clock:
    """Wall and CPU seconds spent inside the functions it wraps, by label."""

    def __init__(self) -> None:
        self.wall: dict[str, float] = {}
        self.cpu: dict[str, float] = {}

    def wrap(self, module: Any, name: str, label: str) -> None:
        inner: Callable[..., Any] = getattr(module, name)

        @functools.wraps(inner)
        def timed(*args: Any, **kwargs: Any) -> Any:
            with self.span(label):
                return inner(*args, **kwargs)

        setattr(module, name, timed)

    @contextmanager
    def span(self, label: str) -> Iterator[None]:
        w, c = time.perf_counter(), cpu_s()
        try:
            yield
        finally:
            self.wall[label] = self.wall.get(label, 0.0) + time.perf_counter() - w
            self.cpu[label] = self.cpu.get(label, 0.0) + cpu_s() - c

    def line(self, label: str, shown: str | None = None) -> str:
        return f"{shown or label}: {self.wall.get(label, 0.0):.1f} s (CPU {self.cpu.get(label, 0.0):.1f} s)"


def county(folder: Path, enterprises: int) -> None:
    if (folder / "enterprises.csv").exists():
        print(f"reusing {folder}")
        return
    t0 = time.perf_counter()
    generate_county.generate(folder, enterprises=enterprises, townships=20, inspectors=800, agencies=10, excel=False)
    print(f"generate {enterprises:,} enterprises: {time.perf_counter() - t0:.1f} s (not counted)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--enterprises", type=int, default=5_000_000)
    parser.add_argument("--no-compare", action="store_true", help="skip the independent-mode comparison draw")
    parser.add_argument("--verify", action="store_true", help="also time verify (published files only)")
    parser.add_argument("--data", type=Path, help="keep (or reuse) the generated county in this folder")
    args = parser.parse_args()
    clock = Clock()
    clock.wrap(rosters, "read_table", "read")
    clock.wrap(draw_run, "build_frames", "frames")
    clock.wrap(draw_run, "frame_sha256", "frame digest")
    clock.wrap(draw_run, "select", "tickets + selection")
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.data or Path(tmp) / "data"
        county(folder, args.enterprises)
        with clock.span("load"):
            report = Report()
            inputs = load([folder], report)
        assert inputs is not None, [str(p) for p in report.errors[:5]]
        clock.wall["validate"] = clock.wall["load"] - clock.wall["read"]
        clock.cpu["validate"] = clock.cpu["load"] - clock.cpu["read"]
        print(clock.line("read"))
        print(clock.line("validate"))
        print(f"  (peak RSS so far {rss_mib():,.0f} MiB)")
        round_ = Round(name="benchmark", start=dt.date(2026, 10, 12), end=dt.date(2026, 12, 25), lead_agency="SCJG",
                       exclusions=Exclusions(cooldown_days=180, yearly_cap=2))
        rule = build_rule(round_, inputs.dataset)
        with clock.span("draw"):
            result = run_draw(rule, inputs.dataset, "03 07 12 19 25 31 + 09", [Reveal("seed", "bench")],
                              compare=not args.no_compare)
        m = result.manifest()
        print(clock.line("draw") + f" — eligible {m['eligible_enterprises']:,}, frame rows {m['frame_rows']:,}, "
              f"strata {len(m['strata'])}, selected rows {len(result.selection.rows):,}")
        for label in ("frames", "frame digest", "tickets + selection"):
            print("  " + clock.line(label))
        for mode, c in m["coordination"].items():
            print(f"  {mode}: visits {c['visits']:,}, item-inspections {c['item_inspections']:,}, joint share {c['joint_share']:.1%}")
        total_wall = clock.wall["load"] + clock.wall["draw"]
        total_cpu = clock.cpu["load"] + clock.cpu["draw"]
        print(f"load + validate + draw: {total_wall:.1f} s (CPU {total_cpu:.1f} s); peak RSS {rss_mib():,.0f} MiB")
        t0 = time.perf_counter()
        out = Path(tmp) / "draw"
        write_draw(result, inputs.dataset, out)
        size = sum(p.stat().st_size for p in out.iterdir()) / 2**20
        print(f"publish draw folder ({size:,.0f} MiB): {time.perf_counter() - t0:.1f} s")
        if args.verify:
            t0 = time.perf_counter()
            v = verify(out)
            print(f"verify (published files): {time.perf_counter() - t0:.1f} s, ok={v.ok}")
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"peak RSS {rss_mib():,.0f} MiB (largest worker process {workers:,.0f} MiB, mostly pages shared with this one)")


if __name__ == "__main__":
    main()
