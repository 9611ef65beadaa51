"""From a solver schedule to the typed :class:`~scheduler.plan.Plan`.

Small pure functions: the team roles (one 带队), the reasons a visit is
unassigned, the statistics, and — for a plan made from a previous one — the
revision of each visit and the calendar events withdrawn from officers.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from importlib.metadata import version

from scheduler import __version__
from scheduler.assign.capacity import Shortage, bounds
from scheduler.assign.eligibility import Eligibility
from scheduler.assign.problem import Problem
from scheduler.assign.solver import Member, Schedule, SolverSettings
from scheduler.assign.visits import Visit
from scheduler.plan import (
    AgencyWorkload,
    Audit,
    Plan,
    PlanRound,
    ScheduledVisit,
    Statistics,
    Team,
    TeamMember,
    Unassigned,
    Withdrawn,
)
from scheduler.planfile import sha256 as plan_sha256
from scheduler.vocabulary import LEADER, MEMBER, MIN_TEAM_SIZE
from scheduler.weeks import busiest_week_ratio, officer_busiest_weeks, week_loads


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


def statistics(problem: Problem, visits: Sequence[ScheduledVisit], missing: int, shortages: Sequence[Shortage]) -> Statistics:
    """Counts, bounds and workload of the plan; the spread over the window's
    weeks (:mod:`scheduler.weeks`)."""
    names = problem.agency_names
    uses = {(m.inspector_id, v.date) for v in visits for m in v.team}
    loads: Counter[str] = Counter(m.inspector_id for v in visits for m in v.team)
    slots = sum(len(v.team) for v in visits)
    drawn_slots = sum(m.drawn for v in visits for m in v.team)
    as_drawn = sum(all(m.drawn for m in v.team) for v in visits)
    b = bounds(problem.visits, problem.inspectors, {v.visit_id: list(v.team.ids) for v in visits})
    per_agency: dict[str, list[int]] = defaultdict(list)
    involved = {a for v in problem.visits for a in v.agencies}
    for o in problem.inspectors:
        if o.agency in involved:
            per_agency[o.agency].append(loads[o.id])
    return Statistics(
        visits=len(problem.visits),
        assigned=len(visits),
        unassigned=missing,
        as_drawn_share=round(as_drawn / len(visits), 6) if visits else 0.0,
        drawn_officer_share=round(drawn_slots / slots, 6) if slots else 0.0,
        officer_day_township_uses=len(uses),
        lower_bound_uses_given_teams=b.uses_given_teams,
        gap_to_bound=round(len(uses) / b.uses_given_teams - 1, 6) if b.uses_given_teams else 0.0,
        lower_bound_uses_any_teams=b.uses_any_team,
        lower_bound_officer_days=b.officer_days,
        workload={a: AgencyWorkload(len(v), min(v), max(v), round(sum(v) / len(v), 3)) for a, v in sorted(per_agency.items())},
        shortages=tuple(s.message(names) for s in shortages),
        weeks=(weeks := week_loads((v.date for v in visits), problem.eligibility.days)),
        busiest_week_ratio=busiest_week_ratio(weeks),
        officer_busiest_weeks=officer_busiest_weeks((m.inspector_id, v.date) for v in visits for m in v.team),
    )


def revise(visits: Sequence[ScheduledVisit], unassigned: Sequence[Unassigned],
           previous: Plan | None) -> tuple[list[ScheduledVisit], list[Withdrawn]]:
    """Against *previous*: a visit whose date, team or items changed gets
    the previous revision + 1 (else keeps it); an officer's event that is no
    longer there (visit cancelled, officer off the team) is withdrawn with the
    next revision.  Withdrawals of earlier versions are carried forward."""
    if previous is None:
        return list(visits), []
    out = []
    withdrawn: dict[tuple[str, str], Withdrawn] = {(w.visit_id, w.inspector_id): w for w in previous.withdrawn}
    now = {v.visit_id: v for v in visits}
    for v in visits:
        before = previous.visit(v.visit_id)
        if before is None:
            revision = max((w.revision for (vid, _), w in withdrawn.items() if vid == v.visit_id), default=0)
            out.append(_with_revision(v, revision))
        elif (before.date, before.team.ids, before.items) != (v.date, v.team.ids, v.items):
            out.append(_with_revision(v, before.revision + 1))
        else:
            out.append(_with_revision(v, before.revision))
        for m in v.team:  # an officer back on the visit: the event is live again
            withdrawn.pop((v.visit_id, m.inspector_id), None)
    for before in previous.visits:
        current = now.get(before.visit_id)
        stay = set(current.team.ids) if current is not None else set()
        for m in before.team:
            if m.inspector_id not in stay:
                withdrawn[(before.visit_id, m.inspector_id)] = Withdrawn(
                    before.visit_id, before.uscc, before.name, before.township, before.date, m.inspector_id,
                    before.revision + 1)
    _ = unassigned
    return out, [withdrawn[k] for k in sorted(withdrawn)]


def _with_revision(v: ScheduledVisit, revision: int) -> ScheduledVisit:
    return v if v.revision == revision else ScheduledVisit(
        v.visit_id, v.uscc, v.name, v.township, v.items, v.agencies, v.date, v.team, revision)


def make_plan(problem: Problem, sched: Schedule, shortages: Sequence[Shortage], settings: SolverSettings,
              previous: Plan | None = None) -> Plan:
    officers = {o.id: o for o in problem.inspectors}
    names = problem.agency_names
    elig = problem.eligibility
    planned: list[ScheduledVisit] = []
    missing: list[Unassigned] = []
    for visit in problem.visits:
        a = sched.assignments.get(visit.id)
        if a is None:
            given = sched.unassigned.get(visit.id) or []
            reasons = given or unassigned_reasons(visit, shortages, elig, names)
            missing.append(Unassigned(visit.id, visit.uscc, visit.name, visit.township, visit.items, visit.agencies,
                                      tuple(reasons)))
            continue
        team = Team(tuple(
            TeamMember(m.inspector_id, officers[m.inspector_id].name, m.agency, role, m.drawn, m.rank)
            for m, role in zip(a.team, roles(visit, a.team, problem.round.lead_agency), strict=True)
        ))
        planned.append(ScheduledVisit(visit.id, visit.uscc, visit.name, visit.township, visit.items, visit.agencies,
                                      elig.days[a.day], team))
    planned.sort(key=lambda v: v.visit_id)
    missing.sort(key=lambda u: u.visit_id)
    revised, withdrawn = revise(planned, missing, previous)
    r = problem.round
    solver = {"mode": "audit" if settings.audit else "fast", "parameters": settings.parameters(),
              "candidate_days": settings.candidate_days, "cp_sat_max_visits": settings.cp_sat_max_visits} | sched.solver
    return Plan(
        round=PlanRound(r.name, r.code, r.start, r.end, r.lead_agency, r.avoid_home_township, MIN_TEAM_SIZE,
                        r.workload.max_days_per_week, r.workload.max_days_per_month),
        visits=tuple(revised),
        unassigned=tuple(missing),
        statistics=statistics(problem, planned, len(missing), shortages),
        audit=Audit(
            draw_manifest_sha256=problem.draw_manifest_sha256,
            seed=problem.seed.hex(),
            solver=solver,
            versions={"onevisit": __version__, "ortools": version("ortools")},
            previous_plan_sha256=None if previous is None else plan_sha256(previous),
        ),
        version=1 if previous is None else previous.version + 1,
        withdrawn=tuple(withdrawn),
    )

