"""Runs solve jobs in worker processes, outside the caller.

Each job runs in its own process started with the "spawn" context (fork is
unsafe with threads and OR-Tools).  Only plain data crosses into the worker
(a target's dotted path and picklable keyword arguments); progress comes
back as :class:`~scheduler.assign.events.SolveEvent` records on a
multiprocessing queue.  One monitor thread per job owns every transition of
that job, so listeners see its statuses in order.
"""

from __future__ import annotations

import datetime as dt
import logging
import multiprocessing as mp
import queue
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from multiprocessing.process import BaseProcess
from typing import Any

from scheduler.jobs import worker
from scheduler.jobs.state import ACTIVE, JobState, JobStatus, moved, new_status, with_event

log = logging.getLogger(__name__)

OnChange = Callable[[JobStatus], None]
POLL = 0.05  # seconds: how often a monitor looks at its worker
DRAIN = 0.5  # seconds: how long to wait for a dead worker's last messages
GRACE = 5.0  # seconds past a job's wall-clock limit before its worker is terminated


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True, slots=True)
class JobSpec:
    """What to run: ``target`` is ``"module:function"``, called in the worker
    as ``target(**kwargs, on_event=…, stop=…) -> bytes``; ``wall_limit`` is
    the job's own wall-clock limit in seconds."""

    round_id: str
    kind: str
    target: str
    kwargs: Mapping[str, Any]
    wall_limit: float


class UnknownJob(KeyError):
    def __init__(self, job_id: str) -> None:
        super().__init__(f"没有编号为 {job_id} 的作业 (no such job)")
        self.job_id = job_id


@dataclass
class _Job:
    spec: JobSpec
    status: JobStatus
    finish: Any  # multiprocessing Event
    cancel: Any  # multiprocessing Event
    listeners: list[queue.Queue[JobStatus]] = field(default_factory=list)
    result: bytes | None = None
    process: BaseProcess | None = None


def wall_limit_reason(limit: float) -> str:
    return f"求解超过作业时限 {limit:g} 秒仍未结束，已强制终止，未保留任何安排 (wall-clock limit exceeded)。"


def died_reason(exitcode: int | None) -> str:
    return (f"求解进程意外退出（退出码 {exitcode}），作业已中断，未保留任何安排；可以重新运行 "
            f"(the worker process died)。")


class JobRunner:
    """Starts, watches and stops solve jobs; at most *max_workers* run at once
    (later jobs wait as SCHEDULED)."""

    def __init__(self, max_workers: int = 1, *, on_change: OnChange | None = None, grace: float = GRACE,
                 clock: Callable[[], dt.datetime] = utc_now) -> None:
        self._ctx = mp.get_context("spawn")
        self._slots = threading.Semaphore(max_workers)
        self._on_change = on_change
        self._grace = grace
        self._clock = clock
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._jobs: dict[str, _Job] = {}
        self._active: dict[tuple[str, str], str] = {}
        self._threads: list[threading.Thread] = []

    # --- the caller's side -------------------------------------------------

    def submit(self, spec: JobSpec) -> JobStatus:
        """Start a job, or return the active job of the same round and kind."""
        with self._lock:
            existing = self._active.get((spec.round_id, spec.kind))
            if existing is not None:
                return self._jobs[existing].status
            job_id = uuid.uuid4().hex
            job = _Job(spec, new_status(job_id, spec.round_id, spec.kind, self._clock()),
                       self._ctx.Event(), self._ctx.Event())
            self._jobs[job_id] = job
            self._active[(spec.round_id, spec.kind)] = job_id
            thread = threading.Thread(target=self._monitor, args=(job,), name=f"job-{job_id[:8]}", daemon=True)
            self._threads.append(thread)
        self._notify(job.status)
        thread.start()
        return job.status

    def status(self, job_id: str) -> JobStatus:
        return self._job(job_id).status

    def result(self, job_id: str) -> bytes | None:
        """The plan's bytes, only once the job is COMPLETED."""
        job = self._job(job_id)
        return job.result if job.status.state is JobState.COMPLETED else None

    def pid(self, job_id: str) -> int | None:
        """The worker process's id while it runs."""
        process = self._job(job_id).process
        return None if process is None else process.pid

    def finish(self, job_id: str) -> JobStatus:
        """Stop now and keep the best plan found so far."""
        job = self._job(job_id)
        job.finish.set()
        return job.status

    def cancel(self, job_id: str) -> JobStatus:
        """Stop now and keep nothing."""
        job = self._job(job_id)
        job.cancel.set()
        return job.status

    def subscribe(self, job_id: str) -> Iterator[JobStatus]:
        """The job's statuses from now on: the current one first, then every
        change, ending with the terminal status."""
        inbox: queue.Queue[JobStatus] = queue.Queue()
        with self._lock:
            job = self._job_locked(job_id)
            inbox.put(job.status)
            if not job.status.terminal:
                job.listeners.append(inbox)
        return _drain(inbox)

    def wait(self, job_id: str, timeout: float) -> JobStatus:
        """Block until the job is terminal or *timeout* seconds pass."""
        deadline = time.monotonic() + timeout
        with self._changed:
            job = self._job_locked(job_id)
            while not job.status.terminal:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._changed.wait(left)
            return job.status

    def shutdown(self, timeout: float = 10.0) -> None:
        """Cancel every active job and wait for the monitors to end."""
        with self._lock:
            jobs = [j for j in self._jobs.values() if j.status.state in ACTIVE]
            threads = list(self._threads)
        for job in jobs:
            job.cancel.set()
        deadline = time.monotonic() + timeout
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()))

    # --- internals -----------------------------------------------------------

    def _job(self, job_id: str) -> _Job:
        with self._lock:
            return self._job_locked(job_id)

    def _job_locked(self, job_id: str) -> _Job:
        try:
            return self._jobs[job_id]
        except KeyError:
            raise UnknownJob(job_id) from None

    def _notify(self, status: JobStatus) -> None:
        if self._on_change is None:
            return
        try:
            self._on_change(status)
        except Exception:  # a failing hook must not orphan a worker
            log.exception("on_change failed for job %s", status.job_id)

    def _publish(self, job: _Job, status: JobStatus) -> None:
        with self._lock:
            job.status = status
            for inbox in job.listeners:
                inbox.put(status)
            if status.terminal:
                job.listeners.clear()
                if self._active.get(status.key) == status.job_id:
                    del self._active[status.key]
            self._changed.notify_all()
        self._notify(status)

    def _move(self, job: _Job, target: JobState, *, message: str | None = None, error: str | None = None) -> None:
        self._publish(job, moved(job.status, target, self._clock(), message=message, error=error))

    def _monitor(self, job: _Job) -> None:
        try:
            if self._take_slot(job):
                try:
                    self._run(job)
                finally:
                    self._slots.release()
        except Exception as exc:  # never leave a job active because the monitor broke
            log.exception("monitor of job %s failed", job.status.job_id)
            if not job.status.terminal:
                self._move(job, JobState.FAILED, error=f"内部错误 (internal error): {type(exc).__name__}: {exc}")

    def _take_slot(self, job: _Job) -> bool:
        """Wait for a free worker slot; a stop request while waiting ends the job."""
        while not self._slots.acquire(timeout=POLL):
            if job.cancel.is_set() or job.finish.is_set():
                self._move(job, JobState.CANCELLED, message="作业在开始求解之前已取消，未保留任何安排 (cancelled before start)。")
                return False
        if job.cancel.is_set() or job.finish.is_set():
            self._slots.release()
            self._move(job, JobState.CANCELLED, message="作业在开始求解之前已取消，未保留任何安排 (cancelled before start)。")
            return False
        return True

    def _run(self, job: _Job) -> None:
        outbox: Any = self._ctx.Queue()
        spec = job.spec
        process = self._ctx.Process(target=worker.main, args=(spec.target, dict(spec.kwargs), outbox, job.finish, job.cancel),
                                    name=f"onevisit-job-{job.status.job_id[:8]}", daemon=True)
        process.start()
        job.process = process
        deadline = time.monotonic() + spec.wall_limit + self._grace
        try:
            while True:
                if time.monotonic() > deadline:  # checked on every message: a chatty worker cannot outrun it
                    _stop_process(process, wait=0)
                    self._end(job, JobState.FAILED, error=wall_limit_reason(spec.wall_limit))
                    return
                try:
                    message = outbox.get(timeout=POLL)
                except queue.Empty:
                    if not process.is_alive():
                        self._dead(job, process, outbox)
                        return
                    continue
                if self._handle(job, message):
                    return
        finally:
            _stop_process(process, wait=2.0)
            outbox.close()

    def _dead(self, job: _Job, process: BaseProcess, outbox: Any) -> None:
        """The worker is gone: read what it sent last; without a final
        message the job is INTERRUPTED (never half a result)."""
        while True:
            try:
                message = outbox.get(timeout=DRAIN)
            except queue.Empty:
                break
            if self._handle(job, message):
                return
        self._end(job, JobState.INTERRUPTED, error=died_reason(process.exitcode))

    def _end(self, job: _Job, target: JobState, *, error: str) -> None:
        self._move(job, target, message=error, error=error)

    def _handle(self, job: _Job, message: worker.Message) -> bool:
        """Apply one worker message; True when it ends the job."""
        if isinstance(message, worker.Started):
            self._move(job, JobState.RUNNING, message="求解进程已启动 (worker started)。")
            return False
        if isinstance(message, worker.Progress):
            self._publish(job, with_event(job.status, message.event))
            return False
        if isinstance(message, worker.Succeeded):
            job.result = message.result
            self._move(job, JobState.COMPLETED, message="求解完成，已得到安排 (a plan is ready)。")
        elif isinstance(message, worker.Cancelled):
            self._move(job, JobState.CANCELLED, message=message.message)
        else:
            self._move(job, JobState.FAILED, message=message.message, error=message.message)
        return True


def _stop_process(process: BaseProcess, wait: float = 1.0) -> None:
    """Make sure *process* is gone: join, then terminate, then kill."""
    process.join(wait if process.is_alive() else 0)
    if process.is_alive():
        process.terminate()
        process.join(1.0)
    if process.is_alive():
        process.kill()
        process.join(1.0)


def _drain(inbox: queue.Queue[JobStatus]) -> Iterator[JobStatus]:
    while True:
        status = inbox.get()
        yield status
        if status.terminal:
            return
