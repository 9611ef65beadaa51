"""Run a province's counties on Dask distributed.

One task per county (:func:`run_remote` on a worker runs
:func:`~scheduler.province.task.run_county`); results are gathered as they
finish (``distributed.as_completed``).  At most two tasks per worker thread
are in flight, so a province sent as bytes is never all in memory at once.

Stopping: the caller's :class:`StopSignal` is relayed to the workers through
two Dask events (``distributed.Event``) named for the run (finish, cancel); on each
worker a watcher thread waits on them and sets the county's own stop signal,
which the solve polls, so a running county returns within about a second.
Counties not yet submitted are not started.  A county whose task fails on the
cluster (its worker died, the task was lost) is a failed result naming it.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import uuid
import warnings
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from distributed import Client, Event, Future, LocalCluster, as_completed, get_client

from scheduler.app.errors import ClusterUnavailable
from scheduler.assign.events import StopMode, StopSignal
from scheduler.province.counties import County
from scheduler.province.task import CountyResult, CountyStatus, CountyTask, TaskFactory, not_started, run_county

POLL = 0.5  # seconds between a worker's looks at the run's stop variable
PER_THREAD = 2  # tasks in flight per worker thread


@dataclass(frozen=True)
class ClusterInfo:
    address: str
    workers: int
    threads: int
    local: bool  # a LocalCluster started for this run


def describe(client: Client, local: bool) -> ClusterInfo:
    nthreads = client.nthreads()
    return ClusterInfo(str(client.scheduler_info()["address"]), len(nthreads), sum(nthreads.values()), local)


@contextlib.contextmanager
def open_client(address: str | None = None, n_workers: int | None = None, *,
                connect_timeout: float = 10.0) -> Iterator[Client]:
    """A client of the cluster at *address*, or of a new LocalCluster of
    *n_workers* single-threaded worker processes (default: one per core),
    closed on exit.  Raises :class:`ClusterUnavailable` in Chinese."""
    if address is not None:
        try:
            client = Client(address, timeout=connect_timeout)
        except (OSError, TimeoutError, ValueError) as exc:
            raise ClusterUnavailable(f"无法连接 Dask 调度器 {address}（{type(exc).__name__}: {str(exc)[:200]}）："
                                     "请确认 dask scheduler 已启动、地址和端口正确 (cannot connect to the Dask scheduler)") from None
        with client:
            yield client
        return
    workers = n_workers if n_workers is not None else os.cpu_count() or 1
    if workers < 1:
        raise ClusterUnavailable(f"--workers 应为正整数，实际为 {workers} (workers must be at least 1)")
    try:
        with warnings.catch_warnings():  # its HTTP server moves off a busy port by itself
            warnings.filterwarnings("ignore", "Port .* is already in use", UserWarning)
            cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None,
                                   silence_logs=logging.ERROR)
    except (OSError, TimeoutError, RuntimeError) as exc:  # RuntimeError: "Nanny failed to start"
        raise ClusterUnavailable(f"无法在本机启动 Dask 工作进程（{type(exc).__name__}: {str(exc)[:200]}）"
                                 "(cannot start a local Dask cluster)") from None
    with cluster, Client(cluster) as client:
        yield client


@dataclass(frozen=True)
class StopEvents:
    """Names the run's two Dask events: finish (keep the best plan so far)
    and cancel (keep nothing)."""

    run: str

    @classmethod
    def new(cls) -> StopEvents:
        return cls(f"onevisit-province-{uuid.uuid4().hex[:12]}")

    @property
    def finish(self) -> str:
        return f"{self.run}-finish"

    @property
    def cancel(self) -> str:
        return f"{self.run}-cancel"


def run_remote(task: CountyTask, events: StopEvents) -> CountyResult:
    """On a worker: run one county, stopping when the run's events say so."""
    client = get_client()
    finish, cancel = Event(events.finish, client=client), Event(events.cancel, client=client)
    stop = StopSignal()
    done = threading.Event()

    def look(timeout: float) -> bool:
        """Apply the events to *stop*; True once there is nothing left to wait for."""
        try:
            if cancel.wait(timeout):
                stop.cancel()
                return True
            if not stop.requested and finish.is_set():
                stop.finish()
        except Exception:  # the cluster is going away: nothing more will come
            return True
        return False

    def watch() -> None:
        while not done.is_set() and not look(POLL):
            pass

    look(0)  # a county submitted before the stop but started after it does not start
    watcher = threading.Thread(target=watch, name=f"onevisit-stop-{task.county}", daemon=True)
    watcher.start()
    try:
        return run_county(task, stop)
    finally:
        done.set()


def _lost(county: str, exc: BaseException) -> CountyResult:
    name = type(exc).__name__
    if name == "KilledWorker":
        why = "运行本县的工作进程多次意外退出（内存不足？请增加每个工作进程的内存）(the worker running it died)"
    elif name == "CancelledError":
        why = "集群取消了本县的任务（工作进程或调度器已退出？）(the cluster cancelled the task)"
    else:
        why = f"本县的任务在集群上失败 (the task failed on the cluster): {name}: {str(exc)[:300]}"
    return CountyResult(county, CountyStatus.FAILED, (why,))


def _outcome(future: Future, county: str) -> CountyResult:
    try:
        result = future.result()
    except BaseException as exc:  # CancelledError is a BaseException
        if isinstance(exc, KeyboardInterrupt | SystemExit):
            raise
        return _lost(county, exc)
    if not isinstance(result, CountyResult):
        return _lost(county, TypeError(f"unexpected result {type(result).__name__}"))
    return result


def _relay(stop: StopSignal, finish: Event, cancel: Event, done: threading.Event) -> None:
    """Copy the caller's stop request to the run's events (finish, then maybe cancel)."""
    finished = False
    while not done.is_set():
        if not stop.wait(0.2):
            continue
        try:
            if stop.mode is StopMode.CANCEL:
                cancel.set()
                return
            if not finished:
                finish.set()
                finished = True
        except Exception:  # the cluster is gone: nothing to tell
            return
        done.wait(0.2)


def run_on_cluster(client: Client, counties: Iterable[County], make_task: TaskFactory, stop: StopSignal | None = None, *,
                   scatter: bool = False) -> Iterator[CountyResult]:
    """Each county's result as it finishes.  A county's task is made when it
    is submitted (so a province sent as bytes is read a few counties at a
    time).  With *scatter*, each task is sent to a worker ahead of its
    submission instead of inside the task graph (for tasks carrying bytes)."""
    events = StopEvents.new()
    finish, cancel = Event(events.finish, client=client), Event(events.cancel, client=client)
    pending = deque(counties)
    in_flight: dict[Future, str] = {}
    finished = as_completed()
    done = threading.Event()
    if stop is not None:
        threading.Thread(target=_relay, args=(stop, finish, cancel, done), name="onevisit-stop-relay", daemon=True).start()

    def submit_more() -> None:
        window = max(PER_THREAD, PER_THREAD * sum(client.nthreads().values()))
        while pending and len(in_flight) < window and not (stop is not None and stop.requested):
            task = make_task(pending.popleft())
            payload = client.scatter(task, hash=False) if scatter else task
            future = client.submit(run_remote, payload, events, key=f"{events.run}-{task.county}", pure=False)
            in_flight[future] = task.county
            finished.add(future)

    try:
        submit_more()
        for future in finished:
            county = in_flight.pop(future)
            result = _outcome(future, county)
            future.release()
            yield result
            submit_more()
        for left in pending:  # stopped before they were submitted
            yield not_started(left.name)
    finally:
        done.set()
        if in_flight:  # the caller gave up early
            client.cancel(list(in_flight))
        for event in (finish, cancel):  # the scheduler drops an event nobody waits for once it is cleared
            with contextlib.suppress(Exception):
                event.clear()
