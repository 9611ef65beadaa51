"""Who may see what: the visibility rules of the planning service, as pure
functions (no FastAPI, no database).  docs/access.md explains them.

Roles: *planner* (their office's rounds), *inspector* (own visits and own
schedule), *township* (their township's visits and workbook), *public* (no
token: published draw files, verification data and published results).
Until a round is published nothing about its selected enterprises is visible
outside the planner role, and an inspector sees a visit's enterprise only
from :data:`DEFAULT_REVEAL_WORKDAYS` working days before the visit.

A "not allowed" is never an exception: the functions return a
:class:`Decision` (or a filtered, redacted view) that the API maps to
403 (:attr:`Decision.FORBIDDEN`) or 404 (:attr:`Decision.NOT_FOUND`, which
does not reveal that the resource exists).
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from scheduler.plan import Plan, ScheduledVisit, Team
from scheduler.workdays import WorkCalendar

__all__ = [
    "DEFAULT_REVEAL_WORKDAYS",
    "PUBLIC",
    "ROLES",
    "Decision",
    "RoundScope",
    "Viewer",
    "VisitView",
    "inspector_schedule",
    "is_published_for",
    "public_draw_file",
    "public_visits",
    "reveal_date",
    "round_access",
    "round_scope",
    "sees_targets",
    "township_visits",
    "visit_view",
    "visits_by_inspector",
]

ROLES = ("planner", "inspector", "township", "public")
DEFAULT_REVEAL_WORKDAYS = 1


class Decision(enum.Enum):
    ALLOWED = "allowed"
    FORBIDDEN = "forbidden"  # the role may never do this: 403
    NOT_FOUND = "not_found"  # outside the viewer's scope: 404, existence not revealed


@dataclass(frozen=True, slots=True)
class Viewer:
    """Who is asking.  ``user_id`` is None for the public (no token)."""

    role: str
    user_id: int | None = None
    agency: str | None = None
    inspector_id: str | None = None
    township: str | None = None
    name: str | None = None


PUBLIC = Viewer("public")


@dataclass(frozen=True, slots=True)
class RoundScope:
    """What the rules need to know of a round: its offices and whether it is published."""

    lead_agency: str
    agencies: frozenset[str]
    published: bool


def round_scope(plan: Plan, *, published: bool) -> RoundScope:
    """The round's lead agency and every agency that takes part in a visit."""
    agencies = {a for v in plan.visits for a in v.agencies} | {a for u in plan.unassigned for a in u.agencies}
    return RoundScope(plan.round.lead_agency, frozenset(agencies | {plan.round.lead_agency}), published)


def planner_owns(viewer: Viewer, scope: RoundScope) -> bool:
    """A planner's office runs the round: the round's lead agency or one of its agencies."""
    return viewer.role == "planner" and viewer.agency is not None and viewer.agency in scope.agencies


def round_access(viewer: Viewer, scope: RoundScope) -> Decision:
    """May the viewer see the round at all?  A planner: only their office's
    rounds.  Everyone else: only once it is published."""
    if viewer.role == "planner":
        return Decision.ALLOWED if planner_owns(viewer, scope) else Decision.NOT_FOUND
    return Decision.ALLOWED if scope.published else Decision.NOT_FOUND


def is_published_for(viewer: Viewer, scope: RoundScope) -> bool:
    return round_access(viewer, scope) is Decision.ALLOWED


def sees_targets(viewer: Viewer, scope: RoundScope) -> bool:
    """Anything about the selected enterprises: the owning planner always,
    everyone else never before publication (further limited per role below)."""
    return planner_owns(viewer, scope) or (viewer.role != "planner" and scope.published)


def reveal_date(visit_date: dt.date, calendar: WorkCalendar, workdays: int = DEFAULT_REVEAL_WORKDAYS) -> dt.date:
    """The first day an inspector sees the visit's enterprise: *workdays*
    working days before the visit (a Monday visit with 1: the previous
    Friday, or the make-up Saturday 调休 if that is the last working day
    before it); 0 means the visit day itself."""
    if workdays < 0:
        raise ValueError("workdays must be at least 0")
    day = visit_date
    remaining = workdays
    while remaining:
        day -= dt.timedelta(days=1)
        if calendar.is_workday(day):
            remaining -= 1
    return day


@dataclass(frozen=True, slots=True)
class VisitView:
    """A visit as one viewer may see it.  When ``revealed`` is false the
    enterprise (visit id, which contains the USCC, USCC, name) and the check
    items are None / empty; date, township, agencies and team still show."""

    revealed: bool
    date: dt.date
    township: str
    agencies: tuple[str, ...]
    team: Team
    visit_id: str | None
    uscc: str | None
    name: str | None
    items: tuple[str, ...]
    revision: int


def visit_view(visit: ScheduledVisit, *, revealed: bool) -> VisitView:
    if revealed:
        return VisitView(True, visit.date, visit.township, visit.agencies, visit.team, visit.visit_id, visit.uscc,
                         visit.name, visit.items, visit.revision)
    return VisitView(False, visit.date, visit.township, visit.agencies, visit.team, None, None, None, (), visit.revision)


def visits_by_inspector(plan: Plan) -> Mapping[str, tuple[ScheduledVisit, ...]]:
    """Each inspector's visits (those whose team includes them), by date and
    visit id: an index a service computes once per plan."""
    index: dict[str, list[ScheduledVisit]] = {}
    for visit in sorted(plan.visits, key=lambda v: (v.date, v.visit_id)):
        for inspector_id in visit.team.ids:
            index.setdefault(inspector_id, []).append(visit)
    return MappingProxyType({k: tuple(v) for k, v in index.items()})


def inspector_schedule(viewer: Viewer, plan: Plan, scope: RoundScope, today: dt.date, calendar: WorkCalendar,
                       workdays: int = DEFAULT_REVEAL_WORKDAYS, *,
                       index: Mapping[str, tuple[ScheduledVisit, ...]] | None = None,
                       ) -> tuple[VisitView, ...] | Decision:
    """An inspector's own visits (those whose team includes them), the
    enterprise shown only from :func:`reveal_date` on.  Other roles:
    FORBIDDEN; an unpublished round: NOT_FOUND.  *index* is
    :func:`visits_by_inspector` of *plan*, when the caller keeps one."""
    if viewer.role != "inspector" or not viewer.inspector_id:
        return Decision.FORBIDDEN
    if not sees_targets(viewer, scope):
        return Decision.NOT_FOUND
    own = (index.get(viewer.inspector_id, ()) if index is not None
           else (v for v in plan.visits if viewer.inspector_id in v.team.ids))
    return tuple(visit_view(v, revealed=today >= reveal_date(v.date, calendar, workdays))
                 for v in sorted(own, key=lambda v: (v.date, v.visit_id)))


def township_visits(viewer: Viewer, plan: Plan, scope: RoundScope) -> tuple[VisitView, ...] | Decision:
    """A township office's visits (enterprises in its township), once the
    round is published.  Other roles: FORBIDDEN; unpublished: NOT_FOUND."""
    if viewer.role != "township" or not viewer.township:
        return Decision.FORBIDDEN
    if not sees_targets(viewer, scope):
        return Decision.NOT_FOUND
    own = (v for v in plan.visits if v.township == viewer.township)
    return tuple(visit_view(v, revealed=True) for v in sorted(own, key=lambda v: (v.date, v.visit_id)))


def public_visits(plan: Plan, scope: RoundScope, today: dt.date) -> tuple[VisitView, ...] | Decision:
    """What the public may see of the visits: of a published round, the
    visits whose inspection day has passed (their results are published);
    no target before its inspection."""
    if not scope.published:
        return Decision.NOT_FOUND
    return tuple(visit_view(v, revealed=True) for v in sorted(plan.visits, key=lambda v: (v.date, v.visit_id))
                 if v.date < today)


def public_draw_file(*, file_public: bool, round_published: bool) -> Decision:
    """A draw file for the public: a public file (not the sealed part) of a published round."""
    return Decision.ALLOWED if file_public and round_published else Decision.NOT_FOUND

