"""The solver's entry point, in the spirit of PyVRP's ``solve(data, stop, …)``:

    schedule(problem, settings, *, previous=None, pinned=(), on_event=…, stop=…) -> Plan | None

- ``problem`` is the typed instance (:func:`scheduler.assign.problem.build_problem`);
- ``previous`` is an earlier plan of the same round: its days warm-start the
  search where its teams are still the drawn ones, and the new plan is its
  next version, with each visit's revision and the withdrawn calendar events;
- ``pinned`` are visit ids of ``previous`` that keep their day and team;
- ``on_event`` receives structured :class:`~scheduler.assign.events.SolveEvent`;
- ``stop`` ends the solve early: *finish* returns the best plan so far,
  *cancel* returns ``None``.
"""

from __future__ import annotations

from collections.abc import Iterable

from scheduler.assign.capacity import check_capacity
from scheduler.assign.events import Cancelled, OnEvent, Phase, SolveEvent, StopSignal, ignore, poll_before_any_plan
from scheduler.assign.plan import make_plan
from scheduler.assign.problem import Problem
from scheduler.assign.solver import DayLimits, Fixed, Member, SolverSettings, check_stop, solve
from scheduler.plan import Plan


class PinError(ValueError):
    """A pinned visit cannot be kept as it was; the message is for people."""


def pinned_visits(problem: Problem, previous: Plan | None, pinned: Iterable[str]) -> dict[str, Fixed]:
    """The day and team of each pinned visit, checked against the problem."""
    wanted = sorted(set(pinned))
    if wanted and previous is None:
        raise PinError("固定检查安排需要上一版安排结果 (pinned visits need the previous plan)")
    elig = problem.eligibility
    index = {d: k for k, d in enumerate(elig.days)}
    ours = {v.id for v in problem.visits}
    out: dict[str, Fixed] = {}
    problems = []
    for vid in wanted:
        before = previous.visit(vid) if previous is not None else None
        if before is None or vid not in ours:
            problems.append(f"{vid}：上一版安排中没有这户的检查安排，无法固定")
            continue
        day = index.get(before.date)
        if day is None:
            problems.append(f"{vid}：{before.date} 不是本轮次实施期限内的工作日，无法固定")
            continue
        for m in before.team:
            usable = elig.officer_days.get(m.inspector_id)
            if usable is None:
                problems.append(f"{vid}：执法人员 {m.inspector_id} 已不在执法检查人员名录库中")
            elif day not in usable:
                problems.append(f"{vid}：执法人员 {m.inspector_id} {before.date} 不可用（请假或执法证到期）")
        out[vid] = Fixed(day, tuple(Member(m.inspector_id, m.agency, m.drawn, m.rank) for m in before.team))
    if problems:
        raise PinError("\n".join(problems))
    return out


def schedule(
    problem: Problem,
    settings: SolverSettings,
    *,
    previous: Plan | None = None,
    pinned: Iterable[str] = (),
    on_event: OnEvent = ignore,
    stop: StopSignal | None = None,
) -> Plan | None:
    """Schedule *problem*; see the module docstring."""
    try:
        fixed = pinned_visits(problem, previous, pinned)
        names = problem.agency_names
        n = len(problem.visits)
        on_event(SolveEvent(Phase.OFFICER_DRAW, f"读取抽取结果 (draw): {n:,} 户，{len(problem.eligibility.days)} 个工作日，"
                            f"{len(problem.inspectors)} 名执法人员", visits=n))
        shortages = check_capacity(problem.visits, problem.eligibility, problem.inspectors, stop=poll_before_any_plan(stop))
        for s in shortages:
            on_event(SolveEvent(Phase.CAPACITY, "  人员不足 (capacity): " + s.message(names), visits=n))
        check_stop(stop)
        hints = {}
        if previous is not None:
            index = {d: k for k, d in enumerate(problem.eligibility.days)}
            hints = {v.visit_id: index[v.date] for v in previous.visits if v.date in index}
        limits = DayLimits.of(problem.eligibility.days, problem.round.workload)
        sched = solve(problem.visits, problem.eligibility, problem.inspectors, problem.seed, settings,
                      fixed=fixed, hints=hints, limits=limits, on_event=on_event, stop=stop)
        plan = make_plan(problem, sched, shortages, settings, previous)
    except Cancelled:
        on_event(SolveEvent(Phase.STOPPED, "求解已停止，未保留任何安排 (stopped: nothing kept)", visits=len(problem.visits)))
        return None
    st = plan.statistics
    on_event(SolveEvent(Phase.DONE, f"安排完成：{st.assigned:,}/{st.visits:,} 户", visits=st.visits, placed=st.assigned,
                        unassigned=st.unassigned))
    return plan
