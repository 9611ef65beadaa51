"""Building plan.json (docs/plan-format.md) from a schedule."""

from __future__ import annotations

import hashlib
import json
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

from scheduler import __version__
from scheduler.assign.capacity import Shortage, bounds, check_capacity
from scheduler.assign.eligibility import Eligibility, build_eligibility
from scheduler.assign.solver import Member, Progress, Schedule, SolverSettings, schedule
from scheduler.assign.visits import MIN_TEAM, Visit, draw_seed, read_visits
from scheduler.domain import Dataset, Round
from scheduler.draw.rule import canonical_json
from scheduler.vocabulary import LEADER, MEMBER
from scheduler.workdays import WorkCalendar

FORMAT = "onevisit-plan-v1"


def roles(visit: Visit, team: Sequence[Member], lead: str) -> list[str]:
    """One 带队: the best-ranked officer of the lead agency when it takes
    part, else of the visit's first agency by (officers needed desc, code)."""
    agency = lead if lead in visit.need else min(visit.need, key=lambda a: (-visit.need[a], a))
    leader = min((m for m in team if m.agency == agency), key=lambda m: (m.rank, m.inspector_id))
    return [LEADER if m is leader else MEMBER for m in team]


def unassigned_reasons(visit: Visit, shortages: Sequence[Shortage], elig: Eligibility, names: Mapping[str, str]) -> list[str]:
    reasons = [s.message(names) for s in shortages if visit.id in s.visits]
    if reasons:
        return reasons
    out = []
    for agency in visit.agencies:
        ranked = elig.ranking[(visit.id, agency)]
        best = max((sum(d in elig.officer_days[o] for o in ranked) for d in range(len(elig.days))), default=0)
        out.append(f"{names.get(agency, agency)}：需 {visit.need[agency]} 人，符合条件的 {len(ranked)} 人中同一天最多 {best} 人可用")
    return ["在实施期限内找不到可行的日期和人员组合（其他户已占用可用人员）：" + "；".join(out)]


@dataclass
class PlanResult:
    plan: dict[str, Any]
    shortages: list[Shortage]

    def to_bytes(self) -> bytes:
        return canonical_json(self.plan)


def build_plan(
    draw: Path,
    dataset: Dataset,
    round_: Round,
    calendar: WorkCalendar,
    settings: SolverSettings,
    progress: Progress = lambda _: None,
) -> PlanResult:
    visits = read_visits(draw, dataset, round_.lead_agency)
    seed = draw_seed(draw)
    days = calendar.workdays(round_.start, round_.end)
    progress(f"读取抽取结果 (draw): {len(visits):,} 户，{len(days)} 个工作日，{len(dataset.inspectors)} 名执法人员")
    elig = build_eligibility(visits, dataset.inspectors, seed, days, dataset.history, round_.avoid_home_township)
    shortages = check_capacity(visits, elig, dataset.inspectors)
    names = dataset.agencies.names()
    for s in shortages:
        progress("  人员不足 (capacity): " + s.message(names))
    sched = schedule(visits, elig, dataset.inspectors, seed, settings, progress)
    plan = plan_dict(visits, sched, elig, dataset, round_, shortages, settings, draw)
    return PlanResult(plan, shortages)


def plan_dict(visits: Sequence[Visit], sched: Schedule, elig: Eligibility, dataset: Dataset, round_: Round,
              shortages: Sequence[Shortage], settings: SolverSettings, draw: Path) -> dict[str, Any]:
    officers = {o.id: o for o in dataset.inspectors}
    names = dataset.agencies.names()
    planned, missing = [], []
    uses: set[tuple[str, int]] = set()
    loads: Counter[str] = Counter()
    drawn_slots = as_drawn = 0
    for visit in visits:
        base = {"visit_id": visit.id, "uscc": visit.uscc, "name": visit.name, "township": visit.township,
                "items": list(visit.items), "agencies": list(visit.agencies)}
        a = sched.assignments.get(visit.id)
        if a is None:
            missing.append(base | {"reasons": unassigned_reasons(visit, shortages, elig, names)})
            continue
        team = [
            {"inspector_id": m.inspector_id, "name": officers[m.inspector_id].name, "agency": m.agency,
             "role": role, "drawn": m.drawn, "rank": m.rank}
            for m, role in zip(a.team, roles(visit, a.team, round_.lead_agency), strict=True)
        ]
        planned.append(base | {"date": elig.days[a.day].isoformat(), "team": team})
        drawn_slots += sum(m.drawn for m in a.team)
        as_drawn += all(m.drawn for m in a.team)
        for m in a.team:
            uses.add((m.inspector_id, a.day))
            loads[m.inspector_id] += 1
    slots = sum(len(a.team) for a in sched.assignments.values())
    b = bounds(visits, dataset.inspectors, {vid: [m.inspector_id for m in a.team] for vid, a in sched.assignments.items()})
    per_agency: dict[str, list[int]] = defaultdict(list)
    for o in dataset.inspectors:
        if any(o.agency in v.agencies for v in visits):
            per_agency[o.agency].append(loads[o.id])
    manifest = (draw / "manifest.json").read_bytes()
    return {
        "format": FORMAT,
        "round": {"name": round_.name, "code": round_.code,
                  "window": {"start": round_.start.isoformat(), "end": round_.end.isoformat()},
                  "lead_agency": round_.lead_agency, "avoid_home_township": round_.avoid_home_township,
                  "min_team_size": MIN_TEAM},
        "visits": planned,
        "unassigned": missing,
        "statistics": {
            "visits": len(visits),
            "assigned": len(planned),
            "unassigned": len(missing),
            "as_drawn_share": round(as_drawn / len(planned), 6) if planned else 0.0,
            "drawn_officer_share": round(drawn_slots / slots, 6) if slots else 0.0,
            "officer_day_township_uses": len(uses),
            "lower_bound_uses_given_teams": b.uses_given_teams,
            "gap_to_bound": round(len(uses) / b.uses_given_teams - 1, 6) if b.uses_given_teams else 0.0,
            "lower_bound_uses_any_teams": b.uses_any_team,
            "lower_bound_officer_days": b.officer_days,
            "workload": {a: {"officers": len(v), "min": min(v), "max": max(v), "mean": round(sum(v) / len(v), 3)}
                         for a, v in sorted(per_agency.items())},
            "shortages": [s.message(names) for s in shortages],
        },
        "audit": {
            "draw_manifest_sha256": hashlib.sha256(manifest).hexdigest(),
            "seed": json.loads(manifest)["seed"],
            "solver": {"mode": "audit" if settings.audit else "fast", "parameters": settings.parameters(),
                       "candidate_days": settings.candidate_days} | sched.solver,
            "versions": {"onevisit": __version__, "ortools": version("ortools")},
        },
    }
