"""What every export needs: the plan, enriched from the rosters."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from scheduler.domain import Dataset, Inspector

LEADER = "带队"


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


@dataclass
class ExportContext:
    plan: dict[str, Any]
    dataset: Dataset
    visits: list[VisitRow]
    townships: list[str]
    round_name: str
    verification: str  # the draw manifest's SHA-256, printed in footers
    stamp: dt.datetime  # fixed file time: the round's first day, 08:00

    @property
    def agency_names(self) -> dict[str, str]:
        return dict(self.dataset.agencies.names())

    def visits_of(self, inspector_id: str) -> list[tuple[VisitRow, str]]:
        """An officer's visits in date order, with the officer's role."""
        return self._by_officer.get(inspector_id, [])

    def __post_init__(self) -> None:
        self._by_officer: dict[str, list[tuple[VisitRow, str]]] = {}
        for v in self.visits:
            for o, role in v.team:
                self._by_officer.setdefault(o.id, []).append((v, role))


def build_context(plan: dict[str, Any], dataset: Dataset) -> ExportContext:
    officers = {o.id: o for o in dataset.inspectors}
    items = {i.code: i.name for i in dataset.items}
    names = dataset.agencies.names()
    address = dict(zip(dataset.enterprises["uscc"], dataset.enterprises["address"], strict=True))
    rows = []
    for v in plan["visits"]:
        team = tuple((officers[m["inspector_id"]], m["role"]) for m in v["team"])
        leader = next(o for o, role in team if role == LEADER)
        rows.append(VisitRow(
            visit_id=v["visit_id"], date=dt.date.fromisoformat(v["date"]), uscc=v["uscc"], name=v["name"],
            township=v["township"], address=str(address.get(v["uscc"], "")),
            items=tuple(items.get(code, code) for code in v["items"]),
            agencies=tuple(names.get(a, a) for a in v["agencies"]), leader=leader, team=team,
        ))
    rows.sort(key=lambda r: (r.date, r.township, r.visit_id))
    start = dt.date.fromisoformat(plan["round"]["window"]["start"])
    return ExportContext(
        plan=plan, dataset=dataset, visits=rows, townships=sorted(set(dataset.enterprises["township"])),
        round_name=plan["round"]["name"], verification=plan["audit"]["draw_manifest_sha256"],
        stamp=dt.datetime.combine(start, dt.time(8, 0)),
    )
