"""Typed errors of the use cases.  Their messages are the Chinese ones
users see; the CLI prints them and the service returns them, and neither
shows a traceback."""

from __future__ import annotations

from collections.abc import Sequence

from scheduler.io.problems import Report


class UseCaseError(Exception):
    """A use case cannot go on.  ``lines`` are for people (Chinese)."""

    exit_code = 1

    def __init__(self, message: str, details: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.details = tuple(details)

    @property
    def lines(self) -> list[str]:
        return [self.message, *(f"  {d}" for d in self.details)]


class InputRejected(UseCaseError):
    """The rosters have errors (the report lists every one)."""

    def __init__(self, report: Report, message: str = "数据有错误，请修正后重试 (input errors: nothing was written).") -> None:
        super().__init__(message, [str(p) for p in report.sorted()])
        self.report = report


class OutputRefused(UseCaseError):
    """The output path holds something OneVisit must not replace."""


class DrawRefused(UseCaseError):
    """The round cannot be drawn as declared."""


class StaleInputs(UseCaseError):
    """A draw or plan no longer matches the rosters or the round."""


class UnreadableFile(UseCaseError):
    """A draw folder, plan or results file cannot be read."""


class ResultsRejected(UseCaseError):
    """The results file has errors."""

    def __init__(self, report: Report) -> None:
        super().__init__("检查结果有错误，未生成任何文件 (errors in the results file): nothing was written.",
                         [str(p) for p in report.sorted()])
        self.report = report


class ClusterUnavailable(UseCaseError):
    """The Dask cluster cannot be reached or started."""


class SolveCancelled(UseCaseError):
    exit_code = 130

    def __init__(self, before_any_plan: bool = False) -> None:
        super().__init__("求解在得到任何方案之前已结束，未保留任何安排 (stopped before any plan existed: nothing kept)."
                         if before_any_plan else "求解已取消，未保留任何安排 (solve cancelled: nothing kept).")
