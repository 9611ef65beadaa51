"""Working-day calendar (工作日): statutory holidays and make-up workdays (调休).

Sources, in priority order:

1. a user file (``calendar.csv``: 日期, 类型, 名称) listing holidays (放假/休)
   and make-up workdays (上班/班); a date range ``2027-02-05~2027-02-11`` is
   allowed.  It overrides everything else and *covers* every year in which
   it has at least one entry;
2. the ``chinese-calendar`` package, which knows the State Council's
   announced schedule for the years it ships (through 2026 in 1.11);
3. Monday–Friday, for a year neither of the above covers, with a warning.
"""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field

import chinese_calendar

HOLIDAY_NAMES_ZH = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利纪念日",
}


class CalendarCoverageWarning(UserWarning):
    """A year is neither in chinese-calendar nor in the user file."""


def _package_knows(year: int) -> bool:
    try:
        chinese_calendar.is_workday(dt.date(year, 1, 1))
    except NotImplementedError:
        return False
    return True


@dataclass
class WorkCalendar:
    """Answers "is this a working day?" for any date."""

    overrides: dict[dt.date, bool] = field(default_factory=dict)  # True = workday
    names: dict[dt.date, str] = field(default_factory=dict)
    source: str = ""
    _fallback_years: set[int] = field(default_factory=set)

    @property
    def user_years(self) -> set[int]:
        return {d.year for d in self.overrides}

    def covered(self, year: int) -> bool:
        """True when the year's holidays are known (package or user file)."""
        return year in self.user_years or _package_knows(year)

    def is_workday(self, day: dt.date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        if day.year in self.user_years:
            return day.weekday() < 5
        try:
            return bool(chinese_calendar.is_workday(day))
        except NotImplementedError:
            if day.year not in self._fallback_years:
                self._fallback_years.add(day.year)
                warnings.warn(
                    f"{day.year} 年的法定节假日和调休安排未知（chinese-calendar 未收录，"
                    f"且未提供 calendar.csv）：按周一至周五计算工作日。"
                    f" / No holiday data for {day.year}: falling back to Monday–Friday.",
                    CalendarCoverageWarning,
                    stacklevel=2,
                )
            return day.weekday() < 5

    def holiday_name(self, day: dt.date) -> str:
        if day in self.names:
            return self.names[day]
        try:
            on_holiday, name = chinese_calendar.get_holiday_detail(day)
        except NotImplementedError:
            return ""
        if not (on_holiday and name):
            return ""
        return HOLIDAY_NAMES_ZH.get(str(name), str(name))

    def workdays(self, start: dt.date, end: dt.date) -> list[dt.date]:
        """Working days from *start* to *end*, both inclusive."""
        return [d for d in days_between(start, end) if self.is_workday(d)]

    def uncovered_years(self, start: dt.date, end: dt.date) -> list[int]:
        return [y for y in range(start.year, end.year + 1) if not self.covered(y)]


def days_between(start: dt.date, end: dt.date) -> Iterator[dt.date]:
    day = start
    while day <= end:
        yield day
        day += dt.timedelta(days=1)
