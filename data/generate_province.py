"""Generate a synthetic province for OneVisit: many counties, one folder each.

Writes ``<out>/<county>/`` for each of ``--counties`` counties with
:func:`generate_county.generate` (``excel=False``: every roster is CSV) and a
round file ``round.toml`` from :func:`generate_county.round_toml` naming the
county's own round.  County names are distinct (two characters + 县) and each
county has its own seed (``seed + 1000 × k``), so the same arguments give the
same bytes.

Defaults: 100 counties × 50,000 enterprises = 5,000,000 enterprises, each
county 8 townships, 200 inspectors and 10 agencies (a round draws about 700
enterprises per county).

Usage::

    python data/generate_province.py --out /tmp/province
    python data/generate_province.py --out /tmp/small --counties 3 --enterprises 3000 --inspectors 40 --agencies 4
"""

from __future__ import annotations

import argparse
import itertools
import shutil
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).resolve().parent
if str(DATA) not in sys.path:  # running as ``python data/generate_province.py``
    sys.path.insert(0, str(DATA))

import generate_county  # noqa: E402

# First and second characters of county names; pairs are taken in order,
# skipping doubled characters, so the k-th name is fixed.
FIRST = "宝昌长大东丰福广和华嘉建江金乐临龙宁平青庆瑞三山石寿顺太泰通文武西仙祥新兴阳永玉云泽中"
SECOND = "安昌城川德定丰和化江康乐林陵宁平山泉水台溪阳源州"
ROUND_FILE = "round.toml"


@dataclass(frozen=True)
class CountySpec:
    name: str
    seed: int


def county_names(n: int) -> list[str]:
    """*n* distinct county names (宝安县, 昌安县, …)."""
    pairs = ((a, b) for b, a in itertools.product(SECOND, FIRST) if a != b)
    names = [a + b + "县" for a, b in itertools.islice(pairs, n)]
    if len(names) < n:
        raise ValueError(f"at most {len(names)} counties")
    return names


def county_specs(counties: int, seed: int) -> list[CountySpec]:
    return [CountySpec(name, seed + 1000 * k) for k, name in enumerate(county_names(counties))]


def round_name(county: str) -> str:
    return f"{county}2026年第四季度跨部门联合抽查"


def generate(out: Path, *, counties: int = 100, enterprises: int = 50_000, townships: int = 8, inspectors: int = 200,
             agencies: int = 10, seed: int = 20261124, keep_existing: bool = False) -> list[Path]:
    """Write the province into *out*; return the county folders.  With
    *keep_existing*, a county whose folder exists is left as it is, and a
    missing one is written into a hidden staging folder, then renamed, so
    that an interrupted run leaves no half-written county behind."""
    if counties < 1:
        raise ValueError("counties must be at least 1")
    folders = []
    for spec in county_specs(counties, seed):
        folder = Path(out) / spec.name
        folders.append(folder)
        if keep_existing and folder.exists():
            continue
        target = folder.with_name(f".{spec.name}.partial") if keep_existing else folder
        if keep_existing:
            shutil.rmtree(target, ignore_errors=True)
        generate_county.generate(target, enterprises=enterprises, townships=townships, inspectors=inspectors,
                                 agencies=agencies, seed=spec.seed, county=spec.name, excel=False)
        (target / ROUND_FILE).write_text(generate_county.round_toml(round_name(spec.name)), encoding="utf-8")
        if keep_existing:
            target.rename(folder)
    return folders


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="生成示例省数据（每县一个文件夹）(a synthetic province)")
    parser.add_argument("--out", type=Path, required=True, help="output folder")
    parser.add_argument("--counties", type=int, default=100)
    parser.add_argument("--enterprises", type=int, default=50_000, help="per county")
    parser.add_argument("--townships", type=int, default=8)
    parser.add_argument("--inspectors", type=int, default=200)
    parser.add_argument("--agencies", type=int, default=10)
    parser.add_argument("--seed", type=int, default=20261124)
    args = parser.parse_args(argv)
    start = time.perf_counter()
    folders = generate(args.out, counties=args.counties, enterprises=args.enterprises, townships=args.townships,
                       inspectors=args.inspectors, agencies=args.agencies, seed=args.seed)
    print(f"wrote {len(folders)} counties × {args.enterprises:,} enterprises = {len(folders) * args.enterprises:,} "
          f"to {args.out} in {time.perf_counter() - start:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
