"""What every export needs: the typed plan, enriched from the rosters, and,
when given, the published draw, the entered results and the audit log
checkpoint."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from scheduler.domain import Dataset, Inspector
from scheduler.draw.published import PublishedDraw
from scheduler.draw.rule import DrawRule
from scheduler.export.checkpoint import AuditCheckpoint
from scheduler.plan import Plan
from scheduler.results import ItemResult
from scheduler.vocabulary import LEADER


@dataclass(frozen=True, slots=True)
class VisitRow:
    """One scheduled visit, ready to print."""

    visit_id: str
    date: dt.date
    uscc: str
    name: str
    township: str
    address: str
    items: tuple[str, ...]  # item names
    agencies: tuple[str, ...]  # agency names
    leader: Inspector
    team: tuple[tuple[Inspector, str], ...]  # (officer, role)
    revision: int = 0  # times this visit's date, team or items changed since plan version 1 (the SEQUENCE)


@dataclass(frozen=True, slots=True)
class WithdrawnEvent:
    """A visit an officer had in an earlier plan version and no longer has
    (the visit was cancelled, or the officer was taken off its team).  Their
    calendar carries it as a cancelled event with the same UID."""

    visit_id: str
    uscc: str
    name: str
    township: str
    date: dt.date  # the date the officer had
    inspector_id: str
    revision: int  # the SEQUENCE of the cancellation (already incremented by the plan)


@dataclass
class ExportContext:
    plan: Plan
    dataset: Dataset
    visits: list[VisitRow]
    townships: list[str]
    round_name: str
    verification: str  # the draw manifest's SHA-256, printed in footers
    stamp: dt.datetime  # fixed file time: the round's first day, 08:00
    draw: PublishedDraw | None = None  # the published draw, when given
    results: list[ItemResult] = field(default_factory=list)
    plan_version: int = 1  # 1 for the first published plan; each re-plan adds one
    withdrawn: list[WithdrawnEvent] = field(default_factory=list)
    checkpoint: AuditCheckpoint | None = None  # the audit log's head at publication, printed in the notices

    @property
    def manifest(self) -> Mapping[str, Any] | None:
        """The draw's public manifest.json, when the draw is given."""
        return self.draw.manifest if self.draw is not None else None

    @property
    def rule(self) -> DrawRule | None:
        """The draw's rule (items, ratios, seed sources), when the draw is given."""
        return self.draw.rule if self.draw is not None else None

    @property
    def agency_names(self) -> dict[str, str]:
        return dict(self.dataset.agencies.names())

    @property
    def authorities(self) -> dict[str, str]:
        """Agency code -> the authority's full name (示例县市场监督管理局), for
        public texts; the short name where the directory has no full name."""
        return dict(self.dataset.agencies.authorities())

    def visits_of(self, inspector_id: str) -> list[tuple[VisitRow, str]]:
        """An officer's visits in date order, with the officer's role."""
        return self._by_officer.get(inspector_id, [])

    def withdrawn_of(self, inspector_id: str) -> list[WithdrawnEvent]:
        """The officer's withdrawn events, by date and township."""
        return self._withdrawn.get(inspector_id, [])

    def __post_init__(self) -> None:
        self._by_officer: dict[str, list[tuple[VisitRow, str]]] = {}
        for v in self.visits:
            for o, role in v.team:
                self._by_officer.setdefault(o.id, []).append((v, role))
        self._withdrawn: dict[str, list[WithdrawnEvent]] = {}
        for w in sorted(self.withdrawn, key=lambda w: (w.date, w.township, w.visit_id)):
            if any(v.uscc == w.uscc for v, _ in self.visits_of(w.inspector_id)):
                raise ValueError(f"withdrawn event {w.visit_id} of {w.inspector_id} is also an active visit")
            self._withdrawn.setdefault(w.inspector_id, []).append(w)


def build_context(plan: Plan, dataset: Dataset, draw: PublishedDraw | None = None,
                  results: Sequence[ItemResult] = (), checkpoint: AuditCheckpoint | None = None) -> ExportContext:
    """Everything the exports need, from the typed plan, the rosters, the
    published draw (when given), the entered results and the audit log
    checkpoint (when published by the service)."""
    officers = {o.id: o for o in dataset.inspectors}
    items = {i.code: i.name for i in dataset.items}
    names = dataset.agencies.names()
    address = dict(zip(dataset.enterprises["uscc"], dataset.enterprises["address"], strict=True))
    rows = []
    for v in plan.visits:
        team = tuple((officers[m.inspector_id], m.role) for m in v.team)
        leader = next(o for o, role in team if role == LEADER)
        rows.append(VisitRow(
            visit_id=v.visit_id, date=v.date, uscc=v.uscc, name=v.name,
            township=v.township, address=str(address.get(v.uscc, "")),
            items=tuple(items.get(code, code) for code in v.items),
            agencies=tuple(names.get(a, a) for a in v.agencies), leader=leader, team=team, revision=v.revision,
        ))
    rows.sort(key=lambda r: (r.date, r.township, r.visit_id))
    return ExportContext(
        plan=plan, dataset=dataset, visits=rows, townships=sorted(set(dataset.enterprises["township"])),
        round_name=plan.round.name, verification=plan.audit.draw_manifest_sha256,
        stamp=dt.datetime.combine(plan.round.start, dt.time(8, 0)),
        draw=draw,
        results=list(results),
        plan_version=plan.version,
        withdrawn=[WithdrawnEvent(w.visit_id, w.uscc, w.name, w.township, w.date, w.inspector_id, w.revision)
                   for w in plan.withdrawn],
        checkpoint=checkpoint,
    )
