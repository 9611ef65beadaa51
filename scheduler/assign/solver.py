"""Scheduling: one visit per enterprise, on one working day, by one team.

Decomposition (each step a small pure function around the solver):

1. **Drawn teams.** For each (visit, agency) the top ``need`` officers of the
   officer draw (:mod:`scheduler.assign.eligibility`).
2. **Days: constructive start and local search.** In each township, visits
   sharing a drawn officer form a component, placed on one day when it fits
   (:func:`cluster_days`); a local search then gathers each officer's visits
   in a township onto fewer days (:func:`polish`).
3. **Days, CP-SAT.** Each visit gets a few candidate days (a hashed
   preference list per officer and township, the start's day, and the days
   that would merge it with visits sharing an officer there); CP-SAT,
   started from the local-search solution, chooses one per visit so that
   every officer does at most ``max_visits_per_day`` visits a day, all in
   one township, and minimises, in this order, visits it cannot place as
   drawn and officer-day-township uses (the travel proxy).  Its answer is
   kept only when it is no worse than its start.
4. **Repair.** A visit not placed as drawn gets the day and team that
   deviate least from the draw: for each agency, officers in ranking order
   who are free that day (usable, same township, under their cap); ties by
   fewer new officer-day-township uses, then by date.  A visit that no day
   can staff is reported unassigned with its reasons.

Priorities, as the issues order them: unassigned visits, deviation from the
drawn ranking, officer-day-township uses, then the spread of visits over the
window's weeks (:class:`Spread`; the busiest week's visits per working day).
Balance between officers is left to the draw itself, which spreads visits
uniformly over eligible officers.  Every step keeps the workload rule
(:class:`DayLimits`: at most N inspection days per officer in a week and,
optionally, a month).  One CP-SAT model over the whole round is used up to
``SolverSettings.cp_sat_max_visits`` visits; larger rounds keep the
constructive start and the local search.
"""

from __future__ import annotations

import hashlib
import math
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ortools.sat.python import cp_model

from scheduler.assign.eligibility import Eligibility
from scheduler.assign.events import Cancelled, OnEvent, Phase, SolveEvent, StopMode, StopSignal, ignore
from scheduler.assign.occupancy import DayLimits, Occupancy, Spread
from scheduler.assign.townships import classes, linked_groups, place_classes
from scheduler.assign.visits import Visit
from scheduler.domain import Inspector
from scheduler.draw.seed import lp

UNPLACED_WEIGHT = 1000  # one visit not as drawn outweighs any number of extra uses it could save


@dataclass(frozen=True, slots=True)
class SolverSettings:
    """CP-SAT settings.  ``audit=True`` pins everything that makes a run
    reproducible: one seed, a fixed worker count with interleaved search and
    batch size, and a deterministic (work-based) time limit; the default
    (fast) mode stops on a wall-clock limit instead."""

    audit: bool = False
    time_limit: float = 20.0  # wall-clock seconds, fast mode
    deterministic_time: float = 20.0  # audit mode
    workers: int = 2
    random_seed: int = 20261124
    interleave_batch_size: int = 6
    candidate_days: int = 4  # preferred days per (officer, township)
    # One CP-SAT model over the whole round pays off up to about this many
    # visits (the sample county, 442 visits, is proved optimal in seconds).
    # Above it the model's few candidate days per visit cost quality (a
    # 700-visit county: 7.3 % above the bound against 4.7 % planned by
    # township) and on the full-size county (4,953 visits, 150,000
    # variables) it found nothing better than its start in 20 s, so larger
    # rounds are planned by township (assign/townships.py).  (CP-SAT on one
    # township at a time, others held, found nothing better either within
    # the 20 s shared among the townships.)
    cp_sat_max_visits: int = 600
    # Large rounds: no week takes more than this multiple of its even share
    # of the visits (the target is 1.5; the repair step may add a few).
    week_share: float = 1.4
    gap_limit: float = 0.01  # fast mode: stop within 1 % of the proven bound
    spread_time: float = 5.0  # the spread tier's solve: at most this, within time_limit (fast); deterministic time (audit)

    def parameters(self) -> dict[str, Any]:
        # Interleaved search (subsolvers run in fixed batches) both proves
        # optimality on the sample county where the default two-worker
        # portfolio stalls, and is deterministic whatever num_workers is.
        common = {"num_workers": self.workers, "random_seed": self.random_seed, "interleave_search": True,
                  "interleave_batch_size": self.interleave_batch_size, "relative_gap_limit": self.gap_limit}
        if self.audit:
            return common | {"max_deterministic_time": self.deterministic_time}
        return common | {"max_time_in_seconds": self.time_limit}


@dataclass(frozen=True, slots=True)
class Member:
    inspector_id: str
    agency: str
    drawn: bool
    rank: int


@dataclass
class Assignment:
    visit_id: str
    day: int  # index into Eligibility.days
    team: list[Member]


@dataclass
class Schedule:
    assignments: dict[str, Assignment] = field(default_factory=dict)
    unassigned: dict[str, list[str]] = field(default_factory=dict)
    solver: dict[str, Any] = field(default_factory=dict)


def _h(*parts: str | bytes | int) -> bytes:
    data = b"".join(lp(p if isinstance(p, bytes | str) else str(p)) for p in parts)
    return hashlib.sha256(data).digest()


def common_days(elig: Eligibility, officers: Iterable[str]) -> set[int]:
    """The day indices on which every one of *officers* is usable."""
    return set.intersection(*(set(elig.officer_days[o]) for o in officers))


def drawn_team(visit: Visit, elig: Eligibility) -> list[Member] | None:
    team: list[Member] = []
    for agency in visit.agencies:
        ranked = elig.ranking[(visit.id, agency)]
        if len(ranked) < visit.need[agency]:
            return None
        team.extend(Member(o, agency, True, r) for r, o in enumerate(ranked[: visit.need[agency]]))
    return team


def candidate_days(visit: Visit, team: list[Member], elig: Eligibility, seed: bytes, per_officer: int) -> list[int]:
    """Days on which the whole drawn team is usable, preferring each
    officer's hashed preference list for the visit's township."""
    common = common_days(elig, (m.inspector_id for m in team))
    if not common:
        return []
    preferred: set[int] = set()
    for m in team:
        own = sorted(elig.officer_days[m.inspector_id], key=lambda d: _h(seed, "day", m.inspector_id, visit.township, d))
        preferred.update([d for d in own if d in common][:per_officer])
    chosen = sorted(preferred)
    if len(chosen) < per_officer:
        rest = sorted(common - set(chosen), key=lambda d: _h(seed, "cand", visit.uscc, d))
        chosen += rest[: per_officer - len(chosen)]
    return sorted(chosen)


def place_drawn(
    visits: Sequence[Visit],
    teams: dict[str, list[Member]],
    candidates: dict[str, list[int]],
    caps: dict[str, int],
    settings: SolverSettings,
    start: dict[str, int],
    *,
    limits: DayLimits | None = None,
    fixed: frozenset[str] = frozenset(),
    on_event: OnEvent = ignore,
    stop: StopSignal | None = None,
) -> tuple[dict[str, int], dict[str, Any]]:
    """CP-SAT: a day for each team, or none.  Returns visit -> day.  Visits
    in *fixed* (pinned) keep their one candidate day.  A stop signal ends the
    model building or the search; the answer is then the best known.

    Lexicographic, in two solves: first (unplaced visits, uses); then, when
    the first is proved optimal, the busiest week's visits per working day
    (scaled to an integer) with the first's values held (:func:`_spread_phase`)."""
    limits = limits or DayLimits.none(max((d for c in candidates.values() for d in c), default=0) + 1)
    model = cp_model.CpModel()
    x: dict[tuple[str, int], cp_model.IntVar] = {}
    unplaced = []
    by_officer_day: dict[tuple[str, int], list[tuple[str, str]]] = {}
    for visit in visits:
        if visit.id not in teams:
            continue
        lits = []
        for d in candidates[visit.id]:
            var = model.new_bool_var(f"x_{visit.id}_{d}")
            x[(visit.id, d)] = var
            lits.append(var)
            for m in teams[visit.id]:
                by_officer_day.setdefault((m.inspector_id, d), []).append((visit.id, visit.township))
        u = model.new_bool_var(f"u_{visit.id}")
        model.add_exactly_one([*lits, u])
        if visit.id in fixed:
            model.add(u == 0)
        unplaced.append(u)
    uses: list[cp_model.IntVar] = []
    per_officer_town: dict[tuple[str, str], list[cp_model.IntVar]] = {}
    per_officer_period: dict[tuple[str, str, int], list[cp_model.IntVar]] = {}
    for n, ((officer, d), rows) in enumerate(sorted(by_officer_day.items())):
        if n % 2000 == 0:
            check_stop(stop)
            if stop is not None and stop.requested:
                return dict(start), {"status": "NOT_SOLVED", "result": "constructive start (stopped before CP-SAT)"}
        model.add(sum(x[(vid, d)] for vid, _ in rows) <= caps[officer])
        towns = sorted({t for _, t in rows})
        y = {t: model.new_bool_var(f"y_{officer}_{d}_{t}") for t in towns}
        for t, var in y.items():  # complete the hint: the officer is there if a hinted visit is
            model.add_hint(var, any(start.get(vid) == d and vt == t for vid, vt in rows))
        for vid, t in rows:
            model.add_implication(x[(vid, d)], y[t])
        model.add_at_most_one(y.values())
        uses.extend(y.values())
        per_officer_period.setdefault((officer, "week", limits.week[d]), []).extend(y.values())
        if limits.per_month is not None:
            per_officer_period.setdefault((officer, "month", limits.month[d]), []).extend(y.values())
        for t, var in y.items():
            per_officer_town.setdefault((officer, t), []).append(var)
    # A valid cut that gives the solver a real bound: an officer's visits in
    # a township need at least ceil(visits / cap) days there.
    unplaced_of = {v.id: u for v, u in zip((v for v in visits if v.id in teams), unplaced, strict=True)}
    township = {v.id: v.township for v in visits}
    for (officer, t), ys in sorted(per_officer_town.items()):
        mine = [vid for vid, team in teams.items() if township[vid] == t and any(m.inspector_id == officer for m in team)]
        model.add(caps[officer] * sum(ys) >= sum(1 - unplaced_of[vid] for vid in mine))
        for vid in mine:  # one placed visit there already needs one day there
            model.add_bool_or([*ys, unplaced_of[vid]])
    for (_officer, period, _k), ys in sorted(per_officer_period.items()):  # the workload rule
        limit = limits.per_week if period == "week" else limits.per_month
        if limit is not None and len(ys) > limit:
            model.add(sum(ys) <= limit)
    hint_objective = _hint(model, start, teams, x, unplaced_of)
    model.minimize(UNPLACED_WEIGHT * sum(unplaced) + sum(uses))
    on_event(SolveEvent(Phase.CP_SAT, f"  CP-SAT 模型: {len(x):,} 个日期变量, {len(uses):,} 个人日乡镇变量, "
                        f"{len(unplaced):,} 户 (variables)", visits=len(unplaced), placed=len(start),
                        best_objective=hint_objective))
    solver = cp_model.CpSolver()
    for name, value in settings.parameters().items():
        setattr(solver.parameters, name, value)
    # CP-SAT's own Ctrl-C handler would leave SIGINT at its default action
    # after the solve (the next Ctrl-C kills the process, staging folders
    # and all); the stop signal does its job instead.
    solver.parameters.catch_sigint_signal = False
    status = _solve_stoppable(solver, model, len(unplaced), on_event, stop)
    check_stop(stop)
    info = {
        "status": solver.status_name(status),
        "objective": solver.objective_value if status in (cp_model.OPTIMAL, cp_model.FEASIBLE) else None,
        "best_bound": solver.best_objective_bound if status in (cp_model.OPTIMAL, cp_model.FEASIBLE) else None,
        "variables": len(x) + len(uses) + len(unplaced),
        "hint_objective": hint_objective,
    }
    chosen: dict[str, int] = {}
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE) and solver.objective_value <= hint_objective:
        for (vid, d), var in sorted(x.items()):
            if solver.value(var):
                chosen[vid] = d
        info["result"] = "cp-sat"
        if status == cp_model.OPTIMAL and not (stop is not None and stop.requested):
            chosen, info["spread"] = _spread_phase(model, solver, x, unplaced, uses, limits, settings, stop, chosen)
    else:  # never worse than the constructive start
        chosen = dict(start)
        info["result"] = "constructive start (CP-SAT found nothing better in its limit)"
    return chosen, info


def _spread_phase(model: cp_model.CpModel, first: cp_model.CpSolver, x: dict[tuple[str, int], cp_model.IntVar],
                  unplaced: list[cp_model.IntVar], uses: list[cp_model.IntVar], limits: DayLimits,
                  settings: SolverSettings, stop: StopSignal | None, chosen: dict[str, int]) -> tuple[dict[str, int], str]:
    """The third tier: with unplaced visits and uses held at the first
    solve's optimum, minimise the busiest week's visits per working day,
    ``Z ≥ visits_w × L / working_days_w`` with ``L`` the least common multiple
    of the weeks' working days.  Returns the new days, or *chosen* when the
    second solve finds nothing in its limit."""
    budget = settings.spread_time if settings.audit else min(settings.spread_time, settings.time_limit - first.wall_time)
    if budget < 0.2:  # fast mode: the time limit covers both solves
        return chosen, "skipped (the time limit was used by the first solve)"
    model.add(sum(unplaced) <= round(sum(first.value(u) for u in unplaced)))
    model.add(sum(uses) <= round(sum(first.value(y) for y in uses)))
    model.clear_hints()
    for var in x.values():
        model.add_hint(var, bool(first.value(var)))
    scale = math.lcm(*limits.week_days)
    per_week: dict[int, list[cp_model.IntVar]] = {}
    for (_vid, d), var in x.items():
        per_week.setdefault(limits.week[d], []).append(var)
    z = model.new_int_var(0, scale * len(unplaced), "busiest_week")
    for w, xs in per_week.items():
        model.add(sum(xs) * (scale // limits.week_days[w]) <= z)
    model.minimize(z)
    solver = cp_model.CpSolver()
    for name, value in settings.parameters().items():
        setattr(solver.parameters, name, value)
    if settings.audit:
        solver.parameters.max_deterministic_time = budget
    else:
        solver.parameters.max_time_in_seconds = budget
    solver.parameters.catch_sigint_signal = False
    status = _solve_stoppable(solver, model, len(unplaced), ignore, stop)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return chosen, f"{solver.status_name(status)} (kept the first solve's days)"
    return {vid: d for (vid, d), var in sorted(x.items()) if solver.value(var)}, solver.status_name(status)


def cluster_days(
    visits: Sequence[Visit], teams: dict[str, list[Member]], elig: Eligibility, caps: dict[str, int],
    *, limits: DayLimits | None = None, fixed: Mapping[str, int] | None = None, hints: Mapping[str, int] | None = None,
    stop: StopSignal | None = None,
) -> dict[str, int]:
    """A constructive placement that aims at the lower bound.

    In each township, visits linked by a shared drawn officer form a
    component; a component placed on one day costs each of its officers a
    single officer-day there.  Components (largest first) get the earliest
    day, among those adding the fewest new uses, on which all their officers
    are usable and free (not in another township, under their cap, within
    the workload rule's days per week and month); among days adding equally
    few uses, the one whose week holds the fewest visits per working day
    (spreading the round over its window), then the earliest.
    A component that fits no day (a township's giant component, whose many
    officers are never all free together) is split officer by officer: the
    officer with the most remaining visits there gets them placed together,
    as many as fit one day, and so on."""
    township = {v.id: v.township for v in visits}
    # An officer links visits within one township only: key by both.
    keys = {vid: [f"{m.inspector_id}\x1f{township[vid]}" for m in team] for vid, team in teams.items()}
    components = sorted(linked_groups(sorted(teams), keys), key=lambda g: (-len(g), g[0]))
    limits = limits or DayLimits.none(len(elig.days))
    occ = Occupancy(caps, limits)
    spread = Spread(limits)
    placed: dict[str, int] = {}
    fixed = fixed or {}

    def commit(vid: str, d: int) -> None:
        placed[vid] = d
        occ.add([m.inspector_id for m in teams[vid]], d, township[vid])
        spread.add(d)

    def free_days(group: list[str]) -> set[int]:
        """Days on which the whole group can be placed together."""
        need: dict[str, int] = {}
        for vid in group:
            for m in teams[vid]:
                need[m.inspector_id] = need.get(m.inspector_id, 0) + 1
        if any(n > caps[o] for o, n in need.items()):
            return set()
        t = township[group[0]]
        days = common_days(elig, need)
        return {d for d in days if all(occ.free(o, d, t, n) for o, n in need.items())}

    def place(group: list[str], days: set[int]) -> None:
        officers = {m.inspector_id for vid in group for m in teams[vid]}
        d = min(days, key=lambda d: (sum(occ.new_use(o, d) for o in officers), spread.pressure(d, len(group)), d))
        for vid in group:
            commit(vid, d)

    for vid, d in sorted(fixed.items()):  # pinned visits first, where they are
        commit(vid, d)
    for vid, d in sorted((hints or {}).items()):  # then the previous plan's days, where every rule still holds
        if vid not in placed and d in free_days([vid]):
            commit(vid, d)
    fixed = dict(placed)
    for component in components:
        check_stop(stop)
        if stop is not None and stop.requested:
            break
        members = [vid for vid in component if vid not in fixed]
        if not members:
            continue
        days = free_days(members)
        if days:
            place(members, days)
            continue
        # Too big or too busy for one day (a township's giant component):
        # officer by officer, most remaining visits first, keep each
        # officer's visits here together on as few days as possible.
        remaining = list(members)
        while remaining and not (stop is not None and stop.requested):
            counts: dict[str, int] = {}
            for vid in remaining:
                for m in teams[vid]:
                    counts[m.inspector_id] = counts.get(m.inspector_id, 0) + 1
            officer = min(counts, key=lambda o: (-counts[o], o))
            mine = [vid for vid in remaining if any(m.inspector_id == officer for m in teams[vid])]
            group: list[str] = []
            group_days: set[int] = set()
            for vid in mine:
                check_stop(stop)
                trial = free_days([*group, vid])
                if trial:
                    group, group_days = [*group, vid], trial
            if group:
                place(group, group_days)
            for vid in group or mine[:1]:
                remaining.remove(vid)
    return placed


def add_merge_days(visits: Sequence[Visit], teams: dict[str, list[Member]], elig: Eligibility, start: dict[str, int],
                   candidates: dict[str, list[int]], fixed: frozenset[str] = frozenset()) -> None:
    """Candidates also hold the start's day and the days of the visits that
    share an officer and a township (the days that would merge them); a
    pinned visit (*fixed*) keeps its one day."""
    township = {v.id: v.township for v in visits}
    groups: dict[tuple[str, str], set[int]] = {}
    for vid, d in start.items():
        for m in teams[vid]:
            groups.setdefault((m.inspector_id, township[vid]), set()).add(d)
    for vid in candidates:
        if vid in fixed:
            continue
        extra = {start[vid]} if vid in start else set()
        for m in teams[vid]:
            extra |= groups.get((m.inspector_id, township[vid]), set())
        usable = common_days(elig, (m.inspector_id for m in teams[vid]))
        candidates[vid] = sorted(set(candidates[vid]) | (extra & usable))


def _hint(model: cp_model.CpModel, start: dict[str, int], teams: dict[str, list[Member]],
          x: dict[tuple[str, int], cp_model.IntVar], unplaced: dict[str, cp_model.IntVar]) -> int:
    """Hint the constructive placement (:func:`cluster_days`); returns its
    objective value."""
    placed = start
    uses = {(m.inspector_id, d) for vid, d in placed.items() for m in teams[vid]}
    for (vid, d), var in x.items():
        model.add_hint(var, placed.get(vid) == d)
    for vid, var in unplaced.items():
        model.add_hint(var, vid not in placed)
    return UNPLACED_WEIGHT * (len(unplaced) - len(placed)) + len(uses)


def polish(
    visits: Sequence[Visit],
    teams: dict[str, list[Member]],
    elig: Eligibility,
    caps: dict[str, int],
    placed: dict[str, int],
    passes: int = 6,
    *,
    limits: DayLimits | None = None,
    fixed: frozenset[str] = frozenset(),
    week_share: float | None = None,
    stop: StopSignal | None = None,
) -> dict[str, int]:
    """Local search on (officer-day-township uses, then spread), every hard
    rule kept, and, with *week_share*, no move into a week that already holds
    that multiple of its even share.

    Moves, accepted only when they strictly reduce the uses, or keep them and
    strictly reduce the spread measure (:class:`Spread`): (a) gather all of
    one officer's visits in a township onto one day (one of their days, or a
    day of the two least pressed weeks; any usable day when the window is
    one week to the measure, as for a township planned alone); (b) move one visit to
    another day: a day where one of its officers already is in its township,
    or a day of the two least pressed weeks.  Deterministic: fixed orders,
    first improvement."""
    limits = limits or DayLimits.none(len(elig.days))
    township = {v.id: v.township for v in visits}
    officers = {vid: [m.inspector_id for m in team] for vid, team in teams.items()}
    usable = {vid: sorted(common_days(elig, officers[vid])) for vid in teams}
    placed = dict(placed)
    occ = Occupancy(caps, limits)
    spread = Spread(limits) if week_share is None else Spread.capped(limits, len(placed), week_share)
    for vid, d in sorted(placed.items()):
        occ.add(officers[vid], d, township[vid])
        spread.add(d)
    groups: dict[tuple[str, str], list[str]] = {}
    for vid in sorted(placed):
        for o in officers[vid]:
            groups.setdefault((o, township[vid]), []).append(vid)

    def try_move(vids: list[str], day: int) -> bool:
        """Move *vids* (one township) to *day* if that lowers (uses, spread)."""
        if fixed.intersection(vids):
            return False
        if spread.room(day) < sum(limits.week[placed[v]] != limits.week[day] for v in vids):
            return False
        touched = {o for v in vids for o in officers[v]}
        before = occ.uses(touched)
        old = {v: placed[v] for v in vids}
        for v in vids:
            occ.remove(officers[v], old[v])
        need: dict[str, int] = {}
        for v in vids:
            for o in officers[v]:
                need[o] = need.get(o, 0) + 1
        t = township[vids[0]]
        ok = all(day in usable[v] for v in vids) and all(occ.free(o, day, t, n) for o, n in need.items())
        if ok:
            for v in vids:
                occ.add(officers[v], day, t)
            after = occ.uses(touched)
            if after < before or (after == before and sum(spread.delta(old[v], day) for v in vids) < -1e-9):
                for v in vids:
                    spread.move(old[v], day)
                    placed[v] = day
                return True
            for v in vids:
                occ.remove(officers[v], day)
        for v in vids:
            occ.add(officers[v], old[v], t)
        return False

    for _ in range(passes):
        improved = False
        for n, (_group, vids) in enumerate(sorted(groups.items())):
            if n % 200 == 0:
                check_stop(stop)
                if stop is not None and stop.requested:
                    return placed
            days = sorted({placed[v] for v in vids})
            if len(days) > 1:
                others = spread.lightest_days(usable[vids[0]]) if len(limits.week_days) > 1 else usable[vids[0]]
                for d in days + [d for d in others if d not in days]:
                    if try_move(list(vids), d):
                        improved = True
                        break
        for n, vid in enumerate(sorted(placed)):
            if n % 200 == 0:
                check_stop(stop)
                if stop is not None and stop.requested:
                    return placed
            current, t = placed[vid], township[vid]
            near = {d for d in usable[vid] for o in officers[vid] if occ.town.get((o, d)) == t}
            for d in sorted(near | set(spread.lightest_days(usable[vid]))):
                if d != current and try_move([vid], d):
                    improved = True
                    break
        if not improved:
            break
    return placed


def township_start(visits: Sequence[Visit], teams: dict[str, list[Member]], elig: Eligibility, caps: dict[str, int],
                   limits: DayLimits, *, fixed: Mapping[str, int], hints: Mapping[str, int] | None = None,
                   week_share: float | None = None, stop: StopSignal | None = None) -> dict[str, int]:
    """The start of a large round (:mod:`scheduler.assign.townships`): each
    township planned on its own by :func:`cluster_days` and :func:`polish`,
    then its classes placed together; *fixed* (pinned) visits first, where
    they are, then *hints* (the previous plan's days) where they still fit."""
    officers = {vid: [m.inspector_id for m in team] for vid, team in teams.items()}
    township = {v.id: v.township for v in visits}
    alone: dict[str, int] = {}
    for t in sorted({v.township for v in visits}):
        check_stop(stop)
        mine = [v for v in visits if v.township == t and v.id in teams and v.id not in fixed]
        sub = {v.id: teams[v.id] for v in mine}
        # Alone, days are only labels (the placement below chooses the real
        # ones, under the workload rule and spreading the weeks), so first-fit
        # packs each officer's visits onto as few days as it can.
        first = cluster_days(mine, sub, elig, caps, stop=stop)
        alone.update(polish(mine, sub, elig, caps, first, stop=stop))
    usable = {vid: frozenset(common_days(elig, officers[vid])) for vid in teams}
    return place_classes(classes(alone, township, officers), township, officers, usable, caps, limits, len(elig.days),
                         fixed=fixed, hints=hints, week_share=week_share, stop=stop)


def repair(visit: Visit, elig: Eligibility, occ: Occupancy) -> tuple[int, list[Member]] | None:
    """The day and team closest to the draw for a visit the CP-SAT step did
    not place: (non-drawn officers, rank sum, new uses, day) minimal."""
    best: tuple[tuple[int, int, int, int], int, list[Member]] | None = None
    for d in range(len(elig.days)):
        team: list[Member] = []
        for agency in visit.agencies:
            need = visit.need[agency]
            picked = []
            for r, o in enumerate(elig.ranking[(visit.id, agency)]):
                if d in elig.officer_days[o] and occ.free(o, d, visit.township):
                    picked.append(Member(o, agency, r < need, r))
                    if len(picked) == need:
                        break
            if len(picked) < need:
                break
            team.extend(picked)
        else:
            key = (sum(not m.drawn for m in team), sum(m.rank for m in team),
                   sum(occ.new_use(m.inspector_id, d) for m in team), d)
            if best is None or key < best[0]:
                best = (key, d, team)
    return None if best is None else (best[1], best[2])


def check_stop(stop: StopSignal | None) -> None:
    """Raise :class:`Cancelled` when the signal says cancel."""
    if stop is not None and stop.mode is StopMode.CANCEL:
        raise Cancelled


class _Progress(cp_model.CpSolverSolutionCallback):
    """Reports each improving CP-SAT solution as an event."""

    def __init__(self, visits: int, on_event: OnEvent) -> None:
        super().__init__()
        self.visits, self.on_event = visits, on_event

    def on_solution_callback(self) -> None:
        self.on_event(SolveEvent(Phase.CP_SAT, f"  CP-SAT 找到更好的方案：目标值 {self.objective_value:,.0f}，"
                                 f"下界 {self.best_objective_bound:,.0f}", visits=self.visits,
                                 best_objective=self.objective_value, bound=self.best_objective_bound))


def _solve_stoppable(solver: cp_model.CpSolver, model: cp_model.CpModel, visits: int, on_event: OnEvent,
                     stop: StopSignal | None) -> Any:
    """``solver.solve``, with a watcher thread that stops the search as soon
    as the stop signal is set (CP-SAT answers within a fraction of a second)."""
    done = threading.Event()

    def watch() -> None:
        while not done.is_set():
            if stop is not None and stop.wait(0.05):
                solver.stop_search()
                return
            if stop is None:
                return

    watcher = threading.Thread(target=watch, name="cp-sat-stop", daemon=True)
    watcher.start()
    try:
        return solver.solve(model, _Progress(visits, on_event))
    finally:
        done.set()
        watcher.join()


def _number(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) else None


@dataclass(frozen=True, slots=True)
class Fixed:
    """A pinned visit: its day (index into the window's working days) and team."""

    day: int
    team: tuple[Member, ...]


def solve(
    visits: Sequence[Visit],
    elig: Eligibility,
    officers: Sequence[Inspector],
    seed: bytes,
    settings: SolverSettings,
    *,
    fixed: Mapping[str, Fixed] | None = None,
    hints: Mapping[str, int] | None = None,
    limits: DayLimits | None = None,
    on_event: OnEvent = ignore,
    stop: StopSignal | None = None,
) -> Schedule:
    """The stages in order: drawn teams, constructive start (pinned visits
    first, then *hints*, e.g. the previous plan's days), local search,
    CP-SAT, repair.  A stop signal set to *finish* skips to the end with the
    best placement so far; visits not placed then are reported unassigned.
    Raises :class:`~scheduler.assign.events.Cancelled` on *cancel*."""
    fixed = fixed or {}
    caps = {o.id: o.max_visits_per_day for o in officers}
    visits = sorted(visits, key=lambda v: v.id)
    use_cp_sat = len(visits) <= settings.cp_sat_max_visits
    teams: dict[str, list[Member]] = {}
    candidates: dict[str, list[int]] = {}
    for k, visit in enumerate(visits):
        if k % 200 == 0:
            check_stop(stop)
            if stop is not None and stop.requested:
                break  # the visits after this one stay unplaced: reported unassigned
        if visit.id in fixed:
            teams[visit.id], candidates[visit.id] = list(fixed[visit.id].team), [fixed[visit.id].day]
            continue
        team = drawn_team(visit, elig)
        if team is None:
            continue
        if not use_cp_sat:  # candidate days only feed the CP-SAT model; a common usable day is what counts
            if common_days(elig, (m.inspector_id for m in team)):
                teams[visit.id], candidates[visit.id] = team, []
            continue
        days = candidate_days(visit, team, elig, seed, settings.candidate_days)
        if days:
            teams[visit.id], candidates[visit.id] = team, days
    n = len(visits)
    on_event(SolveEvent(Phase.CONSTRUCT, f"第二个随机：抽取执法人员 (officer draw): {len(teams):,}/{n:,} 户的抽中人员有共同可用日",
                        visits=n))
    start_fixed = {vid: f.day for vid, f in fixed.items()}
    for vid, d in sorted((hints or {}).items()):  # warm start: keep a hinted day while the team can go then
        if vid in teams and vid not in start_fixed and all(d in elig.officer_days[m.inspector_id] for m in teams[vid]):
            start_fixed[vid] = d
            candidates[vid] = sorted({*candidates[vid], d})
    limits = limits or DayLimits.none(len(elig.days))
    pinned = {vid: f.day for vid, f in fixed.items()}
    hinted = {vid: d for vid, d in start_fixed.items() if vid not in pinned}
    if use_cp_sat:
        start = cluster_days(visits, teams, elig, caps, limits=limits, fixed=pinned, hints=hinted, stop=stop)
    else:
        start = township_start(visits, teams, elig, caps, limits, fixed=pinned, hints=hinted,
                               week_share=settings.week_share, stop=stop)
    start = polish(visits, teams, elig, caps, start, limits=limits, fixed=frozenset(fixed),
                   week_share=None if use_cp_sat else settings.week_share, stop=stop)
    if use_cp_sat:
        add_merge_days(visits, teams, elig, start, candidates, frozenset(fixed))
    on_event(SolveEvent(Phase.LOCAL_SEARCH, f"  构造初始方案并局部改进 (constructive start + local search): {len(start):,} 户",
                        visits=n, placed=len(start)))
    check_stop(stop)
    if stop is not None and stop.requested:
        chosen, info = dict(start), {"status": "NOT_SOLVED", "result": "constructive start (stopped early)"}
    elif not use_cp_sat:
        chosen, info = dict(start), {"status": "NOT_SOLVED", "result": f"township start + local search "
                                     f"({n:,} visits > cp_sat_max_visits {settings.cp_sat_max_visits:,})"}
    else:
        chosen, info = place_drawn(visits, teams, candidates, caps, settings, start, limits=limits,
                                   fixed=frozenset(fixed), on_event=on_event, stop=stop)
    on_event(SolveEvent(Phase.CP_SAT, f"  CP-SAT {info['status']}: 按抽取结果安排 {len(chosen):,} 户", visits=n,
                        placed=len(chosen), best_objective=_number(info.get("objective")), bound=_number(info.get("best_bound"))))
    result = Schedule(solver=info)
    occ = Occupancy(caps, limits)
    township = {v.id: v.township for v in visits}
    for vid, d in sorted(chosen.items()):
        result.assignments[vid] = Assignment(vid, d, teams[vid])
        occ.add([m.inspector_id for m in teams[vid]], d, township[vid])
    repaired = 0
    for k, visit in enumerate(visits):
        if visit.id in result.assignments:
            continue
        if k % 50 == 0:
            check_stop(stop)
        found = None if stop is not None and stop.requested else repair(visit, elig, occ)
        if found is None:
            result.unassigned[visit.id] = ["求解被提前结束，本户尚未安排"] if stop is not None and stop.requested else []
            continue
        d, team = found
        result.assignments[visit.id] = Assignment(visit.id, d, team)
        occ.add([m.inspector_id for m in team], d, visit.township)
        repaired += 1
    if stop is not None and stop.requested:
        result.solver["stopped"] = "finish"
    on_event(SolveEvent(Phase.REPAIR, f"  调整 (repair): {repaired:,} 户替换或改期，{len(result.unassigned):,} 户无法安排",
                        visits=n, placed=len(result.assignments), unassigned=len(result.unassigned)))
    return result
