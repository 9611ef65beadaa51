"""Selection within strata (docs/draw-spec.md §4–§5).

Within each stratum (item, credit class) of size N, the n = min(N, ceil(r·N))
enterprises with the smallest tickets (256-bit big-endian; ties broken by
USCC) are selected: a simple random sample without replacement, so each has
inclusion probability exactly n/N.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

import numpy as np

from scheduler.draw.frame import Frames
from scheduler.draw.rule import DrawRule
from scheduler.draw.seed import ticket_order, tickets


def sample_size(ratio: Decimal, population: int) -> int:
    """n = min(N, ceil(r × N)), computed exactly."""
    return min(population, math.ceil(Fraction(ratio) * population))


@dataclass(frozen=True, slots=True)
class Stratum:
    item: str
    credit_class: str
    ratio: Decimal
    N: int
    n: int
    threshold: str | None  # hex of the n-th smallest ticket


@dataclass(frozen=True, slots=True)
class Selected:
    item: str
    credit_class: str
    uscc: str
    ticket: str  # lower-case hex


@dataclass
class Selection:
    strata: list[Stratum]
    rows: list[Selected]  # sorted by item, credit class, ticket (then uscc)

    def by_enterprise(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = defaultdict(list)
        for row in self.rows:
            out[row.uscc].append(row.item)
        return {k: sorted(v) for k, v in sorted(out.items())}


def select(rule: DrawRule, frames: Frames, seed: bytes) -> Selection:
    """Draw every stratum of *frames* under *rule* with seed *seed*."""
    ratios = {item.code: item.ratios for item in rule.items}
    strata: list[Stratum] = []
    rows: list[Selected] = []
    if not rule.independent:
        # One ticket per enterprise: its rank is the same in every frame.
        in_any = np.zeros(len(frames.uscc), dtype=bool)
        for idx in frames.members.values():
            in_any[idx] = True
        used = np.flatnonzero(in_any)
        if len(used) == len(frames.uscc):  # the usual case: an item without target tags
            digests = tickets(seed, frames.uscc)
            order = ticket_order(digests, tiebreak=used.astype(np.int64))
        else:
            digests = np.zeros((len(frames.uscc), 32), dtype=np.uint8)
            digests[used] = tickets(seed, frames.uscc[used])
            order = used[ticket_order(digests[used], tiebreak=used.astype(np.int64))]
        rank = np.empty(len(frames.uscc), dtype=np.int64)
        rank[order] = np.arange(len(order))
    for item, cls, idx in frames.strata():
        ratio = ratios[item][cls]
        n = sample_size(ratio, len(idx))
        if rule.independent:
            item_digests = tickets(seed, frames.uscc[idx], item=item)
            chosen_pos = ticket_order(item_digests, tiebreak=idx.astype(np.int64))[:n]
            chosen = idx[chosen_pos]
            chosen_digests = item_digests[chosen_pos]
        else:
            if n < len(idx):
                part = np.argpartition(rank[idx], n - 1)[:n] if n else np.zeros(0, dtype=np.intp)
                chosen = idx[part]
            else:
                chosen = idx
            chosen = chosen[np.argsort(rank[chosen], kind="stable")]
            chosen_digests = digests[chosen]
        text = np.ascontiguousarray(chosen_digests).tobytes().hex()
        hexes = [text[64 * k : 64 * k + 64] for k in range(len(chosen))]
        strata.append(Stratum(item, cls, ratio, len(idx), n, hexes[-1] if n else None))
        codes = [c.decode("ascii") for c in frames.uscc[chosen].tolist()]
        rows.extend(Selected(item, cls, code, h) for code, h in zip(codes, hexes, strict=True))
    return Selection(strata=strata, rows=rows)


def selection_csv(selection: Selection) -> bytes:
    lines = ["item,credit_class,uscc,ticket"]
    lines.extend(f"{r.item},{r.credit_class},{r.uscc},{r.ticket}" for r in selection.rows)
    return ("\n".join(lines) + "\n").encode("utf-8")


def item_totals(rule: DrawRule, selection: Selection) -> list[dict[str, Any]]:
    """Per item, in code order: its agency, frame size N and sample size n
    (sums over the item's four strata; no class)."""
    totals: dict[str, list[int]] = {item.code: [0, 0] for item in rule.items}
    for st in selection.strata:
        totals[st.item][0] += st.N
        totals[st.item][1] += st.n
    return [{"item": item.code, "agency": item.agency, "N": totals[item.code][0], "n": totals[item.code][1]}
            for item in rule.items]


@dataclass(frozen=True, slots=True)
class Coordination:
    """How many visits a selection needs and how joint they are."""

    item_inspections: int  # selected (item, enterprise) pairs
    visits: int  # distinct enterprises
    joint_inspections: int  # pairs whose visit involves two or more agencies

    @property
    def joint_share(self) -> float:
        return self.joint_inspections / self.item_inspections if self.item_inspections else 0.0

    def to_json(self) -> dict[str, float | int]:
        return {
            "item_inspections": self.item_inspections,
            "visits": self.visits,
            "joint_inspections": self.joint_inspections,
            "joint_share": round(self.joint_share, 6),
        }


def coordination(rule: DrawRule, selection: Selection) -> Coordination:
    agency = {item.code: item.agency for item in rule.items}
    per_visit = selection.by_enterprise()
    joint = sum(len(items) for items in per_visit.values() if len({agency[i] for i in items}) > 1)
    return Coordination(len(selection.rows), len(per_visit), joint)
