"""The plan: the typed result of scheduling a round (docs/plan-format.md).

Stages hand these records to each other; ``plan.json`` is their
serialisation (:mod:`scheduler.planfile`), not the way stages talk.  Visit
ids are stable: derived from the round and the enterprise
(:func:`visit_id`), never from a position, so adding an enterprise to a round
renumbers nothing.

A plan has a ``version``: 1 for the first plan of a round; a plan made with
``previous=`` is the next version.  Each scheduled visit carries a
``revision`` (how often its date, team or items changed since version 1) and
the plan lists the calendar events it ``withdrew`` from officers (a visit
cancelled, an officer taken off a team), so re-issued calendars update
rather than duplicate.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from scheduler.domain import DEFAULT_MAX_DAYS_PER_WEEK
from scheduler.draw.seed import lp
from scheduler.vocabulary import LEADER, MIN_TEAM_SIZE
from scheduler.weeks import OfficerWeek, WeekLoad

__all__ = [
    "AgencyWorkload",
    "Audit",
    "Plan",
    "PlanRound",
    "ScheduledVisit",
    "Statistics",
    "Team",
    "TeamMember",
    "Unassigned",
    "Withdrawn",
    "round_key",
    "visit_id",
]


def round_key(name: str, code: str) -> str:
    """Eight hex digits naming a round: SHA-256 of LP(name) ‖ LP(code)."""
    return hashlib.sha256(lp(name) + lp(code)).hexdigest()[:8]


def visit_id(round_name: str, round_code: str, uscc: str) -> str:
    """The stable id of the round's visit to an enterprise: ``<round key>-<USCC>``."""
    return f"{round_key(round_name, round_code)}-{uscc}"


@dataclass(frozen=True, slots=True)
class PlanRound:
    """What the plan records of its round."""

    name: str
    code: str
    start: dt.date
    end: dt.date
    lead_agency: str
    avoid_home_township: bool
    min_team_size: int = MIN_TEAM_SIZE
    max_days_per_week: int = DEFAULT_MAX_DAYS_PER_WEEK  # the round's workload rule (工作量上限)
    max_days_per_month: int | None = None


@dataclass(frozen=True, slots=True)
class TeamMember:
    inspector_id: str
    name: str
    agency: str  # agency code
    role: str  # 带队 or 成员
    drawn: bool  # the officer the officer draw picked for this slot
    rank: int  # 0-based position in the draw's ranking for (enterprise, agency)


@dataclass(frozen=True, slots=True)
class Team:
    """A visit's officers, in agency order then ranking order."""

    members: tuple[TeamMember, ...]

    def __iter__(self) -> Iterator[TeamMember]:
        return iter(self.members)

    def __len__(self) -> int:
        return len(self.members)

    @property
    def leader(self) -> TeamMember:
        return next(m for m in self.members if m.role == LEADER)

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(m.inspector_id for m in self.members)


@dataclass(frozen=True, slots=True)
class ScheduledVisit:
    visit_id: str
    uscc: str
    name: str
    township: str
    items: tuple[str, ...]  # item codes, sorted
    agencies: tuple[str, ...]  # agency codes, sorted
    date: dt.date
    team: Team
    revision: int = 0


@dataclass(frozen=True, slots=True)
class Unassigned:
    """A drawn visit the round cannot staff, with the reasons (Chinese)."""

    visit_id: str
    uscc: str
    name: str
    township: str
    items: tuple[str, ...]
    agencies: tuple[str, ...]
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Withdrawn:
    """A calendar event an officer had in an earlier version and no longer
    has; ``revision`` is the SEQUENCE its cancellation carries."""

    visit_id: str
    uscc: str
    name: str
    township: str
    date: dt.date
    inspector_id: str
    revision: int


@dataclass(frozen=True, slots=True)
class AgencyWorkload:
    officers: int
    min: int
    max: int
    mean: float


@dataclass(frozen=True, slots=True)
class Statistics:
    visits: int
    assigned: int
    unassigned: int
    as_drawn_share: float
    drawn_officer_share: float
    officer_day_township_uses: int
    lower_bound_uses_given_teams: int
    gap_to_bound: float
    lower_bound_uses_any_teams: int
    lower_bound_officer_days: Mapping[str, int]  # agency -> officer-days needed at least
    workload: Mapping[str, AgencyWorkload]
    shortages: tuple[str, ...]
    weeks: tuple[WeekLoad, ...] = ()  # visits per ISO week of the window, with each week's even share
    busiest_week_ratio: float = 0.0  # the largest week's visits over its even share (1.0 = even)
    officer_busiest_weeks: Mapping[str, OfficerWeek] = field(default_factory=dict)  # officer -> busiest week


@dataclass(frozen=True, slots=True)
class Audit:
    """What makes the plan traceable: the draw it schedules (the SHA-256 of
    the published manifest and the seed), the solver and the versions."""

    draw_manifest_sha256: str
    seed: str
    solver: Mapping[str, Any]
    versions: Mapping[str, str]
    previous_plan_sha256: str | None = None


@dataclass(frozen=True, slots=True)
class Plan:
    round: PlanRound
    visits: tuple[ScheduledVisit, ...]  # sorted by visit id
    unassigned: tuple[Unassigned, ...]  # sorted by visit id
    statistics: Statistics
    audit: Audit
    version: int = 1
    withdrawn: tuple[Withdrawn, ...] = ()
    _by_id: dict[str, ScheduledVisit] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._by_id.update((v.visit_id, v) for v in self.visits)

    def visit(self, vid: str) -> ScheduledVisit | None:
        return self._by_id.get(vid)

    def all_usccs(self) -> list[str]:
        """Every drawn enterprise, scheduled or not."""
        return sorted({v.uscc for v in self.visits} | {u.uscc for u in self.unassigned})
