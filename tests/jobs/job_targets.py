"""Job targets for the runner's tests (imported by the spawned worker: spawn
hands the parent's sys.path to the child)."""

from __future__ import annotations

import time

from scheduler.assign.events import OnEvent, Phase, SolveEvent, StopSignal


def chatty_and_deaf(*, on_event: OnEvent, stop: StopSignal) -> bytes:
    """Reports progress without pause and never looks at its stop signal."""
    while True:
        on_event(SolveEvent(Phase.CP_SAT, "求解中"))


def deaf(*, on_event: OnEvent, stop: StopSignal) -> bytes:
    """Stands for a long load of the rosters: reports once, then works on
    without ever looking at its stop signal."""
    on_event(SolveEvent(Phase.OFFICER_DRAW, "读取名录"))
    while True:
        time.sleep(0.05)
