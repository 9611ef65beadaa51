"""Benchmark: read and validate a large target roster (and a full folder).

    python benchmarks/bench_inputs.py [--enterprises 200000] [--xlsx]
    python benchmarks/bench_inputs.py --enterprises 30000 --stray-cell

``--stray-cell`` writes the roster as .xlsx three more times, each with one
stray cell far away (a space in A1048576, a space in XFD1, a value in
A1048576), and times reading each against the clean workbook.

Generates a county with data/generate_county.py into a temporary folder, then
times (wall clock) reading + validating the enterprise roster alone and the
whole folder (all rosters, cross-file checks), and prints peak memory (RSS).
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

import openpyxl
import pandas as pd

from scheduler.io import Report, load
from scheduler.io.rosters import read_enterprises

STRAY_CELLS = (("space in A1048576", "A1048576", " "), ("space in XFD1", "XFD1", " "),
               ("value in A1048576", "A1048576", "x"))


def stray_cells(folder: Path) -> None:
    """Read + validate the roster as .xlsx, clean and with one stray cell."""
    clean = folder / "enterprises-clean.xlsx"
    frame_csv = pd.read_csv(folder / "enterprises.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    frame_csv.to_excel(clean, index=False, engine="openpyxl")
    cases = [("clean", clean)]
    for label, cell, value in STRAY_CELLS:
        path = folder / f"enterprises-{cell}-{len(value.strip())}.xlsx"
        wb = openpyxl.load_workbook(clean)
        ws = wb.active
        assert ws is not None
        ws[cell] = value
        wb.save(path)
        cases.append((label, path))
    for label, path in cases:
        t0 = time.perf_counter()
        report = Report()
        frame = read_enterprises(path, report)
        assert frame is not None and report.ok, [str(p) for p in report.errors[:5]]
        print(f"enterprises.xlsx, {label}: read + validate {time.perf_counter() - t0:.2f} s, "
              f"{len(frame):,} rows, {len(report.warnings)} warnings")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--enterprises", type=int, default=200_000)
    parser.add_argument("--inspectors", type=int, default=800)
    parser.add_argument("--xlsx", action="store_true", help="also time the roster as an .xlsx workbook")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--stray-cell", action="store_true",
                        help="time .xlsx rosters with one stray cell far away (a space in A1048576, XFD1)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        t0 = time.perf_counter()
        generate_county.generate(folder, enterprises=args.enterprises, townships=20, inspectors=args.inspectors,
                              agencies=10, excel=False)
        print(f"generated {args.enterprises:,} enterprises in {time.perf_counter() - t0:.1f} s")
        size = (folder / "enterprises.csv").stat().st_size / 2**20
        times = []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            report = Report()
            frame = read_enterprises(folder / "enterprises.csv", report)
            times.append(time.perf_counter() - t0)
            assert frame is not None and report.ok, [str(p) for p in report.errors[:5]]
        print(f"enterprises.csv ({size:.0f} MiB, {len(frame):,} rows): read + validate "
              f"best {min(times):.2f} s, median {sorted(times)[len(times) // 2]:.2f} s")
        times = []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            report = Report()
            inputs = load([folder], report)
            times.append(time.perf_counter() - t0)
            assert inputs is not None, [str(p) for p in report.errors[:5]]
        print(f"whole folder (enterprises, items, inspectors, history; cross-file checks): best {min(times):.2f} s")
        if args.stray_cell:
            stray_cells(folder)
        if args.xlsx:
            xlsx = folder / "enterprises.xlsx"
            t0 = time.perf_counter()
            frame_csv = pd.read_csv(folder / "enterprises.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
            frame_csv.to_excel(xlsx, index=False, engine="openpyxl")
            (folder / "enterprises.csv").unlink()
            print(f"wrote enterprises.xlsx in {time.perf_counter() - t0:.1f} s")
            t0 = time.perf_counter()
            report = Report()
            frame = read_enterprises(xlsx, report)
            assert frame is not None and report.ok
            print(f"enterprises.xlsx ({xlsx.stat().st_size / 2**20:.0f} MiB): read + validate {time.perf_counter() - t0:.2f} s")
    print(f"peak RSS {rss_mib():.0f} MiB")


if __name__ == "__main__":
    main()
