"""Progress events and the stop signal of a solve.

A solve reports structured :class:`SolveEvent` records (phase, counts, best
objective, bound) instead of UI strings; the CLI prints their ``message``,
the service will stream them.  A :class:`StopSignal` ends a solve early from
another thread: ``finish()`` keeps the best plan found so far, ``cancel()``
keeps nothing.  Every stage checks the signal often enough that a solve
stops within about a second of it (benchmarks/bench_schedule.py --stop-after
measures this).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum


class Phase(StrEnum):
    OFFICER_DRAW = "officer_draw"
    CAPACITY = "capacity"
    CONSTRUCT = "construct"
    LOCAL_SEARCH = "local_search"
    CP_SAT = "cp_sat"
    REPAIR = "repair"
    DONE = "done"
    STOPPED = "stopped"


@dataclass(frozen=True, slots=True)
class SolveEvent:
    phase: Phase
    message: str  # Chinese, for people
    visits: int = 0  # visits in the round
    placed: int = 0  # visits with a day and team so far
    unassigned: int = 0  # visits that cannot be staffed (known so far)
    best_objective: float | None = None  # CP-SAT's best objective so far
    bound: float | None = None  # CP-SAT's best proven bound


OnEvent = Callable[[SolveEvent], None]


def ignore(_: SolveEvent) -> None:
    """The default event handler."""


class StopMode(StrEnum):
    FINISH = "finish"  # stop now, keep the best plan so far
    CANCEL = "cancel"  # stop now, keep nothing


class StopSignal:
    """Thread-safe: set from any thread, polled by the solve."""

    def __init__(self) -> None:
        self._event = threading.Event()
        self._mode = StopMode.FINISH

    def finish(self) -> None:
        self._mode = StopMode.FINISH
        self._event.set()

    def cancel(self) -> None:
        self._mode = StopMode.CANCEL
        self._event.set()

    @property
    def requested(self) -> bool:
        return self._event.is_set()

    @property
    def mode(self) -> StopMode | None:
        return self._mode if self._event.is_set() else None

    def wait(self, timeout: float) -> bool:
        return self._event.wait(timeout)


class Cancelled(Exception):
    """Raised inside a solve when its stop signal says cancel."""


def poll_before_any_plan(stop: StopSignal | None) -> Callable[[], None]:
    """The poll for work done before any placement exists (the officer draw,
    the capacity check): there is nothing to keep yet, so finishing is
    cancelling — it raises :class:`Cancelled` on either."""

    def poll() -> None:
        if stop is not None and stop.requested:
            raise Cancelled

    return poll
