"""Problems found in input files, reported to people in Chinese."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum

#: Cell values echoed in messages are cut to this many characters.
SHOWN_CHARS = 50


def shown(value: object, limit: int = SHOWN_CHARS) -> str:
    """A cell value as echoed in a message: whole when short, else its first
    *limit* characters, 「…」 and the full length, so a cell of megabytes
    gives a one-line message ("AAAA…（共 41,943,040 个字符）")."""
    text = str(value)
    if len(text) <= limit:
        return text
    return f"{text[:limit]}…（共 {len(text):,} 个字符）"


class Severity(StrEnum):
    ERROR = "错误"
    WARNING = "警告"


@dataclass(frozen=True, slots=True, order=True)
class Problem:
    """One problem: where (file, spreadsheet row, column) and what."""

    file: str
    row: int | None  # spreadsheet row number as the user sees it (1-based)
    column: str | None  # the column header as written in the file
    message: str
    severity: Severity = Severity.ERROR

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f" 第 {self.row} 行"
        if self.column:
            where += f" {self.column}"
        tag = "" if self.severity is Severity.ERROR else "［警告］"
        return f"{tag}{where}: {self.message}"


@dataclass(slots=True)
class Report:
    """Every problem found while reading a set of files."""

    problems: list[Problem] = field(default_factory=list)

    def error(self, file: str, row: int | None, column: str | None, message: str) -> None:
        self.problems.append(Problem(file, row, column, message, Severity.ERROR))

    def warning(self, file: str, row: int | None, column: str | None, message: str) -> None:
        self.problems.append(Problem(file, row, column, message, Severity.WARNING))

    def extend(self, problems: Iterable[Problem]) -> None:
        self.problems.extend(problems)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.WARNING]

    @property
    def ok(self) -> bool:
        return not self.errors

    def sorted(self) -> list[Problem]:
        """Errors first, then by file, row and column."""
        return sorted(
            self.problems,
            key=lambda p: (p.severity is not Severity.ERROR, p.file, p.row or 0, p.column or ""),
        )

    def __iter__(self) -> Iterator[Problem]:
        return iter(self.problems)


class InputError(Exception):
    """Raised when inputs are invalid; carries the full report."""

    def __init__(self, report: Report) -> None:
        self.report = report
        super().__init__(f"{len(report.errors)} 个输入错误 (input errors)")
