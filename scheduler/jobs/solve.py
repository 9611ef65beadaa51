"""The job target that solves a round: it reads everything from paths (plain
data passed to the worker process) and returns the plan's bytes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from scheduler import planfile
from scheduler.app.drawing import load_draw
from scheduler.app.inputs import load_inputs
from scheduler.app.scheduling import schedule
from scheduler.assign.events import OnEvent, StopSignal, ignore
from scheduler.assign.solver import SolverSettings

TARGET = "scheduler.jobs.solve:solve_round"


def solve_round(*, data: Sequence[str], draw_folder: str, round_file: str | None = None,
                settings: Mapping[str, Any] | None = None, on_event: OnEvent = ignore,
                stop: StopSignal | None = None) -> bytes:
    """Load the rosters (*data*: folders or files), the round file and the
    published draw, schedule, and return ``plan.json``'s bytes."""
    inputs = load_inputs([Path(p) for p in data], None if round_file is None else Path(round_file), need_round=True)
    draw = load_draw(Path(draw_folder))
    plan = schedule(inputs, draw, SolverSettings(**dict(settings or {})), on_event=on_event, stop=stop)
    return planfile.to_bytes(plan)
