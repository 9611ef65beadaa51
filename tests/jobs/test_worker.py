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
from pathlib import Path

from job_rounds import Round

from scheduler.assign.events import StopMode, StopSignal
from scheduler.jobs.worker import watch

ROOT = Path(__file__).resolve().parents[2]


def run_watch(finish: threading.Event, cancel: threading.Event, orphaned: threading.Event) -> tuple[StopSignal, threading.Thread]:
    stop, done = StopSignal(), threading.Event()
    thread = threading.Thread(target=watch, args=(finish, cancel, stop, done, orphaned.is_set), daemon=True)
    thread.start()
    return stop, thread


def test_finish_then_cancel_ends_as_cancel() -> None:
    finish, cancel, orphaned = threading.Event(), threading.Event(), threading.Event()
    stop, thread = run_watch(finish, cancel, orphaned)
    finish.set()
    assert stop.wait(10)
    assert stop.mode is StopMode.FINISH
    cancel.set()
    thread.join(10)
    assert not thread.is_alive() and stop.mode is StopMode.CANCEL


def test_an_orphaned_worker_cancels() -> None:
    finish, cancel, orphaned = threading.Event(), threading.Event(), threading.Event()
    stop, thread = run_watch(finish, cancel, orphaned)
    orphaned.set()
    thread.join(10)
    assert not thread.is_alive() and stop.mode is StopMode.CANCEL


SERVICE = """
import json, sys
from scheduler.assign.events import Phase
from scheduler.jobs import JobRunner, JobSpec
from scheduler.jobs.solve import TARGET
if __name__ == "__main__":
    kwargs = json.loads(sys.argv[1])
    runner = JobRunner()
    job = runner.submit(JobSpec("r", "solve", TARGET, kwargs, 600.0))
    for status in runner.subscribe(job.job_id):
        if status.phase is Phase.CP_SAT:
            break
    print(runner.pid(job.job_id), flush=True)
    sys.stdin.read()
"""


def gone(pid: int) -> bool:
    """No such process, or a zombie nobody reaped (a container's init may not)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return True
    return state == "Z"


def test_a_worker_whose_service_is_killed_stops(long_round: Round) -> None:
    kwargs = {"data": [str(long_round.data)], "round_file": str(long_round.round_file),
              "draw_folder": str(long_round.draw_folder), "settings": {"time_limit": 600.0, "gap_limit": 0.0}}
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    service = subprocess.Popen([sys.executable, "-c", SERVICE, json.dumps(kwargs)], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, text=True, env=env, cwd=ROOT)
    worker = 0
    try:
        assert service.stdout is not None
        worker = int(service.stdout.readline())
        assert not gone(worker)
        service.send_signal(signal.SIGKILL)
        service.wait(30)
        deadline = time.monotonic() + 30
        while not gone(worker) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert gone(worker), "the worker kept solving after its service died"
    finally:
        service.kill()
        service.wait(30)
        if worker and not gone(worker):  # never leave a solve running behind the suite
            os.kill(worker, signal.SIGKILL)
