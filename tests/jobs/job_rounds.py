"""The published rounds the runner's tests solve (see conftest.py)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from scheduler.io import Inputs


@dataclass(frozen=True)
class Round:
    data: Path
    round_file: Path
    draw_folder: Path
    inputs: Inputs
