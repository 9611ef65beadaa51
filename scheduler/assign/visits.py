"""Visits to schedule: one per drawn enterprise, from a published draw folder.

A visit needs, for each agency whose items it carries, the largest
``officers`` among those items, and the union of their qualifications; the
team has at least ``MIN_TEAM`` officers in total (行政处罚法 第四十二条).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from scheduler.domain import Dataset, Round
from scheduler.plan import visit_id
from scheduler.vocabulary import MIN_TEAM_SIZE as MIN_TEAM


@dataclass(frozen=True, slots=True)
class Visit:
    id: str
    uscc: str
    name: str
    township: str
    items: tuple[str, ...]
    agencies: tuple[str, ...]  # sorted codes
    need: dict[str, int]  # agency -> officers required
    quals: dict[str, frozenset[str]]  # agency -> qualifications every officer of it must hold

    @property
    def team_size(self) -> int:
        return sum(self.need.values())


def team_needs(items: list[str], dataset: Dataset, lead: str) -> tuple[dict[str, int], dict[str, frozenset[str]]]:
    """Officers and qualifications per agency for a set of items; the team
    is topped up to MIN_TEAM with officers of the lead agency when it takes
    part, else of the agency with the most items."""
    by_code = {i.code: i for i in dataset.items}
    need: dict[str, int] = {}
    quals: dict[str, set[str]] = {}
    counts: dict[str, int] = {}
    for code in items:
        item = by_code[code]
        need[item.agency] = max(need.get(item.agency, 0), item.officers)
        counts[item.agency] = counts.get(item.agency, 0) + 1
        if item.qualification:
            quals.setdefault(item.agency, set()).add(item.qualification)
    short = MIN_TEAM - sum(need.values())
    if short > 0:
        top = lead if lead in need else min(need, key=lambda a: (-counts[a], a))
        need[top] += short
    return dict(sorted(need.items())), {a: frozenset(quals.get(a, ())) for a in sorted(need)}


def make_visits(selection: Mapping[str, Sequence[str]], dataset: Dataset, round_: Round) -> list[Visit]:
    """One visit per drawn enterprise (*selection*: USCC -> drawn item
    codes), in USCC order, with a stable id derived from the round and the
    enterprise (:func:`scheduler.plan.visit_id`)."""
    frame = dataset.enterprises
    mine = frame.loc[frame["uscc"].isin(list(selection)), ["uscc", "name", "township"]]
    rows = {str(u): (str(n), str(t)) for u, n, t in zip(mine["uscc"], mine["name"], mine["township"], strict=True)}
    visits = []
    for uscc in sorted(selection):
        items = sorted(set(selection[uscc]))
        need, quals = team_needs(items, dataset, round_.lead_agency)
        name, township = rows[uscc]
        visits.append(Visit(
            id=visit_id(round_.name, round_.code, uscc), uscc=uscc, name=name, township=township,
            items=tuple(items), agencies=tuple(need), need=need, quals=quals,
        ))
    return visits
