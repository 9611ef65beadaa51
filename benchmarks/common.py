"""Shared set-up of the benchmarks: import paths and peak memory.

Each benchmark is a script (``python benchmarks/bench_x.py``); importing this
module first makes the repository's packages and ``data/generate_county.py``
importable without installing anything.
"""

from __future__ import annotations

import resource
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for path in (ROOT, ROOT / "data"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))


def rss_mib() -> float:
    """Peak resident set size of this process so far, in MiB (Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
