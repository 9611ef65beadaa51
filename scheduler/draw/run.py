"""Running a draw end to end.

``run_draw`` is a pure function of (rule, rosters, beacon, secrets);
scheduler/draw/publish.py writes its public and sealed files.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import pandas as pd

from scheduler import __version__
from scheduler.domain import Dataset
from scheduler.draw.frame import Frames, build_frames
from scheduler.draw.frame import frame_digest as frame_sha256
from scheduler.draw.rule import ALGORITHM, ALGORITHM_INDEP, DrawRule, RuleError, digest
from scheduler.draw.seed import Reveal, commitment, seed
from scheduler.draw.select import Coordination, Selection, coordination, item_totals, select

PLAIN_SEED_PARTY = "seed"


def seed_secrets(rule: DrawRule, reveals: Sequence[Reveal]) -> list[Reveal]:
    """Check reveals against the rule's commitments; return them in the
    rule's order.  Without commitments exactly one plain secret is expected."""
    if not rule.commitments:
        if len(reveals) != 1:
            raise RuleError("本轮次未公布承诺：请用 --seed 提供一个随机数种子 (one plain --seed)")
        return list(reveals)
    by_party: dict[str, Reveal] = {}
    for reveal in reveals:
        if reveal.party in by_party:
            raise RuleError(f"承诺方「{reveal.party}」的秘密值重复揭示")
        by_party[reveal.party] = reveal
    problems = []
    ordered = []
    for c in rule.commitments:
        given = by_party.pop(c.party) if c.party in by_party else None
        if given is None:
            problems.append(f"缺少承诺方「{c.party}」揭示的秘密值 (--reveal '{c.party}=…')")
        elif commitment(given.secret) != c.sha256:
            problems.append(
                f"承诺方「{c.party}」揭示的秘密值与公布的承诺不符：SHA-256 为 {commitment(given.secret)}，"
                f"公布的承诺为 {c.sha256} (reveal does not match commitment)"
            )
        else:
            ordered.append(given)
    for party in by_party:
        problems.append(f"「{party}」不在公布的承诺方之中")
    if problems:
        raise RuleError("\n".join(problems))
    return ordered


@dataclass
class DrawResult:
    rule: DrawRule
    plan_bytes: bytes
    frames: Frames
    frame_digest: bytes
    beacon: str
    reveals: list[Reveal]
    seed: bytes
    selection: Selection
    coordination: Coordination
    comparison: dict[str, Coordination]  # mode -> figures, both modes

    @property
    def plan_digest(self) -> bytes:
        return digest(self.plan_bytes)

    def manifest(self) -> dict[str, Any]:
        return {
            "algorithm": self.rule.algorithm,
            "tool": {"name": "onevisit", "version": __version__},
            "plan_sha256": self.plan_digest.hex(),
            "frame_sha256": self.frame_digest.hex(),
            "seed_inputs": {
                "beacon": self.beacon,
                "secrets": [{"party": r.party, "secret": r.secret} for r in self.reveals],
            },
            "seed": self.seed.hex(),
            "strata": [
                {"item": s.item, "credit_class": s.credit_class, "ratio": format(s.ratio, "f"),
                 "N": s.N, "n": s.n, "threshold": s.threshold}
                for s in self.selection.strata
            ],
            "items": item_totals(self.rule, self.selection),
            "frame_rows": self.frames.rows(),
            "eligible_enterprises": len(self.frames.uscc),
            "excluded": self.frames.excluded,
            "coordination": {mode: c.to_json() for mode, c in sorted(self.comparison.items())},
        }


def run_draw(rule: DrawRule, dataset: Dataset, beacon: str, reveals: Sequence[Reveal], *, compare: bool = True) -> DrawResult:
    """Draw under *rule*.  With *compare*, also draw the other mode (same
    seed inputs, its own plan) to report both modes' visits and joint share."""
    secrets = seed_secrets(rule, reveals)
    plan_bytes = rule.to_bytes()
    frames = build_frames(rule, dataset.enterprises, dataset.history)
    frame_digest = frame_sha256(frames)
    s = seed(digest(plan_bytes), frame_digest, beacon, [r.secret for r in secrets])
    selection = select(rule, frames, s)
    mine = coordination(rule, selection)
    mode = "independent" if rule.independent else "coordinated"
    comparison = {mode: mine}
    if compare:
        other_rule = _other_mode(rule)
        other_seed = seed(digest(other_rule.to_bytes()), frame_digest, beacon, [r.secret for r in secrets])
        other = select(other_rule, frames, other_seed)
        comparison["coordinated" if rule.independent else "independent"] = coordination(other_rule, other)
    return DrawResult(rule, plan_bytes, frames, frame_digest, beacon, secrets, s, selection, mine, comparison)


def _other_mode(rule: DrawRule) -> DrawRule:
    return replace(rule, algorithm=ALGORITHM if rule.independent else ALGORITHM_INDEP)


VISIT_HEADER = ["统一社会信用代码", "企业名称", "乡镇街道", "信用风险分类", "抽查事项", "部门"]


def visits_table(result: DrawResult, dataset: Dataset) -> pd.DataFrame:
    """One visit per selected enterprise: the union of its drawn items and
    their agencies (the input of scheduling)."""
    agency = {i.code: (i.agency, i.agency_name) for i in result.rule.items}
    per_visit = result.selection.by_enterprise()
    roster = dataset.enterprises
    drawn = roster.loc[roster["uscc"].isin(list(per_visit)).to_numpy(dtype=bool)]  # no index over the whole roster
    ent = drawn.set_index("uscc").loc[list(per_visit), ["name", "township", "credit_class"]]
    return pd.DataFrame({
        "uscc": list(per_visit),
        "name": ent["name"].to_numpy(),
        "township": ent["township"].to_numpy(),
        "credit_class": ent["credit_class"].to_numpy(),
        "items": [";".join(items) for items in per_visit.values()],
        "agencies": [";".join(sorted({agency[i][0] for i in items})) for items in per_visit.values()],
        "agency_names": ["；".join(sorted({agency[i][1] for i in items})) for items in per_visit.values()],
    })


def visits_csv(visits: pd.DataFrame) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(VISIT_HEADER)
    columns = [[str(v) for v in visits[key].tolist()] for key in ("uscc", "name", "township", "credit_class", "items", "agency_names")]
    for uscc, name, township, cls, items, agencies in zip(*columns, strict=True):
        writer.writerow([uscc, name, township, cls, items.replace(";", "；"), agencies])
    return buf.getvalue().encode("utf-8-sig")

