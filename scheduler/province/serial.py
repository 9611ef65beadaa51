"""Run a province's counties one after another in this process: the same
per-county code path as the cluster, to measure scaling and for machines
without Dask workers."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from scheduler.assign.events import StopSignal
from scheduler.province.counties import County
from scheduler.province.task import CountyResult, TaskFactory, not_started, run_county


def run_serial(counties: Iterable[County], make_task: TaskFactory, stop: StopSignal | None = None) -> Iterator[CountyResult]:
    """Each county's result as it finishes.  Once *stop* is set, the county
    being solved stops (finish: keeps its best plan; cancel: nothing) and the
    rest are not started."""
    for county in counties:
        if stop is not None and stop.requested:
            yield not_started(county.name)
        else:
            yield run_county(make_task(county), stop)
