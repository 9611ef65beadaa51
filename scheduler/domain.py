"""Domain model: the typed records every other module works with.

Records are frozen dataclasses, built only by the input readers
(:mod:`scheduler.io`), which validate at the boundary.  Enterprises are kept
column-wise in a :class:`pandas.DataFrame` (a county roster has 10^5–10^6
rows); :class:`Enterprise` is the one-row view used in messages and exports.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

import pandas as pd

from scheduler import vocabulary
from scheduler.agencies import Agency, AgencyDirectory

__all__ = [
    "ACTIVE_STATUSES",
    "Agency",
    "Commitment",
    "CreditClass",
    "Dataset",
    "Enterprise",
    "Exclusions",
    "Inspector",
    "Item",
    "Round",
    "SeedSources",
]


class CreditClass(StrEnum):
    """企业信用风险分类 (国市监信发〔2022〕6号): A 低, B 一般, C 较高, D 高."""

    A = "A"
    B = "B"
    C = "C"
    D = "D"

    @property
    def label(self) -> str:
        return {"A": "信用风险低", "B": "信用风险一般", "C": "信用风险较高", "D": "信用风险高"}[self.value]


#: 登记状态 values that make an enterprise eligible for a draw.
ACTIVE_STATUSES = vocabulary.ACTIVE_STATUSES

#: Canonical columns of the enterprise frame, in order.
ENTERPRISE_COLUMNS = (
    "uscc", "name", "township", "address", "lon", "lat", "industry",
    "credit_class", "tags", "status", "last_inspected", "row",
)


@dataclass(frozen=True, slots=True)
class Enterprise:
    """检查对象: one row of the target roster."""

    uscc: str
    name: str
    township: str
    credit_class: CreditClass
    status: str
    tags: frozenset[str] = frozenset()
    address: str = ""
    lon: float | None = None
    lat: float | None = None
    industry: str = ""
    last_inspected: dt.date | None = None

    @property
    def active(self) -> bool:
        return self.status in ACTIVE_STATUSES


@dataclass(frozen=True, slots=True)
class Item:
    """抽查事项: one inspection item of the item list."""

    code: str
    agency: str  # agency code
    name: str
    ratios: dict[CreditClass, Decimal]
    target_tags: frozenset[str] = frozenset()  # empty: every enterprise
    officers: int = 1
    qualification: str = ""

    def matches(self, tags: frozenset[str]) -> bool:
        return not self.target_tags or bool(self.target_tags & tags)


@dataclass(frozen=True, slots=True)
class Inspector:
    """执法检查人员: one row of the inspector roster."""

    id: str
    name: str
    agency: str  # agency code
    cert_no: str
    cert_expiry: dt.date
    qualifications: frozenset[str] = frozenset()
    base_township: str = ""
    max_visits_per_day: int = vocabulary.DEFAULT_MAX_VISITS_PER_DAY
    unavailable: tuple[tuple[dt.date, dt.date], ...] = ()  # inclusive ranges
    conflicts: frozenset[str] = frozenset()  # USCCs
    phone: str = ""

    def cert_valid_on(self, day: dt.date) -> bool:
        return day <= self.cert_expiry

    def available_on(self, day: dt.date) -> bool:
        return not any(a <= day <= b for a, b in self.unavailable)


@dataclass(frozen=True, slots=True)
class Commitment:
    """A party's SHA-256 commitment to a secret, published before the draw."""

    party: str
    sha256: str  # lower-case hex


@dataclass(frozen=True, slots=True)
class SeedSources:
    """Where the draw's randomness comes from (see docs/draw-spec.md)."""

    beacon_description: str = ""
    commitments: tuple[Commitment, ...] = ()


@dataclass(frozen=True, slots=True)
class Exclusions:
    """Declared exclusions from the frame (排除规则)."""

    cooldown_days: int = 0  # 上次检查后 N 天内不再抽取
    yearly_cap: int | None = None  # 每户每年最多检查次数
    allow_zero_ratio: bool = False  # 允许比例为 0 (默认不搞免于抽查)


#: Default 每周最多检查日: an officer inspects on at most three working days a
#: week, leaving the other two for daily supervision, complaints and
#: licensing (the 双随机 round is one duty among several).  See docs/inputs.md.
DEFAULT_MAX_DAYS_PER_WEEK = 3


@dataclass(frozen=True, slots=True)
class Workload:
    """工作量上限: how many inspection days an officer may have in one ISO
    week (Monday to Sunday) and, optionally, in one calendar month.  An
    inspection day is a date with at least one visit of the officer's."""

    max_days_per_week: int = DEFAULT_MAX_DAYS_PER_WEEK
    max_days_per_month: int | None = None  # None: no monthly limit


@dataclass(frozen=True, slots=True)
class Round:
    """抽查任务/轮次: one joint inspection round."""

    name: str
    start: dt.date
    end: dt.date
    lead_agency: str  # agency code
    agencies: tuple[str, ...] = ()  # agency codes; empty = all with items
    items: tuple[str, ...] = ()  # item codes; empty = all of those agencies
    code: str = ""
    exclusions: Exclusions = Exclusions()
    avoid_home_township: bool = False
    workload: Workload = Workload()
    seed: SeedSources = SeedSources()
    source: str = ""  # file it was read from


@dataclass(slots=True)
class Dataset:
    """The validated rosters of one county."""

    enterprises: pd.DataFrame  # ENTERPRISE_COLUMNS
    items: tuple[Item, ...]
    inspectors: tuple[Inspector, ...]
    agencies: AgencyDirectory
    history: pd.DataFrame | None = None  # uscc, date, agency, inspectors, row
    sources: dict[str, str] = field(default_factory=dict)

    @property
    def townships(self) -> tuple[str, ...]:
        return tuple(sorted(self.enterprises["township"].unique()))

    def enterprise(self, uscc: str) -> Enterprise:
        row = self.enterprises.loc[self.enterprises["uscc"] == uscc].iloc[0]
        return Enterprise(
            uscc=row["uscc"],
            name=row["name"],
            township=row["township"],
            credit_class=CreditClass(row["credit_class"]),
            status=row["status"],
            tags=frozenset(t for t in row["tags"].split(";") if t),
            address=row["address"],
            lon=None if pd.isna(row["lon"]) else float(row["lon"]),
            lat=None if pd.isna(row["lat"]) else float(row["lat"]),
            industry=row["industry"],
            last_inspected=None if pd.isna(row["last_inspected"]) else row["last_inspected"],
        )
