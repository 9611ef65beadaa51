"""Reading the user's holiday file (节假日调休表, ``calendar.csv``)."""

from __future__ import annotations

from scheduler.io import schemas
from scheduler.io.fields import FieldError, parse_date_ranges
from scheduler.io.problems import Report, shown
from scheduler.io.source import SourceLike, name_of
from scheduler.io.table import read_table
from scheduler.workdays import WorkCalendar, days_between

HOLIDAY_WORDS = {"休", "放假", "假", "节假日", "假日", "holiday", "off"}
WORKDAY_WORDS = {"班", "上班", "补班", "调休上班", "工作日", "workday", "work"}


def read_calendar(path: SourceLike, report: Report) -> WorkCalendar:
    """Read a user calendar file; problems go to *report*."""
    cal = WorkCalendar(source=name_of(path))
    table = read_table(path, schemas.CALENDAR_COLUMNS, report)
    if table is None:
        return cal
    dates, kinds, names = table.column("date"), table.column("kind"), table.column("name")
    for i in range(len(table.data)):
        row = table.row(i)
        kind = kinds[i].strip().lower()
        if kind in HOLIDAY_WORDS:
            workday = False
        elif kind in WORKDAY_WORDS:
            workday = True
        else:
            report.error(table.file, row, table.header("kind"), f"类型「{shown(kind)}」应为「休」或「班」")
            continue
        try:
            ranges = parse_date_ranges(dates[i])
        except FieldError as exc:
            report.error(table.file, row, table.header("date"), str(exc))
            continue
        if not ranges:
            report.error(table.file, row, table.header("date"), "日期为空")
        name = names[i]
        for a, b in ranges:
            for d in days_between(a, b):
                if d in cal.overrides and cal.overrides[d] != workday:
                    report.error(table.file, row, table.header("date"), f"{d} 同时被列为放假和上班")
                cal.overrides[d] = workday
                if name:
                    cal.names[d] = name
    return cal
