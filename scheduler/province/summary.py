"""The province summary: one row per county and the totals, as JSON
(``summary.json``) and as a readable table (``summary.txt``)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from scheduler.province.task import STATUS_LABELS, CountyResult, CountyStatus
from scheduler.textfmt import table

FORMAT = "onevisit-province-summary-1"
PLAN_FILE = "plan.json"


@dataclass(frozen=True)
class Totals:
    counties: int
    done: int
    failed: int
    cancelled: int
    visits: int
    assigned: int
    unassigned: int
    violations: dict[int, int]  # rule -> count, over every county

    @property
    def violation_count(self) -> int:
        return sum(self.violations.values())


@dataclass(frozen=True)
class ProvinceSummary:
    counties: tuple[CountyResult, ...]  # by county name; without their plans' bytes
    totals: Totals
    wall_seconds: float  # the whole run, as the caller saw it
    where: str  # "serial" or the Dask scheduler's address
    workers: int  # worker threads (1 in serial mode)
    settings: dict[str, Any]  # the solver settings every county used

    @property
    def cancelled(self) -> bool:
        return self.totals.cancelled > 0


def summarise(results: Sequence[CountyResult], *, wall_seconds: float, where: str, workers: int,
              settings: dict[str, Any]) -> ProvinceSummary:
    rows = tuple(sorted((r.without_plan() for r in results), key=lambda r: r.county))
    status = Counter(r.status for r in rows)
    violations: Counter[int] = Counter()
    for r in rows:
        violations.update(r.violations)
    totals = Totals(len(rows), status[CountyStatus.DONE], status[CountyStatus.FAILED], status[CountyStatus.CANCELLED],
                    sum(r.visits for r in rows), sum(r.assigned for r in rows), sum(r.unassigned for r in rows),
                    dict(sorted(violations.items())))
    return ProvinceSummary(rows, totals, wall_seconds, where, workers, settings)


def plan_path(county: str) -> str:
    """Where a county's plan goes in the output folder."""
    return f"{county}/{PLAN_FILE}"


def _county_json(r: CountyResult) -> dict[str, Any]:
    t = r.timings
    return {
        "county": r.county, "status": r.status.value, "messages": list(r.messages),
        "plan": plan_path(r.county) if r.status is CountyStatus.DONE else None, "plan_sha256": r.plan_sha256 or None,
        "visits": r.visits, "assigned": r.assigned, "unassigned": r.unassigned, "stopped_early": r.stopped_early,
        "violations": {str(rule): n for rule, n in r.violations.items()},
        "seconds": {"load": round(t.load, 3), "draw": round(t.draw, 3), "schedule": round(t.schedule, 3),
                    "check": round(t.check, 3), "total": round(t.total, 3)},
        "worker": r.worker, "peak_rss_mib": round(r.peak_rss_mib, 1),
    }


def to_json(summary: ProvinceSummary) -> dict[str, Any]:
    t = summary.totals
    return {
        "format": FORMAT,
        "run": {"where": summary.where, "workers": summary.workers, "wall_seconds": round(summary.wall_seconds, 3),
                "settings": summary.settings},
        "totals": {"counties": t.counties, "done": t.done, "failed": t.failed, "cancelled": t.cancelled,
                   "visits": t.visits, "assigned": t.assigned, "unassigned": t.unassigned,
                   "violations": {str(rule): n for rule, n in t.violations.items()},
                   "county_seconds": round(sum(r.timings.total for r in summary.counties), 3)},
        "counties": [_county_json(r) for r in summary.counties],
    }


def violations_text(violations: dict[int, int] | Any) -> str:
    """``0``, or ``规则2×3 规则4×1``."""
    return " ".join(f"规则{rule}×{n}" for rule, n in sorted(violations.items())) or "0"


def status_text(r: CountyResult) -> str:
    """完成, 失败, 已取消, or 提前结束 (a plan kept when the run was finished early: some visits unplaced)."""
    return "提前结束" if r.stopped_early else STATUS_LABELS[r.status]


def table_text(summary: ProvinceSummary) -> str:
    """The readable summary: a row per county, then the totals and why any county failed."""
    t = summary.totals
    rows: list[list[object]] = [
        [r.county, status_text(r), r.visits, r.assigned, r.unassigned, violations_text(r.violations), f"{r.timings.total:.1f}"]
        for r in summary.counties]
    rows.append(["合计 (total)", f"完成 {t.done}/{t.counties}", t.visits, t.assigned, t.unassigned,
                 violations_text(t.violations), f"{sum(r.timings.total for r in summary.counties):.1f}"])
    where = "本机逐县运行 (serial)" if summary.where == "serial" else f"Dask 集群 {summary.where}，{summary.workers} 个工作线程"
    lines = [f"省级安排汇总 (province summary)：{t.counties} 个县，{where}，总用时 {summary.wall_seconds:.1f} 秒",
             table(["县", "状态", "检查户数", "已安排", "未安排", "违反硬性规则", "用时（秒）"], rows)]
    for r in summary.counties:
        if r.status is not CountyStatus.DONE:
            lines.append(f"{r.county}（{STATUS_LABELS[r.status]}）：")
            lines.extend(f"  {m}" for m in r.messages)
    return "\n".join(lines) + "\n"
