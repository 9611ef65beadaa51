"""Weeks of the window and the spread statistics; the sample round's plan runs
through its window."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

from scheduler import planfile
from scheduler.weeks import OfficerWeek, busiest_week_ratio, month_of, officer_busiest_weeks, week_loads, week_of

D = dt.date


def test_week_and_month_names_follow_iso_weeks_across_the_new_year() -> None:
    assert week_of(D(2026, 10, 12)) == "2026-W42" and week_of(D(2026, 10, 18)) == "2026-W42"
    assert week_of(D(2026, 12, 31)) == "2026-W53" and week_of(D(2027, 1, 4)) == "2027-W01"
    assert week_of(D(2021, 1, 1)) == "2020-W53"  # a Friday in the last ISO week of 2020
    assert month_of(D(2026, 12, 31)) == "2026-12"


def test_even_share_follows_the_working_days_of_each_week() -> None:
    full = [D(2026, 11, 2) + dt.timedelta(k) for k in range(5)]  # Monday to Friday
    short = [D(2026, 11, 9), D(2026, 11, 10)]  # a week with two working days in the window
    days = full + short
    even = [full[0]] * 5 + [short[0]] * 2  # 7 visits: 5 and 2, exactly each week's share
    loads = week_loads(even, days)
    assert [(w.week, w.working_days, w.visits, w.even_share, w.ratio) for w in loads] == [
        ("2026-W45", 5, 5, 5.0, 1.0), ("2026-W46", 2, 2, 2.0, 1.0)]
    assert (loads[1].first, loads[1].last) == (short[0], short[1])
    assert busiest_week_ratio(loads) == 1.0
    front = week_loads([full[0]] * 7, days)  # negative control: everything in the first week
    assert [w.visits for w in front] == [7, 0] and busiest_week_ratio(front) == 1.4
    assert busiest_week_ratio(week_loads([], days)) == 0.0


def test_an_officers_busiest_week_is_the_most_days_then_the_most_visits() -> None:
    pairs = [("A", D(2026, 11, 2)), ("A", D(2026, 11, 2)), ("A", D(2026, 11, 2)),  # W45: one day, three visits
             ("A", D(2026, 11, 9)), ("A", D(2026, 11, 10)),  # W46: two days
             ("B", D(2026, 11, 2)), ("B", D(2026, 11, 9))]  # a tie: the earlier week
    assert officer_busiest_weeks(pairs) == {"A": OfficerWeek("2026-W46", 2, 2), "B": OfficerWeek("2026-W45", 1, 1)}


def test_the_sample_round_runs_through_its_window(demo: Path) -> None:
    """The sample's plan: per-week counts recounted from the visits, and no
    week above 1.5 times its even share (before the spread tier, 399 of 442
    visits fell in the first week)."""
    plan = planfile.read(demo / "schedule" / "plan.json")
    st = plan.statistics
    recount = Counter(v.date.isocalendar()[:2] for v in plan.visits)
    assert [w.visits for w in st.weeks] == [recount[(int(w.week[:4]), int(w.week[-2:]))] for w in st.weeks]
    assert sum(w.visits for w in st.weeks) == st.assigned == len(plan.visits)
    assert sum(w.working_days for w in st.weeks) == 55  # 2026-10-12 to 2026-12-25
    assert st.busiest_week_ratio == max(w.ratio for w in st.weeks) <= 1.5
    days: dict[tuple[str, str], set[dt.date]] = {}
    for v in plan.visits:
        for m in v.team:
            days.setdefault((m.inspector_id, week_of(v.date)), set()).add(v.date)
    assert max(len(d) for d in days.values()) <= plan.round.max_days_per_week == 3
    for officer, week in st.officer_busiest_weeks.items():
        assert week.days == max(len(d) for (o, _), d in days.items() if o == officer)
