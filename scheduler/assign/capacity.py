"""Before solving: can the round be staffed at all?  And simple lower bounds.

Three relaxations, each a proof of infeasibility when it fails:

1. per visit and agency: enough statically eligible officers with at least
   one usable day;
2. per visit: one working day on which every agency has enough usable
   eligible officers;
3. a max-flow from (visit, agency) slots to officers to the sink, each
   officer supplying ``max_visits_per_day`` × usable days and taking a visit
   at most once.  When the flow is short, the source side of the minimum cut
   names the bottleneck: the agency, township and dates, and by how much.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from ortools.graph.python import max_flow

from scheduler.assign.eligibility import Eligibility
from scheduler.assign.visits import Visit
from scheduler.domain import Inspector


@dataclass(frozen=True, slots=True)
class Shortage:
    """A proven bottleneck."""

    agency: str
    township: str
    first: dt.date
    last: dt.date
    demand: int  # officer-visits needed
    supply: int  # officer-visits available at most
    visits: tuple[str, ...]
    kind: str  # "eligible" | "common-day" | "flow"

    @property
    def short(self) -> int:
        return self.demand - self.supply

    def message(self, names: Mapping[str, str]) -> str:
        what = {
            "eligible": "符合条件（部门、资格、回避）且在期限内可用的执法人员不足",
            "common-day": "没有一个工作日能凑齐所需人数",
            "flow": "执法人员可用人日不足",
        }[self.kind]
        return (f"{names.get(self.agency, self.agency)}：{self.township} {self.first} 至 {self.last} {what}，"
                f"需 {self.demand} 人次，最多 {self.supply} 人次，缺 {self.short} 人次（涉及 {len(self.visits)} 户）")


def check_capacity(visits: Sequence[Visit], elig: Eligibility, officers: Sequence[Inspector],
                   stop: Callable[[], None] | None = None) -> list[Shortage]:
    """Every proven shortage.  *stop*, when given, is called every few
    visits and may raise to end the check early."""
    days = elig.days
    first, last = (days[0], days[-1]) if days else (dt.date.min, dt.date.min)
    groups: dict[tuple[str, str, str], list[tuple[Visit, int, int]]] = defaultdict(list)
    flow_visits = []
    row = {o: k for k, o in enumerate(sorted(elig.officer_days))}
    usable_matrix = np.zeros((len(row), len(days)), dtype=np.int32)
    for o, k in row.items():
        usable_matrix[k, list(elig.officer_days[o])] = 1
    for n, visit in enumerate(visits):
        if stop is not None and n % 100 == 0:
            stop()
        bad = False
        for agency in visit.agencies:
            usable = [o for o in elig.ranking[(visit.id, agency)] if elig.officer_days[o]]
            if len(usable) < visit.need[agency]:
                groups[(agency, visit.township, "eligible")].append((visit, visit.need[agency], len(usable)))
                bad = True
        if bad:
            continue
        # per agency and day: how many of its eligible officers are usable then
        per_day = {a: usable_matrix[[row[o] for o in elig.ranking[(visit.id, a)]]].sum(axis=0) for a in visit.agencies}
        if not np.logical_and.reduce([per_day[a] >= visit.need[a] for a in visit.agencies]).any():
            worst = min(visit.agencies, key=lambda a: int(per_day[a].max(initial=0)))
            groups[(worst, visit.township, "common-day")].append((visit, visit.need[worst], int(per_day[worst].max(initial=0))))
            continue
        flow_visits.append(visit)
    shortages = [
        Shortage(agency, township, first, last, sum(d for _, d, _ in rows), sum(s for _, _, s in rows),
                 tuple(v.id for v, _, _ in rows), kind)
        for (agency, township, kind), rows in sorted(groups.items())
    ]
    return shortages + _flow_shortages(flow_visits, elig, officers)


def _flow_shortages(visits: Sequence[Visit], elig: Eligibility, officers: Sequence[Inspector]) -> list[Shortage]:
    cap = {o.id: o.max_visits_per_day * len(elig.officer_days[o.id]) for o in officers}
    slots = [(v, a) for v in visits for a in v.agencies]
    officer_ids = sorted(cap)
    node = {o: 1 + len(slots) + k for k, o in enumerate(officer_ids)}
    source, sink = 0, 1 + len(slots) + len(officer_ids)
    tails: list[int] = []
    heads: list[int] = []
    caps: list[int] = []

    def arc(tail: int, head: int, capacity: int) -> int:
        tails.append(tail)
        heads.append(head)
        caps.append(capacity)
        return len(tails) - 1

    source_arc = []
    for k, (visit, agency) in enumerate(slots):
        source_arc.append(arc(source, 1 + k, visit.need[agency]))
        for o in elig.ranking[(visit.id, agency)]:
            if elig.officer_days[o]:
                arc(1 + k, node[o], 1)
    for o in officer_ids:
        arc(node[o], sink, cap[o])
    solver = max_flow.SimpleMaxFlow()
    solver.add_arcs_with_capacity(np.array(tails), np.array(heads), np.array(caps))
    if solver.solve(source, sink) != solver.OPTIMAL:
        raise RuntimeError("max-flow failed")
    demand = sum(visit.need[a] for visit, a in slots)
    if solver.optimal_flow() >= demand:
        return []
    cut = {int(n) for n in solver.get_source_side_min_cut()}
    inflow = {k: int(solver.flow(a)) for k, a in enumerate(source_arc)}
    # The source side of the minimum cut is a Hall-violating set: slots that
    # compete for the same saturated officers.  Report it per agency and
    # township, with what was needed and what the officers could give.
    groups: dict[tuple[str, str], list[int]] = defaultdict(list)
    for k, (visit, agency) in enumerate(slots):
        if 1 + k in cut:
            groups[(agency, visit.township)].append(k)
    groups = {key: ks for key, ks in groups.items() if sum(slots[k][0].need[key[0]] - inflow[k] for k in ks) > 0}
    out = []
    days = elig.days
    for (agency, township), ks in sorted(groups.items()):
        reach = sorted({o for k in ks for o in elig.ranking[(slots[k][0].id, agency)] if elig.officer_days[o]})
        usable = sorted({d for o in reach for d in elig.officer_days[o]})
        out.append(Shortage(
            agency, township, days[usable[0]] if usable else days[0], days[usable[-1]] if usable else days[-1],
            demand=sum(slots[k][0].need[agency] for k in ks), supply=sum(inflow[k] for k in ks),
            visits=tuple(slots[k][0].id for k in ks), kind="flow",
        ))
    return out


@dataclass(frozen=True, slots=True)
class Bounds:
    officer_days: dict[str, int]  # agency -> officer-days needed at least
    uses_any_team: int  # Σ_{township, agency} ceil(slots / max cap): holds for any teams
    uses_given_teams: int  # Σ_{officer, township} ceil(visits / cap): for the teams in the plan


def bounds(visits: Sequence[Visit], officers: Sequence[Inspector], teams: dict[str, list[str]]) -> Bounds:
    """Simple lower bounds: *teams* maps visit id -> officer ids of the plan."""
    cap = {o.id: o.max_visits_per_day for o in officers}
    max_cap: dict[str, int] = defaultdict(int)
    for o in officers:
        max_cap[o.agency] = max(max_cap[o.agency], o.max_visits_per_day)
    slots: dict[tuple[str, str], int] = defaultdict(int)
    per_agency: dict[str, int] = defaultdict(int)
    for v in visits:
        for a, n in v.need.items():
            slots[(v.township, a)] += n
            per_agency[a] += n
    any_team = sum(math.ceil(n / max(1, max_cap[a])) for (_, a), n in slots.items())
    per_officer_town: dict[tuple[str, str], int] = defaultdict(int)
    township = {v.id: v.township for v in visits}
    for vid, team in teams.items():
        for oid in team:
            per_officer_town[(oid, township[vid])] += 1
    given = sum(math.ceil(n / cap[o]) for (o, _), n in per_officer_town.items())
    return Bounds(
        officer_days={a: math.ceil(n / max(1, max_cap[a])) for a, n in sorted(per_agency.items())},
        uses_any_team=any_team,
        uses_given_teams=given,
    )
