"""The worker side: stop requests mapped to the solve's StopSignal, and a
worker that outlives its service stops by itself."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from job_rounds import Round
from processes import gone

from scheduler.assign.events import Phase, StopMode, StopSignal
from scheduler.jobs.solve import TARGET
from scheduler.jobs.worker import ORPHAN_GRACE, watch

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Watched:
    """A :func:`watch` thread with the parent's flags as plain events."""

    finish: threading.Event = field(default_factory=threading.Event)
    cancel: threading.Event = field(default_factory=threading.Event)
    orphaned: threading.Event = field(default_factory=threading.Event)
    done: threading.Event = field(default_factory=threading.Event)  # the solve returned
    abandoned: threading.Event = field(default_factory=threading.Event)  # stands for the process exiting
    stop: StopSignal = field(default_factory=StopSignal)
    thread: threading.Thread | None = None

    def start(self, grace: float = 0.3) -> Watched:
        self.thread = threading.Thread(target=watch, args=(self.finish, self.cancel, self.stop, self.done,
                                                           self.orphaned.is_set, self.abandoned.set, grace), daemon=True)
        self.thread.start()
        return self

    def ended(self) -> bool:
        assert self.thread is not None
        self.thread.join(10)
        return not self.thread.is_alive()


def test_finish_then_cancel_ends_as_cancel() -> None:
    watched = Watched().start()
    watched.finish.set()
    assert watched.stop.wait(10)
    assert watched.stop.mode is StopMode.FINISH
    watched.cancel.set()
    deadline = time.monotonic() + 10
    while watched.stop.mode is not StopMode.CANCEL and time.monotonic() < deadline:
        time.sleep(0.01)
    assert watched.stop.mode is StopMode.CANCEL
    watched.done.set()
    assert watched.ended() and not watched.abandoned.is_set()


def test_an_orphaned_worker_cancels_and_exits_once_its_solve_stops() -> None:
    watched = Watched().start(grace=10.0)
    watched.orphaned.set()
    assert watched.stop.wait(10) and watched.stop.mode is StopMode.CANCEL
    watched.done.set()
    assert watched.ended() and not watched.abandoned.is_set()


def test_an_orphaned_worker_whose_solve_does_not_stop_is_abandoned() -> None:
    watched = Watched().start(grace=0.3)
    watched.orphaned.set()
    assert watched.abandoned.wait(10) and watched.stop.mode is StopMode.CANCEL
    assert watched.ended()


def test_a_cancelled_worker_still_notices_its_parent_dying() -> None:
    watched = Watched().start(grace=0.3)
    watched.cancel.set()
    assert watched.stop.wait(10)
    watched.orphaned.set()  # the solve ignored the cancel, then the service was killed
    assert watched.abandoned.wait(10)


SERVICE = """
import json, sys
from scheduler.assign.events import Phase
from scheduler.jobs import JobRunner, JobSpec
if __name__ == "__main__":
    target, kwargs, phase = sys.argv[1], json.loads(sys.argv[2]), Phase(sys.argv[3])
    runner = JobRunner()
    job = runner.submit(JobSpec("r", "solve", target, kwargs, 600.0))
    for status in runner.subscribe(job.job_id):
        if status.phase is phase:
            break
    print(runner.pid(job.job_id), flush=True)
    sys.stdin.read()
"""


def kill_service_and_time_its_worker(target: str, kwargs: dict[str, Any], phase: Phase) -> float:
    """Run *target* in a service process, SIGKILL the service once the job
    reports *phase*: the seconds its worker lived on (fails after 30 s)."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "tests" / "jobs")])}
    service = subprocess.Popen([sys.executable, "-c", SERVICE, target, json.dumps(kwargs), phase.value],
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env, cwd=ROOT)
    worker = 0
    try:
        assert service.stdout is not None
        worker = int(service.stdout.readline())
        assert not gone(worker)
        service.send_signal(signal.SIGKILL)
        service.wait(30)
        killed = time.monotonic()
        while not gone(worker) and time.monotonic() < killed + 30:
            time.sleep(0.05)
        assert gone(worker), "the worker kept running after its service died"
        return time.monotonic() - killed
    finally:
        service.kill()
        service.wait(30)
        if worker and not gone(worker):  # never leave a solve running behind the suite
            os.kill(worker, signal.SIGKILL)


def test_a_worker_whose_service_is_killed_stops(long_round: Round) -> None:
    kwargs = {"data": [str(long_round.data)], "round_file": str(long_round.round_file),
              "draw_folder": str(long_round.draw_folder),
              "settings": {"time_limit": 600.0, "gap_limit": 0.0, "cp_sat_max_visits": 10_000}}  # one long CP-SAT solve
    assert kill_service_and_time_its_worker(TARGET, kwargs, Phase.CP_SAT) < 10


def test_a_worker_deaf_to_its_stop_signal_exits_when_its_service_is_killed() -> None:
    """A solve that does not look at its stop signal (the rosters still
    loading, say) must not keep its worker alive once the service is gone."""
    assert kill_service_and_time_its_worker("job_targets:deaf", {}, Phase.OFFICER_DRAW) < ORPHAN_GRACE + 5
