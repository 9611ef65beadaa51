"""Visits to schedule: one per drawn enterprise, from a published draw folder.

A visit needs, for each agency whose items it carries, the largest
``officers`` among those items, and the union of their qualifications; the
team has at least ``MIN_TEAM`` officers in total (行政处罚法 第四十二条).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from scheduler.domain import Dataset
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


def read_visits(draw: Path, dataset: Dataset, lead: str) -> list[Visit]:
    """Visits of a draw folder (its selection.csv), in USCC order."""
    per_enterprise: dict[str, list[str]] = {}
    for line in (draw / "selection.csv").read_text(encoding="utf-8").splitlines()[1:]:
        item, _, uscc, _ = line.split(",")
        per_enterprise.setdefault(uscc, []).append(item)
    ent = dataset.enterprises.set_index("uscc")
    visits = []
    width = max(4, len(str(len(per_enterprise))))
    for n, uscc in enumerate(sorted(per_enterprise), start=1):
        items = sorted(set(per_enterprise[uscc]))
        need, quals = team_needs(items, dataset, lead)
        row = ent.loc[uscc]
        visits.append(Visit(
            id=f"V{n:0{width}d}", uscc=uscc, name=str(row["name"]), township=str(row["township"]),
            items=tuple(items), agencies=tuple(need), need=need, quals=quals,
        ))
    return visits


def draw_seed(draw: Path) -> bytes:
    """The draw's seed S (the second random reuses it)."""
    manifest = json.loads((draw / "manifest.json").read_text(encoding="utf-8"))
    return bytes.fromhex(manifest["seed"])
