"""Use case: record the results entered in a filled results form."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from scheduler.app.errors import ResultsRejected
from scheduler.io import Inputs, Report
from scheduler.io.results import read_results
from scheduler.plan import Plan
from scheduler.results import ItemResult


@dataclass(frozen=True)
class RecordedResults:
    results: tuple[ItemResult, ...]
    report: Report  # warnings only

    @property
    def enterprises(self) -> int:
        return len({r.uscc for r in self.results})


def record_results(path: Path, plan: Plan, inputs: Inputs) -> RecordedResults:
    """The item results of *path*, checked against the plan; raises
    :class:`ResultsRejected` with every problem when any is an error."""
    report = Report()
    found = read_results(path, plan, inputs.dataset.items, report)
    if found is None or not report.ok:
        raise ResultsRejected(report)
    return RecordedResults(tuple(found), report)
