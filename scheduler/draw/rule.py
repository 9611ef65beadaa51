"""The published draw rule, ``plan.json`` (docs/draw-spec.md §1).

The rule is everything a verifier needs besides the data and the randomness:
the items with their target tags and ratios, the eligibility rules, and the
seed sources.  It is serialised canonically (sorted keys, two-space indent,
UTF-8, LF, final newline), so the same rule always gives the same bytes and
``P = SHA-256(plan.json)``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from scheduler.domain import ACTIVE_STATUSES, Commitment, CreditClass, Dataset, Round

ALGORITHM = "onevisit-draw-sha256-v2"
ALGORITHM_INDEP = "onevisit-draw-sha256-indep-v2"
MODES = {"coordinated": ALGORITHM, "independent": ALGORITHM_INDEP}
SAMPLE_SIZE_RULE = "n = min(N, ceil(r * N))"
_ITEM_CODE = re.compile(r'^[^,"\r\n\s]([^,"\r\n]*[^,"\r\n\s])?$')


class RuleError(ValueError):
    """The round cannot be drawn as declared; the message is for people."""


@dataclass(frozen=True, slots=True)
class RuleItem:
    code: str
    agency: str
    agency_name: str
    name: str
    target_tags: tuple[str, ...]  # sorted; empty = every eligible enterprise
    ratios: dict[str, Decimal]  # credit class -> ratio

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "agency": self.agency,
            "agency_name": self.agency_name,
            "name": self.name,
            "target_tags": list(self.target_tags),
            "ratios": {k: _decimal_str(v) for k, v in sorted(self.ratios.items())},
        }


@dataclass(frozen=True, slots=True)
class DrawRule:
    """The parsed contents of plan.json."""

    algorithm: str
    round_name: str
    round_code: str
    window: tuple[dt.date, dt.date]
    lead_agency: str
    items: tuple[RuleItem, ...]  # sorted by code
    statuses: tuple[str, ...]
    reference_date: dt.date
    cooldown_days: int
    yearly_cap: int | None
    allow_zero_ratio: bool
    beacon_description: str
    commitments: tuple[Commitment, ...]

    @property
    def independent(self) -> bool:
        return self.algorithm == ALGORITHM_INDEP

    def to_json(self) -> dict[str, Any]:
        return {
            "algorithm": self.algorithm,
            "round": {
                "name": self.round_name,
                "code": self.round_code,
                "window": {"start": self.window[0].isoformat(), "end": self.window[1].isoformat()},
                "lead_agency": self.lead_agency,
            },
            "eligibility": {
                "statuses": list(self.statuses),
                "reference_date": self.reference_date.isoformat(),
                "cooldown_days": self.cooldown_days,
                "yearly_cap": self.yearly_cap,
                "allow_zero_ratio": self.allow_zero_ratio,
            },
            "sample_size": SAMPLE_SIZE_RULE,
            "items": [item.to_json() for item in self.items],
            "seed": {
                "beacon_description": self.beacon_description,
                "commitments": [{"party": c.party, "sha256": c.sha256} for c in self.commitments],
            },
        }

    def to_bytes(self) -> bytes:
        return canonical_json(self.to_json())


def canonical_json(obj: Any) -> bytes:
    return (json.dumps(obj, ensure_ascii=False, sort_keys=True, indent=2) + "\n").encode("utf-8")


def digest(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def _decimal_str(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text if "." not in text else text.rstrip("0").rstrip(".") or "0"


def build_rule(round_: Round, dataset: Dataset, mode: str = "coordinated") -> DrawRule:
    """The rule for *round_*: its items (explicit, or every item of the
    participating agencies) with their ratios.  Raises :class:`RuleError`."""
    if mode not in MODES:
        raise RuleError(f"未知的抽取模式「{mode}」（coordinated 或 independent）")
    by_code = {item.code: item for item in dataset.items}
    if round_.items:
        missing = [c for c in round_.items if c not in by_code]
        if missing:
            raise RuleError("抽查事项清单中没有这些事项编码：" + "、".join(missing))
        chosen = [by_code[c] for c in round_.items]
    else:
        agencies = set(round_.agencies) or {item.agency for item in dataset.items}
        chosen = [item for item in dataset.items if item.agency in agencies]
    if not chosen:
        raise RuleError("本轮次没有抽查事项（检查轮次配置的 agencies / items）")
    names = dataset.agencies.names()
    problems = []
    items = []
    for item in sorted(chosen, key=lambda i: i.code):
        if not _ITEM_CODE.match(item.code):
            problems.append(f"事项编码「{item.code}」不能含逗号、引号、换行或首尾空格")
        for cls in CreditClass:
            if item.ratios[cls] == 0 and not round_.exclusions.allow_zero_ratio:
                problems.append(
                    f"事项 {item.code} 的 {cls.value} 类抽查比例为 0：不搞免于抽查。"
                    "如确需免抽，请在轮次配置中设置 exclusions.allow_zero_ratio = true"
                )
        items.append(RuleItem(
            code=item.code,
            agency=item.agency,
            agency_name=names[item.agency],
            name=item.name,
            target_tags=tuple(sorted(item.target_tags)),
            ratios={cls.value: item.ratios[cls] for cls in CreditClass},
        ))
    if problems:
        raise RuleError("\n".join(problems))
    return DrawRule(
        algorithm=MODES[mode],
        round_name=round_.name,
        round_code=round_.code,
        window=(round_.start, round_.end),
        lead_agency=round_.lead_agency,
        items=tuple(items),
        statuses=tuple(sorted(ACTIVE_STATUSES)),
        reference_date=round_.start,
        cooldown_days=round_.exclusions.cooldown_days,
        yearly_cap=round_.exclusions.yearly_cap,
        allow_zero_ratio=round_.exclusions.allow_zero_ratio,
        beacon_description=round_.seed.beacon_description,
        commitments=round_.seed.commitments,
    )


def parse_rule(data: bytes) -> DrawRule:
    """Parse published plan.json bytes (raises RuleError on a malformed file)."""
    try:
        doc = json.loads(data.decode("utf-8"))
        rnd, elig, seed = doc["round"], doc["eligibility"], doc["seed"]
        if doc["algorithm"] not in MODES.values():
            raise RuleError(f"未知的算法「{doc['algorithm']}」")
        return DrawRule(
            algorithm=doc["algorithm"],
            round_name=rnd["name"],
            round_code=rnd["code"],
            window=(dt.date.fromisoformat(rnd["window"]["start"]), dt.date.fromisoformat(rnd["window"]["end"])),
            lead_agency=rnd["lead_agency"],
            items=tuple(
                RuleItem(
                    code=i["code"], agency=i["agency"], agency_name=i["agency_name"], name=i["name"],
                    target_tags=tuple(i["target_tags"]),
                    ratios={k: Decimal(v) for k, v in i["ratios"].items()},
                )
                for i in doc["items"]
            ),
            statuses=tuple(elig["statuses"]),
            reference_date=dt.date.fromisoformat(elig["reference_date"]),
            cooldown_days=int(elig["cooldown_days"]),
            yearly_cap=None if elig["yearly_cap"] is None else int(elig["yearly_cap"]),
            allow_zero_ratio=bool(elig["allow_zero_ratio"]),
            beacon_description=seed["beacon_description"],
            commitments=tuple(Commitment(c["party"], c["sha256"]) for c in seed["commitments"]),
        )
    except (KeyError, TypeError, ValueError, UnicodeDecodeError) as exc:
        if isinstance(exc, RuleError):
            raise
        raise RuleError(f"plan.json 格式错误：{exc!r}") from None
