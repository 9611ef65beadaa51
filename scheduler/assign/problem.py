"""The typed instance a solve takes: the visits of a published draw, the
officers, the window's working days and the officer draw (eligibility and
ranking), with what the plan must record of the draw."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from scheduler.assign.eligibility import Eligibility, build_eligibility
from scheduler.assign.visits import Visit, make_visits
from scheduler.domain import Dataset, Inspector, Round
from scheduler.draw.published import PublishedDraw
from scheduler.workdays import WorkCalendar


@dataclass(frozen=True)
class Problem:
    round: Round
    visits: tuple[Visit, ...]  # one per drawn enterprise, by visit id
    inspectors: tuple[Inspector, ...]
    eligibility: Eligibility  # ranking per (visit, agency); working days; usable days per officer
    seed: bytes  # the draw's seed S (the officer draw reuses it)
    draw_manifest_sha256: str
    agency_names: Mapping[str, str]


def build_problem(draw: PublishedDraw, dataset: Dataset, round_: Round, calendar: WorkCalendar,
                  stop: Callable[[], None] | None = None) -> Problem:
    """The instance for *draw* on *dataset*.  *stop* may raise to end early
    (building the officer draw of a full-size county takes seconds)."""
    visits = sorted(make_visits(draw.selection, dataset, round_), key=lambda v: v.id)
    days = calendar.workdays(round_.start, round_.end)
    elig = build_eligibility(visits, dataset.inspectors, draw.seed, days, dataset.history, round_.avoid_home_township,
                             stop=stop)
    return Problem(round_, tuple(visits), tuple(dataset.inspectors), elig, draw.seed, draw.manifest_sha256,
                   dict(dataset.agencies.names()))
