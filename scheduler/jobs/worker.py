"""What runs inside a job's worker process.

The parent passes plain data only: the dotted path of a target function, its
keyword arguments (picklable: paths, numbers, dicts), a multiprocessing queue
for messages back and two events for the stop requests.  The target is called
as ``target(**kwargs, on_event=..., stop=...)`` and returns the result's
bytes; every outcome is sent back as one final message.
"""

from __future__ import annotations

import importlib
import os
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from scheduler.app.errors import SolveCancelled, UseCaseError
from scheduler.assign.events import SolveEvent, StopSignal

STOP_POLL = 0.05  # seconds between looks at the parent's stop events
ORPHAN_GRACE = 2.0  # seconds an orphaned worker's solve gets to stop before the process exits
ORPHANED_EXIT = 3  # the exit status of a worker that ended because its parent died


class Flag(Protocol):
    def is_set(self) -> bool: ...


class Outbox(Protocol):
    def put(self, obj: Any) -> None: ...


@dataclass(frozen=True, slots=True)
class Started:
    pid: int


@dataclass(frozen=True, slots=True)
class Progress:
    event: SolveEvent


@dataclass(frozen=True, slots=True)
class Succeeded:
    result: bytes


@dataclass(frozen=True, slots=True)
class Cancelled:
    message: str


@dataclass(frozen=True, slots=True)
class Failed:
    message: str


Message = Started | Progress | Succeeded | Cancelled | Failed


def resolve(path: str) -> Callable[..., bytes]:
    """``"package.module:function"`` → the function."""
    module, _, name = path.partition(":")
    target: Callable[..., bytes] = getattr(importlib.import_module(module), name)
    if not callable(target):
        raise TypeError(f"{path} is not callable")
    return target


def exit_now() -> None:
    """End the worker process at once, without the interpreter's shutdown
    (which waits for the message queue's feeder: a full pipe nobody reads
    would block it forever)."""
    os._exit(ORPHANED_EXIT)


def watch(finish: Flag, cancel: Flag, stop: StopSignal, done: threading.Event,
          orphaned: Callable[[], bool] = lambda: False, abandon: Callable[[], None] = exit_now,
          grace: float = ORPHAN_GRACE) -> None:
    """Map the parent's stop events to *stop* until the solve is *done*.  A
    worker whose parent died (the service was killed) cancels: nobody is
    left to receive its plan.  A solve that does not stop within *grace*
    seconds (still loading the rosters, or deaf to its stop signal) is
    abandoned: *abandon* ends the process, so no orphan outlives its service."""
    while not done.wait(STOP_POLL):
        if orphaned():
            stop.cancel()
            if not done.wait(grace):
                abandon()
            return
        if cancel.is_set():
            stop.cancel()  # keep watching: the parent may still die before the solve stops
        elif finish.is_set() and stop.mode is None:
            stop.finish()  # keep watching: a later cancel still wins over finish


def outcome(target: Callable[..., bytes], kwargs: Mapping[str, Any], outbox: Outbox, stop: StopSignal) -> Message:
    """Call *target*, forwarding its events; its outcome as a final message."""
    try:
        result = target(**kwargs, on_event=lambda event: outbox.put(Progress(event)), stop=stop)
    except SolveCancelled as exc:
        return Cancelled("\n".join(exc.lines))
    except UseCaseError as exc:
        return Failed("\n".join(exc.lines))
    except Exception as exc:  # the worker never dies with a traceback: the parent shows a reason
        return Failed(f"内部错误，求解失败 (internal error): {type(exc).__name__}: {exc}")
    return Succeeded(result)


#: The worker's niceness (``nice(2)``): a solve takes the cores the service's
#: requests leave over, so inspectors' downloads stay fast while it runs.
NICENESS = 10


def lower_priority(increment: int = NICENESS) -> int | None:
    """Lower this process's CPU priority; the new niceness, or None where
    the platform has no ``os.nice`` or refuses."""
    try:
        return os.nice(increment)
    except (AttributeError, OSError):
        return None


def main(target_path: str, kwargs: Mapping[str, Any], outbox: Outbox, finish: Flag, cancel: Flag) -> None:
    """The worker process's entry point."""
    lower_priority()
    outbox.put(Started(os.getpid()))
    parent = os.getppid()

    def orphaned() -> bool:
        return os.getppid() != parent

    stop = StopSignal()
    done = threading.Event()
    watcher = threading.Thread(target=watch, args=(finish, cancel, stop, done, orphaned), daemon=True)
    watcher.start()
    try:
        target = resolve(target_path)
    except Exception as exc:
        message: Message = Failed(f"内部错误：找不到求解函数 {target_path} (internal error): {exc}")
    else:
        message = outcome(target, kwargs, outbox, stop)
    done.set()
    if orphaned():  # nobody reads the message; flushing it into a full pipe would never end
        exit_now()
    outbox.put(message)
