"""Weeks and months of a round's window, and how evenly visits spread over them.

A week is an ISO week (Monday to Sunday), named ``2026-W42``; a month is a
calendar month, named ``2026-10``.  A week's **even share** of the visits is
its part of the window's working days: ``visits × working days of the week /
working days of the window``, so a week shortened by a holiday expects fewer
visits.  Its **ratio** is its visits over its even share; the plan's
**busiest-week ratio** is the largest ratio (1.0 = perfectly even).

These functions describe a plan; the workload rule itself (at most N
inspection days per officer a week) is enforced by the solver and re-checked,
from its own code, by the independent checker (rule 6).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass


def week_of(day: dt.date) -> str:
    """ISO week name: ``2026-W42``."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def month_of(day: dt.date) -> str:
    """Calendar month name: ``2026-10``."""
    return f"{day.year}-{day.month:02d}"


@dataclass(frozen=True, slots=True)
class WeekLoad:
    """One week of the window."""

    week: str  # 2026-W42
    first: dt.date  # its first working day in the window
    last: dt.date  # its last working day in the window
    working_days: int
    visits: int
    even_share: float  # visits × working_days / working days of the window
    ratio: float  # visits / even_share (0 when the plan has no visits)


@dataclass(frozen=True, slots=True)
class OfficerWeek:
    """An officer's busiest week: the most inspection days, then the most visits."""

    week: str
    days: int
    visits: int


def week_loads(dates: Iterable[dt.date], workdays: Sequence[dt.date]) -> tuple[WeekLoad, ...]:
    """Per week of the window holding working days, in order: the visits on
    *dates* (one per visit) and their ratio to the week's even share."""
    counts = Counter(week_of(d) for d in dates)
    total = sum(counts.values())
    days_of: dict[str, list[dt.date]] = {}
    for d in sorted(workdays):
        days_of.setdefault(week_of(d), []).append(d)
    n_days = sum(len(v) for v in days_of.values())
    out = []
    for week, days in days_of.items():
        even = total * len(days) / n_days if n_days else 0.0
        out.append(WeekLoad(week, days[0], days[-1], len(days), counts.get(week, 0), round(even, 3),
                            round(counts.get(week, 0) / even, 3) if even else 0.0))
    return tuple(out)


def busiest_week_ratio(loads: Sequence[WeekLoad]) -> float:
    """The largest week ratio (0 for an empty plan)."""
    return max((w.ratio for w in loads), default=0.0)


def officer_busiest_weeks(visits: Iterable[tuple[str, dt.date]]) -> dict[str, OfficerWeek]:
    """Per officer (from (officer id, visit date) pairs, one per visit and
    officer): the week with the most inspection days, ties by most visits,
    then earliest week."""
    days: dict[tuple[str, str], set[dt.date]] = {}
    count: Counter[tuple[str, str]] = Counter()
    for officer, day in visits:
        key = (officer, week_of(day))
        days.setdefault(key, set()).add(day)
        count[key] += 1
    best: dict[str, OfficerWeek] = {}
    for (officer, week), ds in sorted(days.items()):
        cand = OfficerWeek(week, len(ds), count[(officer, week)])
        now = best.get(officer)
        if now is None or (cand.days, cand.visits) > (now.days, now.visits):
            best[officer] = cand
    return dict(sorted(best.items()))
