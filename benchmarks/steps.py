"""The two measured steps, each run in its own process by the runner
(benchmarks/run.py, through benchmarks/isolated.py): OneVisit's scheduling
and today's procedure.  Each returns its plan as a plan.json-shaped dict."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# isort: off
import common  # noqa: F401  (first: puts the repository on the import path)
from baseline import baseline_plan
# isort: on

from scheduler import planfile
from scheduler.app.scheduling import schedule
from scheduler.assign.solver import SolverSettings
from scheduler.draw.published import PublishedDraw
from scheduler.io import Inputs


def onevisit(inputs: Inputs, draw: PublishedDraw, settings: SolverSettings) -> dict[str, Any]:
    """Officer draw and scheduling (the schedule use case)."""
    return planfile.to_json(schedule(inputs, draw, settings))


def baseline(inputs: Inputs, draw: PublishedDraw, sizes_and_seed: tuple[Mapping[str, int], int]) -> dict[str, Any]:
    """Today's per-agency procedure at the given per-agency sample sizes."""
    sizes, seed = sizes_and_seed
    return baseline_plan(inputs, sizes, seed)
