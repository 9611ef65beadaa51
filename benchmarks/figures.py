"""The figures the benchmark runner reports for one plan, computed from the
plan document (plan.json's form) so that OneVisit's plans and the baseline's
are measured the same way.  Pure functions, no I/O.

- ``visits``: enterprise visits, the plan's scheduled visit records (a team
  at one enterprise on one day; each record is a distinct visit, so a firm
  that two agencies inspect separately counts twice).
- ``agency_inspections``: (enterprise, agency) pairs over the scheduled
  visits; ``joint_share``: the share of them whose visit involves at least
  two agencies.
- ``violations``: the independent checker's violations, total and by rule.
- ``busiest_week_ratio``: see :func:`busiest_week_ratio`.

Several plans of the same window (a province's counties) are measured as
one: :func:`merge_plans` makes one document of them (:func:`slim` first
keeps only what the figures read).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

RULES = (1, 2, 3, 4, 5, 6)  # the checker's rules, docs/plan-format.md


def iso_week(day: dt.date) -> tuple[int, int]:
    year, week, _ = day.isocalendar()
    return year, week


def busiest_week_ratio(visit_dates: Iterable[dt.date], workdays: Sequence[dt.date]) -> float:
    """The largest, over the ISO weeks holding working days of the window, of
    visits that week / the week's even share, where the even share is
    total visits × (working days of the week / working days of the window).
    1.0 is a perfectly even spread; 0.0 when there is no visit.  A visit in
    a week without a working day of the window is a :class:`ValueError`."""
    if not workdays:
        raise ValueError("the window has no working day")
    days_per_week = Counter(iso_week(d) for d in workdays)
    visits_per_week = Counter(iso_week(d) for d in visit_dates)
    outside = sorted(set(visits_per_week) - set(days_per_week))
    if outside:
        raise ValueError(f"visits in ISO weeks without a working day of the window: {outside}")
    total = sum(visits_per_week.values())
    if total == 0:
        return 0.0
    return max(visits_per_week[w] / (total * days / len(workdays)) for w, days in days_per_week.items())


def violations_by_rule(rules: Iterable[int]) -> dict[str, int]:
    """Violations per rule (every rule listed, as strings for JSON), and the total."""
    counts = Counter(rules)
    return {"total": sum(counts.values()), **{str(r): counts[r] for r in sorted(set(RULES) | set(counts))}}


def plan_figures(doc: Mapping[str, Any], violation_rules: Iterable[int], workdays: Sequence[dt.date], *,
                 solver_statistics: bool) -> dict[str, Any]:
    """Every figure of one plan document.  ``solver_statistics``: the plan's
    as-drawn share and gap to the lower bound mean something (OneVisit); for
    the baseline they are None (n/a)."""
    visits = doc["visits"]
    stats = doc["statistics"]
    pairs = [len(v["agencies"]) for v in visits]
    inspections = sum(pairs)
    joint = sum(n for n in pairs if n >= 2)
    return {
        "visits": len(visits),
        "unassigned": len(doc.get("unassigned", [])),
        "agency_inspections": inspections,
        "joint_share": joint / inspections if inspections else 0.0,
        "violations": violations_by_rule(violation_rules),
        "as_drawn_share": stats["as_drawn_share"] if solver_statistics else None,
        "officer_day_township_uses": stats["officer_day_township_uses"],
        "gap_to_bound": stats["gap_to_bound"] if solver_statistics else None,
        "busiest_week_ratio": busiest_week_ratio([dt.date.fromisoformat(v["date"]) for v in visits], workdays),
    }


def ratio(numerator: float, denominator: float) -> float | None:
    return numerator / denominator if denominator else None


def slim(doc: Mapping[str, Any]) -> dict[str, Any]:
    """What the figures (and the per-agency sizes) read of a plan document:
    each visit's enterprise, agencies and date, each unassigned visit's
    enterprise and agencies, the statistics, the draw's hash and the solver."""
    audit = doc.get("audit", {})
    return {"visits": [{"uscc": v["uscc"], "agencies": list(v["agencies"]), "date": v["date"]} for v in doc["visits"]],
            "unassigned": [{"uscc": v["uscc"], "agencies": list(v["agencies"])} for v in doc.get("unassigned", [])],
            "statistics": dict(doc["statistics"]),
            "audit": {"draw_manifest_sha256": audit.get("draw_manifest_sha256", ""), "solver": dict(audit.get("solver", {}))}}


def merge_plans(docs: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """One plan document standing for several plans of the same window: their
    visits and unassigned visits together; officer-day-township uses and the
    lower bound given the drawn teams summed, the gap to the bound from those
    sums; the as-drawn share over all scheduled visits (each plan's share
    weighted by its scheduled visits)."""
    visits: list[Any] = []
    unassigned: list[Any] = []
    uses = bound = as_drawn = 0
    for doc in docs:
        st = doc["statistics"]
        visits += doc["visits"]
        unassigned += doc.get("unassigned", [])
        uses += st["officer_day_township_uses"]
        bound += st["lower_bound_uses_given_teams"]
        as_drawn += round(st["as_drawn_share"] * len(doc["visits"]))  # the share is rounded to 6 places
    return {"visits": visits, "unassigned": unassigned,
            "statistics": {"officer_day_township_uses": uses, "lower_bound_uses_given_teams": bound,
                           "gap_to_bound": uses / bound - 1 if bound else 0.0,
                           "as_drawn_share": as_drawn / len(visits) if visits else 0.0}}
