"""Today's "double random" procedure, as a baseline to measure OneVisit against.

Issue 11 item 3: the way the production platforms work (the research notes
on them are in the shared reference folder, domain-rules.md), implemented
honestly.  A reference
for benchmarks only, never used by the product (hence not under scheduler/).

- **Targets**: each agency draws on its own.  Its population is exactly
  OneVisit's: the union of the frames (:func:`scheduler.draw.frame.build_frames`:
  active status, cool-down, yearly cap, the items' target tags) of the
  agency's items in the round, so sample sizes are comparable.  The list is
  ordered by "registration office", taken as (township, USCC).  Systematic
  sampling: interval ``k = N / n``, random start ``s`` in ``[0, k)``, the
  firms at positions ``floor(s + i·k)`` for ``i < n``.
- **No merging**: one visit per (agency, firm), even when two agencies pick
  the same firm.  Visit id ``<round key>-<USCC>-<agency>``.  The visit's
  items are the agency's round items whose frame holds the firm.
- **Officers**: the agency's inspectors in roster order, round-robin from a
  random offset, ``team_size`` per visit (visit ``j`` gets roster positions
  ``offset + j·team_size + t``, mod the roster, ``t < team_size``); the first
  is 带队.  No 回避, certificate, qualification, leave or home-township check.
- **Dates**: the platforms do not schedule days.  Assumed: an agency's
  visits, in list order, go round-robin over the window's working days
  (``inputs.calendar``), visit ``j`` on working day ``j mod D``.
- **Randomness**: one ``numpy`` Generator per agency, seeded by
  ``(seed, agency code bytes)``; it draws the start, then the offset.

Plan fields without a baseline meaning: ``drawn`` is false and ``rank`` is
the officer's roster position (no officer draw); ``as_drawn_share`` and
``drawn_officer_share`` are 0; the lower bounds are 0 (trivially valid) and
``gap_to_bound`` 0; ``audit.draw_manifest_sha256`` is empty (no published
draw).  ``officer_day_township_uses`` and ``workload`` are counted.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

import numpy as np

from scheduler import __version__
from scheduler.domain import Inspector
from scheduler.draw.frame import build_frames
from scheduler.draw.published import PublishedDraw
from scheduler.draw.rule import build_rule
from scheduler.draw.run import DrawResult
from scheduler.io import Inputs
from scheduler.plan import Plan, round_key
from scheduler.planfile import FORMAT, to_json


def agency_rng(seed: int, agency: str) -> np.random.Generator:
    return np.random.default_rng([seed, *agency.encode("utf-8")])


def populations(inputs: Inputs) -> dict[str, list[tuple[str, str, tuple[str, ...]]]]:
    """Per agency, its population as (township, USCC, item codes), ordered by
    township then USCC (the "registration office" order)."""
    if inputs.round is None:
        raise ValueError("baseline needs a round (round.toml)")
    rule = build_rule(inputs.round, inputs.dataset)
    frames = build_frames(rule, inputs.dataset.enterprises, inputs.dataset.history)
    ent = inputs.dataset.enterprises
    township = dict(zip(ent["uscc"], ent["township"], strict=True))
    per: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for item in rule.items:
        for code in frames.uscc[frames.members[item.code]]:
            per[item.agency][code.decode()].append(item.code)
    return {a: sorted((township[u], u, tuple(sorted(i))) for u, i in firms.items()) for a, firms in sorted(per.items())}


def systematic_positions(population: int, n: int, rng: np.random.Generator) -> list[int]:
    """``floor(s + i·k)`` for ``i < n``, ``k = N / n``, ``s`` uniform in ``[0, k)``."""
    if n > population:
        raise ValueError(f"sample {n} larger than population {population}")
    if n <= 0:
        return []
    k = population / n
    start = rng.uniform(0, k)
    return [min(int(np.floor(start + i * k)), population - 1) for i in range(n)]


def _team(roster: list[Inspector], first: int, size: int) -> list[dict[str, Any]]:
    picks = list(dict.fromkeys((first + t) % len(roster) for t in range(size)))
    return [{"inspector_id": roster[p].id, "name": roster[p].name, "agency": roster[p].agency,
             "role": "带队" if n == 0 else "成员", "drawn": False, "rank": p} for n, p in enumerate(picks)]


def baseline_plan(inputs: Inputs, per_agency: Mapping[str, int], seed: int, *, team_size: int = 2) -> dict[str, Any]:
    """The baseline's plan document (``onevisit-plan-v2``), for
    :func:`scheduler.app.scheduling.check`.  ``per_agency``: agency code ->
    number of firms; agencies not listed draw none."""
    assert inputs.round is not None
    rnd = inputs.round
    days = inputs.calendar.workdays(rnd.start, rnd.end)
    if not days:
        raise ValueError("the round's window has no working day")
    pops = populations(inputs)
    names = dict(zip(inputs.dataset.enterprises["uscc"], inputs.dataset.enterprises["name"], strict=True))
    key = round_key(rnd.name, rnd.code)
    visits: list[dict[str, Any]] = []
    for agency, n in sorted(per_agency.items()):
        pop = pops.get(agency, [])
        roster = [i for i in inputs.dataset.inspectors if i.agency == agency]
        rng = agency_rng(seed, agency)
        chosen = [pop[p] for p in systematic_positions(len(pop), n, rng)]
        if chosen and not roster:
            raise ValueError(f"agency {agency} has no inspectors")
        offset = int(rng.integers(len(roster))) if roster else 0
        for j, (township, uscc, items) in enumerate(chosen):
            visits.append({"visit_id": f"{key}-{uscc}-{agency}", "uscc": uscc, "name": names[uscc],
                           "township": township, "items": list(items), "agencies": [agency],
                           "date": days[j % len(days)].isoformat(),
                           "team": _team(roster, offset + j * team_size, team_size), "revision": 0})
    visits.sort(key=lambda v: v["visit_id"])
    return {"format": FORMAT, "version": 1,
            "round": {"name": rnd.name, "code": rnd.code,
                      "window": {"start": rnd.start.isoformat(), "end": rnd.end.isoformat()},
                      "lead_agency": rnd.lead_agency, "avoid_home_township": rnd.avoid_home_township,
                      "min_team_size": 2},
            "visits": visits, "unassigned": [], "withdrawn": [],
            "statistics": _statistics(visits, inputs),
            "audit": {"draw_manifest_sha256": "", "seed": str(seed),
                      "solver": {"name": "baseline-systematic-round-robin", "team_size": team_size},
                      "versions": {"onevisit": __version__}}}


def _statistics(visits: list[dict[str, Any]], inputs: Inputs) -> dict[str, Any]:
    uses = {(m["inspector_id"], v["date"], v["township"]) for v in visits for m in v["team"]}
    loads: dict[str, int] = defaultdict(int)
    for v in visits:
        for m in v["team"]:
            loads[m["inspector_id"]] += 1
    workload = {}
    for agency in sorted({a for v in visits for a in v["agencies"]}):
        counts = [loads[i.id] for i in inputs.dataset.inspectors if i.agency == agency]
        workload[agency] = {"officers": len(counts), "min": min(counts), "max": max(counts),
                            "mean": round(sum(counts) / len(counts), 3)}
    return {"visits": len(visits), "assigned": len(visits), "unassigned": 0,
            "as_drawn_share": 0.0, "drawn_officer_share": 0.0, "officer_day_township_uses": len(uses),
            "lower_bound_uses_given_teams": 0, "gap_to_bound": 0.0, "lower_bound_uses_any_teams": 0,
            "lower_bound_officer_days": {}, "workload": workload, "shortages": []}


def per_agency_sizes(draw_or_plan: PublishedDraw | DrawResult | Plan | Mapping[str, Any], inputs: Inputs) -> dict[str, int]:
    """Distinct enterprises per agency in OneVisit's draw (a published or
    fresh draw: its selection rows item, agency, USCC) or in a plan (its
    scheduled and unassigned visits)."""
    agency_of = {i.code: i.agency for i in inputs.dataset.items}
    firms: dict[str, set[str]] = defaultdict(set)
    if isinstance(draw_or_plan, DrawResult):
        draw_or_plan = PublishedDraw.from_result(draw_or_plan)
    if isinstance(draw_or_plan, PublishedDraw):
        agency_of.update({i.code: i.agency for i in draw_or_plan.rule.items})
        for uscc, items in draw_or_plan.selection.items():
            for item in items:
                firms[agency_of[item]].add(uscc)
    else:
        doc = to_json(draw_or_plan) if isinstance(draw_or_plan, Plan) else draw_or_plan
        for v in [*doc.get("visits", []), *doc.get("unassigned", [])]:
            for agency in v["agencies"]:
                firms[agency].add(v["uscc"])
    return {a: len(u) for a, u in sorted(firms.items())}
