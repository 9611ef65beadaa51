"""Fixtures of the export tests: the raw plan and rosters (see raw_inputs.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))  # raw_inputs.py

from raw_inputs import Raw, load_raw


@pytest.fixture(scope="session")
def raw(demo: Path, sample_dir: Path) -> Raw:
    return load_raw(demo, sample_dir)
