"""Run one measured step in a fresh process, for an honest peak memory.

``ru_maxrss`` is a process-lifetime peak, and a process started with the
'spawn' context inherits its parent's: on Linux the kernel keeps the
pre-exec peak across ``execve`` (a child of a parent that once held 800 MiB
reports at least 800 MiB).  So the child reads its own peak from
``/proc/self/status`` (``VmHWM``, the high-water mark of the memory it maps
after exec) and falls back to ``ru_maxrss`` where there is no /proc, saying
so in ``rss_source``.

The instance (inputs and published draw) reaches the child as a pickle file
written once by the parent; the step is timed alone, after loading it.
:func:`run_call` runs any importable function of one picklable argument
the same way (the province's steps, which read their folders themselves).
"""

from __future__ import annotations

import multiprocessing
import pickle
import resource
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from scheduler.draw.published import PublishedDraw
from scheduler.io import Inputs

STATUS = Path("/proc/self/status")
Step = Callable[[Inputs, PublishedDraw, Any], Any]
A = TypeVar("A")


@dataclass(frozen=True)
class Measured:
    result: Any  # what the step returned
    seconds: float  # wall time of the step alone
    peak_rss_mib: float  # peak RSS of the fresh process: loading the instance, then the step
    loaded_rss_mib: float | None  # RSS once the instance is loaded (run_call: at the start), before the step (None without /proc)
    rss_source: str


def _status_mib(field: str) -> float | None:
    """A ``kB`` line of /proc/self/status, in MiB."""
    try:
        lines = STATUS.read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return None


def peak_rss() -> tuple[float, str]:
    """This process's peak RSS in MiB and where it was read."""
    hwm = _status_mib("VmHWM")
    if hwm is not None:
        return hwm, "VmHWM (fresh spawned process)"
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "ru_maxrss (includes the parent's peak)"


def save_instance(inputs: Inputs, draw: PublishedDraw, path: Path) -> Path:
    with path.open("wb") as f:
        pickle.dump((inputs, draw), f, protocol=pickle.HIGHEST_PROTOCOL)
    return path


def _child(step: Step, instance: Path, argument: Any) -> Measured:
    with instance.open("rb") as f:
        inputs, draw = pickle.load(f)
    loaded = _status_mib("VmRSS")
    t0 = time.perf_counter()
    result = step(inputs, draw, argument)
    seconds = time.perf_counter() - t0
    peak, source = peak_rss()
    return Measured(result, seconds, peak, loaded, source)


def _call(fn: Callable[[A], Any], argument: A) -> Measured:
    started = _status_mib("VmRSS")
    t0 = time.perf_counter()
    result = fn(argument)
    seconds = time.perf_counter() - t0
    peak, source = peak_rss()
    return Measured(result, seconds, peak, started, source)


def _fresh_process(target: Callable[..., Measured], *args: Any) -> Measured:
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(target, *args).result()


def run_isolated(step: Step, instance: Path, argument: Any) -> Measured:
    """``step(inputs, draw, argument)`` in a new process started with the
    'spawn' context; *step* must be importable by name (a module-level
    function of an importable module)."""
    return _fresh_process(_child, step, instance, argument)


def run_call(fn: Callable[[A], Any], argument: A) -> Measured:
    """``fn(argument)`` in a new process started with the 'spawn' context,
    timed and measured as :func:`run_isolated` measures a step (the RSS
    before the step is the fresh process's, once it has imported *fn*)."""
    return _fresh_process(_call, fn, argument)
