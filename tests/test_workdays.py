"""Working days: 2026 from chinese-calendar; 2027 from a user file or, with a
warning, Monday–Friday."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from builders import write_csv

from scheduler.io import Report
from scheduler.io.calendar_file import read_calendar
from scheduler.workdays import CalendarCoverageWarning, WorkCalendar

D = dt.date


@pytest.mark.parametrize(
    ("day", "workday"),
    [
        (D(2026, 10, 1), False),  # 国庆节
        (D(2026, 10, 7), False),
        (D(2026, 10, 8), True),
        (D(2026, 10, 10), True),  # Saturday, 调休上班
        (D(2026, 9, 20), True),  # Sunday, 调休上班
        (D(2026, 10, 11), False),  # ordinary Sunday
        (D(2026, 2, 17), False),  # 春节 (Tuesday)
        (D(2026, 2, 14), True),  # Saturday, 调休上班
        (D(2026, 5, 1), False),  # 劳动节
        (D(2026, 11, 24), True),  # ordinary Tuesday
    ],
)
def test_2026_holidays_and_makeup_days(day: dt.date, workday: bool) -> None:
    assert WorkCalendar().is_workday(day) is workday


def test_holiday_names_are_chinese() -> None:
    assert WorkCalendar().holiday_name(D(2026, 10, 2)) == "国庆节"
    assert WorkCalendar().holiday_name(D(2026, 10, 8)) == ""


def test_workdays_of_the_national_day_week() -> None:
    days = WorkCalendar().workdays(D(2026, 9, 28), D(2026, 10, 11))
    assert days == [D(2026, 9, 28), D(2026, 9, 29), D(2026, 9, 30), D(2026, 10, 8), D(2026, 10, 9), D(2026, 10, 10)]


def test_2027_without_user_file_warns_once_and_falls_back_to_weekdays() -> None:
    cal = WorkCalendar()
    assert not cal.covered(2027)
    with pytest.warns(CalendarCoverageWarning, match="2027 年的法定节假日和调休安排未知") as record:
        assert cal.is_workday(D(2027, 1, 1)) is True  # a Friday: New Year's Day not known
        assert cal.is_workday(D(2027, 1, 2)) is False  # Saturday
        assert cal.is_workday(D(2027, 1, 4)) is True
    assert len(record) == 1
    assert cal.uncovered_years(D(2026, 12, 1), D(2027, 1, 31)) == [2027]


def test_2027_with_user_file(tmp_path: Path, recwarn: pytest.WarningsRecorder) -> None:
    path = write_csv(tmp_path / "calendar.csv", ["日期", "类型", "名称"], [
        ["2027-01-01", "休", "元旦"],
        ["2027-02-06~2027-02-12", "放假", "春节"],
        ["2027年2月20日", "班", "春节调休"],
    ])
    report = Report()
    cal = read_calendar(path, report)
    assert report.ok
    assert cal.covered(2027)
    assert cal.is_workday(D(2027, 1, 1)) is False
    assert cal.holiday_name(D(2027, 1, 1)) == "元旦"
    assert cal.is_workday(D(2027, 2, 8)) is False  # Monday in the holiday
    assert cal.is_workday(D(2027, 2, 20)) is True  # Saturday make-up day
    assert cal.is_workday(D(2027, 2, 21)) is False  # ordinary Sunday
    assert cal.is_workday(D(2027, 3, 1)) is True
    assert not [w for w in recwarn if issubclass(w.category, CalendarCoverageWarning)]
    # The package still answers for 2026.
    assert cal.is_workday(D(2026, 10, 1)) is False


def test_user_file_overrides_the_package(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "calendar.csv", ["日期", "类型"], [["2026-11-24", "休"]])
    cal = read_calendar(path, Report())
    assert cal.is_workday(D(2026, 11, 24)) is False
    assert cal.is_workday(D(2026, 11, 25)) is True


def test_bad_calendar_rows_are_reported(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "calendar.csv", ["日期", "类型"], [
        ["2027-02-30", "休"], ["2027-03-01", "周末"], ["2027-04-05", "休"], ["2027-04-05", "班"],
    ])
    report = Report()
    read_calendar(path, report)
    assert [str(p) for p in report.sorted()] == [
        "calendar.csv 第 2 行 日期: 不存在的日期「2027-02-30」",
        "calendar.csv 第 3 行 类型: 类型「周末」应为「休」或「班」",
        "calendar.csv 第 5 行 日期: 2027-04-05 同时被列为放假和上班",
    ]
