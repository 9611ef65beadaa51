"""Where officers are: the workload rule on day indices (:class:`DayLimits`),
each officer's township and load per day (:class:`Occupancy`) and the visits
per week (:class:`Spread`).  Small mutable structures shared by the
constructive start, the local search, the placement of township classes and
the repair; the independent checker has its own code for the same rules."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

from scheduler.domain import Workload
from scheduler.weeks import month_of, week_of


@dataclass(frozen=True, slots=True)
class DayLimits:
    """The workload rule on day indices: each working day's week and month
    (indices), at most ``per_week`` inspection days per officer in a week and
    ``per_month`` (None: no limit) in a month."""

    week: tuple[int, ...]  # day index -> week index
    month: tuple[int, ...]  # day index -> month index
    per_week: int
    per_month: int | None
    week_days: tuple[int, ...]  # week index -> working days of the window in it

    @classmethod
    def of(cls, days: Sequence[dt.date], workload: Workload) -> DayLimits:
        weeks = {w: k for k, w in enumerate(dict.fromkeys(week_of(d) for d in days))}
        months = {m: k for k, m in enumerate(dict.fromkeys(month_of(d) for d in days))}
        week = tuple(weeks[week_of(d)] for d in days)
        return cls(week, tuple(months[month_of(d)] for d in days), workload.max_days_per_week,
                   workload.max_days_per_month, tuple(week.count(k) for k in range(len(weeks))))

    @classmethod
    def none(cls, n_days: int) -> DayLimits:
        """No workload limit (one week and one month holding every day)."""
        return cls((0,) * n_days, (0,) * n_days, max(n_days, 1), None, (max(n_days, 1),))


class Occupancy:
    """Where each officer is on each day and how many visits they do there;
    supports moves (add and remove), counts each officer's days in use and
    in each week and month (the workload rule)."""

    def __init__(self, caps: dict[str, int], limits: DayLimits | None = None) -> None:
        self.caps = caps
        self.limits = limits
        self.town: dict[tuple[str, int], str] = {}
        self.load: dict[tuple[str, int], int] = {}
        self.days_used: dict[str, int] = {}
        self.in_week: dict[tuple[str, int], int] = {}
        self.in_month: dict[tuple[str, int], int] = {}

    def free(self, officer: str, day: int, township: str, extra: int = 1) -> bool:
        """Can *officer* take *extra* more visits in *township* on *day*?"""
        key = (officer, day)
        if key not in self.town and not self.day_allowed(officer, day):
            return False
        return self.town.get(key, township) == township and self.load.get(key, 0) + extra <= self.caps[officer]

    def day_allowed(self, officer: str, day: int) -> bool:
        """May *officer* start one more inspection day on *day* (week and month limits)?"""
        lim = self.limits
        if lim is None:
            return True
        if self.in_week.get((officer, lim.week[day]), 0) >= lim.per_week:
            return False
        return lim.per_month is None or self.in_month.get((officer, lim.month[day]), 0) < lim.per_month

    def new_use(self, officer: str, day: int) -> bool:
        return (officer, day) not in self.town

    def add(self, officers: Sequence[str], day: int, township: str) -> None:
        for o in officers:
            n = self.load.get((o, day), 0)
            if n == 0:
                self.days_used[o] = self.days_used.get(o, 0) + 1
                self.town[(o, day)] = township
                if self.limits is not None:
                    w, m = (o, self.limits.week[day]), (o, self.limits.month[day])
                    self.in_week[w] = self.in_week.get(w, 0) + 1
                    self.in_month[m] = self.in_month.get(m, 0) + 1
            self.load[(o, day)] = n + 1

    def remove(self, officers: Sequence[str], day: int) -> None:
        for o in officers:
            n = self.load[(o, day)] - 1
            if n:
                self.load[(o, day)] = n
            else:
                del self.load[(o, day)], self.town[(o, day)]
                self.days_used[o] -= 1
                if self.limits is not None:
                    self.in_week[(o, self.limits.week[day])] -= 1
                    self.in_month[(o, self.limits.month[day])] -= 1

    def uses(self, officers: set[str]) -> int:
        return sum(self.days_used.get(o, 0) for o in officers)


class Spread:
    """Visits per week, to spread them over the window: a week's pressure is
    its visits per working day, and the plan's measure is
    Σ_w visits_w² / working_days_w, which is smallest when every week holds
    its even share.  With a *cap* (visits per week index), :meth:`room` says
    how many more visits a week may take."""

    def __init__(self, limits: DayLimits, cap: Sequence[int] | None = None) -> None:
        self.limits = limits
        self.load = [0] * len(limits.week_days)
        self.cap = None if cap is None else list(cap)

    @classmethod
    def capped(cls, limits: DayLimits, visits: int, share: float) -> Spread:
        """At most *share* times each week's even share of *visits* (rounded up)."""
        total = sum(limits.week_days)
        return cls(limits, [math.ceil(share * visits * wd / total) for wd in limits.week_days])

    def room(self, day: int) -> int:
        """How many more visits *day*'s week may take (no cap: any number)."""
        if self.cap is None:
            return 1 << 30
        w = self.limits.week[day]
        return self.cap[w] - self.load[w]

    def add(self, day: int, n: int = 1) -> None:
        self.load[self.limits.week[day]] += n

    def pressure(self, day: int, n: int = 1) -> float:
        """The week's visits per working day once *n* more are on *day*."""
        w = self.limits.week[day]
        return (self.load[w] + n) / self.limits.week_days[w]

    def delta(self, old: int, new: int, n: int = 1) -> float:
        """Change of the measure when *n* visits move from day *old* to *new*."""
        a, b = self.limits.week[old], self.limits.week[new]
        if a == b:
            return 0.0
        wa, wb = self.limits.week_days[a], self.limits.week_days[b]
        la, lb = self.load[a], self.load[b]
        return ((la - n) ** 2 - la**2) / wa + ((lb + n) ** 2 - lb**2) / wb

    def move(self, old: int, new: int, n: int = 1) -> None:
        self.load[self.limits.week[old]] -= n
        self.load[self.limits.week[new]] += n

    def lightest_days(self, usable: Sequence[int], weeks: int = 2) -> list[int]:
        """The usable days in the *weeks* least pressed weeks (none when the
        window is one week to the measure: nothing to spread)."""
        if len(self.limits.week_days) == 1:
            return []
        by_week = sorted({self.limits.week[d] for d in usable},
                         key=lambda w: (self.load[w] / self.limits.week_days[w], w))[:weeks]
        return [d for d in usable if self.limits.week[d] in by_week]
