from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))  # tests/builders.py


@pytest.fixture(scope="session")
def sample_dir() -> Path:
    return ROOT / "data" / "sample"
