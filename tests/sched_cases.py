"""Small scheduling cases: a roster folder, a round and a hand-made draw
folder; and hand-made instances for the solver's stages."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from builders import ENTERPRISE_HEADER, INSPECTOR_HEADER, ITEM_HEADER, make_uscc, write_csv

from scheduler import planfile
from scheduler.app.scheduling import schedule
from scheduler.assign.eligibility import Eligibility
from scheduler.assign.solver import Member, SolverSettings
from scheduler.assign.validate import Violation, check_plan
from scheduler.assign.visits import Visit
from scheduler.draw import build_rule
from scheduler.draw.published import PublishedDraw
from scheduler.io import Inputs, Report, load
from scheduler.plan import Plan, visit_id

TOWNS = ("城关镇", "东城街道", "清河镇")
ITEMS = [
    ["SCJG-001", "市场监管", "企业公示信息抽查", "", "5%", "5%", "5%", "5%", "", ""],
    ["YJGL-001", "应急管理", "危险化学品企业安全生产检查", "危险化学品", "5%", "5%", "5%", "5%", "2", "危险化学品安全监管"],
    ["WSJK-001", "卫生健康", "公共场所卫生监督检查", "公共场所", "5%", "5%", "5%", "5%", "", ""],
]


def officer(oid: str, agency: str, town: str, *, expiry: str = "2030-12-31", quals: str = "", cap: str = "",
            leave: str = "", conflicts: str = "") -> list[str]:
    return [oid, f"人员{oid}", agency, f"证{oid}", expiry, quals, town, cap, leave, conflicts, ""]


@dataclass
class Solved:
    typed: Plan

    @property
    def plan(self) -> dict[str, Any]:
        """The plan's JSON form, as plan.json has it (what the checker reads)."""
        return planfile.to_json(self.typed)


@dataclass
class Case:
    inputs: Inputs
    draw: PublishedDraw

    def solve(self, **settings: object) -> Solved:
        return Solved(schedule(self.inputs, self.draw,
                               SolverSettings(audit=True, deterministic_time=5.0, **settings)))  # type: ignore[arg-type]

    def vid(self, n: int) -> str:
        """The visit id of the n-th drawn enterprise (1-based)."""
        assert self.inputs.round is not None
        return visit_id(self.inputs.round.name, self.inputs.round.code, make_uscc(n))

    def violations(self, plan: dict[str, object]) -> list[Violation]:
        return check_plan(plan, self.inputs.dataset, self.inputs.calendar)


def make_case(folder: Path, visits: list[tuple[str, list[str]]], officers: list[list[str]], *,
              window: tuple[str, str] = ("2026-11-02", "2026-11-13"), avoid_home: bool = False,
              history: list[list[str]] | None = None, n_enterprises: int | None = None,
              days_per_week: int = 7, days_per_month: int | None = None) -> Case:
    """*visits*: (township, item codes) per drawn enterprise, in order.  The
    workload rule is off by default (7 days a week), so that the cases of the
    other rules keep their capacity; the workload cases set it."""
    folder.mkdir(parents=True, exist_ok=True)
    n = max(n_enterprises or 0, len(visits) + len(TOWNS))  # every township has an enterprise
    rows = []
    for i in range(n):
        town = visits[i][0] if i < len(visits) else TOWNS[i % len(TOWNS)]
        rows.append([make_uscc(i + 1), f"企业{i + 1}有限公司", town, "", "B", "危险化学品；公共场所", "存续", ""])
    write_csv(folder / "enterprises.csv", ENTERPRISE_HEADER, rows)
    write_csv(folder / "items.csv", ITEM_HEADER, ITEMS)
    write_csv(folder / "inspectors.csv", INSPECTOR_HEADER, officers)
    if history:
        write_csv(folder / "history.csv", ["统一社会信用代码", "检查日期", "部门", "检查人员编号"], history)
    # The round takes the items the cases draw (a round item without officers is an input error).
    codes = ", ".join(f'"{c}"' for c in sorted({c for _, items in visits for c in items}))
    (folder / "round.toml").write_text(
        f'name = "测试轮次"\nlead_agency = "市场监管"\nitems = [{codes}]\n[window]\nstart = {window[0]}\nend = {window[1]}\n'
        f"[assignment]\navoid_home_township = {'true' if avoid_home else 'false'}\n"
        f"[workload]\nmax_days_per_week = {days_per_week}\n"
        + (f"max_days_per_month = {days_per_month}\n" if days_per_month else ""), encoding="utf-8")
    report = Report()
    inputs = load([folder], report)
    assert inputs is not None, [str(p) for p in report]
    assert inputs.round is not None
    # A hand-made draw: the round's rule, a fixed seed, the given selection.
    draw = PublishedDraw(rule=build_rule(inputs.round, inputs.dataset), manifest={"seed": "ab" * 32},
                         manifest_sha256="cd" * 32,
                         selection={make_uscc(i + 1): tuple(sorted(items)) for i, (_, items) in enumerate(visits)})
    return Case(inputs, draw)


# --- stage instances: visits, drawn teams and eligibility made by hand -------------

STAGE_DAYS = [dt.date(2026, 11, 2) + dt.timedelta(days=k) for k in range(5)]  # Monday 11-02 to Friday 11-06


def stage_visit(n: int, township: str = "城关镇", need: int = 2, agency: str = "SCJG") -> Visit:
    """Visit "V000n" of enterprise n, needing *need* officers of *agency*."""
    return Visit(f"V{n:04d}", make_uscc(n), f"企业{n}", township, (f"{agency}-001",), (agency,), {agency: need},
                 {agency: frozenset()})


def drawn(*officer_ids: str, agency: str = "SCJG") -> list[Member]:
    """A drawn team: the officers in ranking order."""
    return [Member(o, agency, True, r) for r, o in enumerate(officer_ids)]


def stage_eligibility(visits: list[Visit], ranking: list[str], days: dict[str, set[int]]) -> Eligibility:
    """Every visit ranks the officers of *ranking* of its agency in that
    order; *days* gives each officer's usable day indices (into STAGE_DAYS)."""
    return Eligibility(
        ranking={(v.id, a): [o for o in ranking if o.startswith(a)] for v in visits for a in v.agencies},
        excluded={(v.id, a): [] for v in visits for a in v.agencies},
        days=STAGE_DAYS,
        officer_days={o: frozenset(d) for o, d in days.items()},
    )
