"""Use case: validate the rosters (检查名录库)."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from scheduler.app.errors import InputRejected
from scheduler.io import Inputs, Report, load
from scheduler.io.source import SourceLike
from scheduler.summary import summarise
from scheduler.workdays import CalendarCoverageWarning


@dataclass(frozen=True)
class Validation:
    inputs: Inputs | None  # None when any file has an error
    report: Report
    summary: dict[str, Any] | None

    @property
    def ok(self) -> bool:
        return self.report.ok


def validate(sources: Sequence[SourceLike], round_file: SourceLike | None = None) -> Validation:
    """Read and check every roster (folders, files, or in-memory uploads);
    never raises for bad data (the report says)."""
    report = Report()
    with warnings.catch_warnings():
        # Calendar coverage is already reported as a warning in the report.
        warnings.simplefilter("ignore", CalendarCoverageWarning)
        inputs = load(list(sources), report, round_file=round_file)
    return Validation(inputs, report, summarise(inputs) if inputs is not None else None)


def load_inputs(sources: Sequence[SourceLike], round_file: SourceLike | None = None, *, need_round: bool = False) -> Inputs:
    """The validated inputs, or :class:`InputRejected` with every problem."""
    result = validate(sources, round_file)
    if result.inputs is None:
        raise InputRejected(result.report)
    if need_round and result.inputs.round is None:
        raise InputRejected(result.report, "缺少抽查轮次配置：请用 --round 指定 round.toml，或放在数据文件夹中 (no round file)")
    return result.inputs
