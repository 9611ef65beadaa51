"""``plan.json``: reading and writing the plan (docs/plan-format.md).

The one module that knows the file format.  Writing is canonical (sorted
keys, two-space indent, UTF-8, LF, final newline), so the same plan always
gives the same bytes.  Reading is strict: a file that is not a plan of this
format is refused with a Chinese message naming the key, never a
``KeyError``.  (The independent checker, :mod:`scheduler.assign.validate`,
keeps its own tolerant reader: it must not trust this one.)
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

from scheduler.draw.rule import canonical_json
from scheduler.plan import (
    AgencyWorkload,
    Audit,
    Plan,
    PlanRound,
    ScheduledVisit,
    Statistics,
    Team,
    TeamMember,
    Unassigned,
    Withdrawn,
)
from scheduler.weeks import OfficerWeek, WeekLoad

FORMAT = "onevisit-plan-v2"
FILENAME = "plan.json"

T = TypeVar("T")


class PlanFormatError(ValueError):
    """The file is not a plan of this format; the message is for people."""


# --------------------------------------------------------------------------
# Writing


def _member(m: TeamMember) -> dict[str, Any]:
    return {"inspector_id": m.inspector_id, "name": m.name, "agency": m.agency, "role": m.role,
            "drawn": m.drawn, "rank": m.rank}


def _visit(v: ScheduledVisit) -> dict[str, Any]:
    return {"visit_id": v.visit_id, "uscc": v.uscc, "name": v.name, "township": v.township,
            "items": list(v.items), "agencies": list(v.agencies), "date": v.date.isoformat(),
            "team": [_member(m) for m in v.team], "revision": v.revision}


def _unassigned(u: Unassigned) -> dict[str, Any]:
    return {"visit_id": u.visit_id, "uscc": u.uscc, "name": u.name, "township": u.township,
            "items": list(u.items), "agencies": list(u.agencies), "reasons": list(u.reasons)}


def _withdrawn(w: Withdrawn) -> dict[str, Any]:
    return {"visit_id": w.visit_id, "uscc": w.uscc, "name": w.name, "township": w.township,
            "date": w.date.isoformat(), "inspector_id": w.inspector_id, "revision": w.revision}


def to_json(plan: Plan) -> dict[str, Any]:
    r, st, au = plan.round, plan.statistics, plan.audit
    audit: dict[str, Any] = {"draw_manifest_sha256": au.draw_manifest_sha256, "seed": au.seed,
                             "solver": dict(au.solver), "versions": dict(au.versions)}
    if au.previous_plan_sha256 is not None:
        audit["previous_plan_sha256"] = au.previous_plan_sha256
    return {
        "format": FORMAT,
        "version": plan.version,
        "round": {"name": r.name, "code": r.code,
                  "window": {"start": r.start.isoformat(), "end": r.end.isoformat()},
                  "lead_agency": r.lead_agency, "avoid_home_township": r.avoid_home_township,
                  "min_team_size": r.min_team_size,
                  "workload": {"max_days_per_week": r.max_days_per_week, "max_days_per_month": r.max_days_per_month}},
        "visits": [_visit(v) for v in plan.visits],
        "unassigned": [_unassigned(u) for u in plan.unassigned],
        "withdrawn": [_withdrawn(w) for w in plan.withdrawn],
        "statistics": {
            "visits": st.visits, "assigned": st.assigned, "unassigned": st.unassigned,
            "as_drawn_share": st.as_drawn_share, "drawn_officer_share": st.drawn_officer_share,
            "officer_day_township_uses": st.officer_day_township_uses,
            "lower_bound_uses_given_teams": st.lower_bound_uses_given_teams,
            "gap_to_bound": st.gap_to_bound,
            "lower_bound_uses_any_teams": st.lower_bound_uses_any_teams,
            "lower_bound_officer_days": dict(sorted(st.lower_bound_officer_days.items())),
            "workload": {a: {"officers": w.officers, "min": w.min, "max": w.max, "mean": w.mean}
                         for a, w in sorted(st.workload.items())},
            "shortages": list(st.shortages),
            "weeks": [{"week": w.week, "first": w.first.isoformat(), "last": w.last.isoformat(),
                       "working_days": w.working_days, "visits": w.visits, "even_share": w.even_share, "ratio": w.ratio}
                      for w in st.weeks],
            "busiest_week_ratio": st.busiest_week_ratio,
            "officer_busiest_weeks": {o: {"week": w.week, "days": w.days, "visits": w.visits}
                                      for o, w in sorted(st.officer_busiest_weeks.items())},
        },
        "audit": audit,
    }


def to_bytes(plan: Plan) -> bytes:
    return canonical_json(to_json(plan))


def sha256(plan: Plan) -> str:
    return hashlib.sha256(to_bytes(plan)).hexdigest()


# --------------------------------------------------------------------------
# Reading


class _Reader:
    """Typed access to a JSON document, naming the key path on any fault."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, path: str, what: str) -> PlanFormatError:
        return PlanFormatError(f"{self.source}：{path} {what}（不是 OneVisit 的安排结果 plan.json？）")

    def get(self, obj: Mapping[str, Any], key: str, path: str, kind: type[T]) -> T:
        if not isinstance(obj, Mapping) or key not in obj:
            raise self.fail(f"{path}.{key}" if path else key, "缺失")
        value = obj[key]
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise self.fail(f"{path}.{key}" if path else key, f"类型应为 {_KIND_NAMES.get(kind, kind.__name__)}")
        return value

    def text(self, obj: Mapping[str, Any], key: str, path: str) -> str:
        return self.get(obj, key, path, str)

    def date(self, obj: Mapping[str, Any], key: str, path: str) -> dt.date:
        text = self.text(obj, key, path)
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            raise self.fail(f"{path}.{key}", f"「{text[:20]}」不是 YYYY-MM-DD 日期") from None

    def texts(self, obj: Mapping[str, Any], key: str, path: str) -> tuple[str, ...]:
        values = self.get(obj, key, path, list)
        if not all(isinstance(v, str) for v in values):
            raise self.fail(f"{path}.{key}", "应为文字列表")
        return tuple(values)

    def records(self, obj: Mapping[str, Any], key: str, path: str, build: Callable[[Mapping[str, Any], str], T]) -> tuple[T, ...]:
        values = self.get(obj, key, path, list)
        out = []
        for n, value in enumerate(values):
            where = f"{path}.{key}[{n}]" if path else f"{key}[{n}]"
            if not isinstance(value, Mapping):
                raise self.fail(where, "应为对象")
            out.append(build(value, where))
        return tuple(out)


_KIND_NAMES = {str: "文字", int: "整数", float: "数值", bool: "true/false", list: "列表", dict: "对象"}


def from_json(doc: object, source: str = FILENAME) -> Plan:
    """A plan from its JSON document.  Raises :class:`PlanFormatError`."""
    rd = _Reader(source)
    if not isinstance(doc, dict):
        raise PlanFormatError(f"{source}：顶层应为 JSON 对象（不是 OneVisit 的安排结果 plan.json？）")
    fmt = doc.get("format")
    if fmt != FORMAT:
        if "algorithm" in doc and "sample_size" in doc:
            raise PlanFormatError(f"{source}：这是抽取结果文件夹中的抽取规则 plan.json，不是安排结果"
                                  "（应为 onevisit schedule 输出文件夹中的 plan.json）")
        written = "（无）" if fmt is None else f"「{str(fmt)[:40]}」"
        raise PlanFormatError(f"{source}：格式标识为{written}，应为「{FORMAT}」"
                              "（旧版或其他程序生成的文件：请重新运行 onevisit schedule）")
    rnd = rd.get(doc, "round", "", dict)
    window = rd.get(rnd, "window", "round", dict)
    round_ = PlanRound(
        name=rd.text(rnd, "name", "round"), code=rd.text(rnd, "code", "round"),
        start=rd.date(window, "start", "round.window"), end=rd.date(window, "end", "round.window"),
        lead_agency=rd.text(rnd, "lead_agency", "round"),
        avoid_home_township=rd.get(rnd, "avoid_home_township", "round", bool),
        min_team_size=rd.get(rnd, "min_team_size", "round", int),
        **_workload(rd, rnd),
    )

    def member(m: Mapping[str, Any], p: str) -> TeamMember:
        return TeamMember(rd.text(m, "inspector_id", p), rd.text(m, "name", p), rd.text(m, "agency", p),
                          rd.text(m, "role", p), rd.get(m, "drawn", p, bool), rd.get(m, "rank", p, int))

    def visit(v: Mapping[str, Any], p: str) -> ScheduledVisit:
        return ScheduledVisit(
            visit_id=rd.text(v, "visit_id", p), uscc=rd.text(v, "uscc", p), name=rd.text(v, "name", p),
            township=rd.text(v, "township", p), items=rd.texts(v, "items", p), agencies=rd.texts(v, "agencies", p),
            date=rd.date(v, "date", p), team=Team(rd.records(v, "team", p, member)),
            revision=rd.get(v, "revision", p, int),
        )

    def unassigned(u: Mapping[str, Any], p: str) -> Unassigned:
        return Unassigned(
            visit_id=rd.text(u, "visit_id", p), uscc=rd.text(u, "uscc", p), name=rd.text(u, "name", p),
            township=rd.text(u, "township", p), items=rd.texts(u, "items", p), agencies=rd.texts(u, "agencies", p),
            reasons=rd.texts(u, "reasons", p),
        )

    def withdrawn(w: Mapping[str, Any], p: str) -> Withdrawn:
        return Withdrawn(
            visit_id=rd.text(w, "visit_id", p), uscc=rd.text(w, "uscc", p), name=rd.text(w, "name", p),
            township=rd.text(w, "township", p), date=rd.date(w, "date", p),
            inspector_id=rd.text(w, "inspector_id", p), revision=rd.get(w, "revision", p, int),
        )

    def week(w: Mapping[str, Any], p: str) -> WeekLoad:
        return WeekLoad(rd.text(w, "week", p), rd.date(w, "first", p), rd.date(w, "last", p),
                        rd.get(w, "working_days", p, int), rd.get(w, "visits", p, int),
                        rd.get(w, "even_share", p, float), rd.get(w, "ratio", p, float))

    st = rd.get(doc, "statistics", "", dict)
    workload = {}
    for agency, w in rd.get(st, "workload", "statistics", dict).items():
        p = f"statistics.workload.{agency}"
        workload[str(agency)] = AgencyWorkload(rd.get(w, "officers", p, int), rd.get(w, "min", p, int),
                                               rd.get(w, "max", p, int), rd.get(w, "mean", p, float))
    def count(key: str) -> int:
        return rd.get(st, key, "statistics", int)

    def share(key: str) -> float:
        return rd.get(st, key, "statistics", float)

    statistics = Statistics(
        visits=count("visits"), assigned=count("assigned"), unassigned=count("unassigned"),
        as_drawn_share=share("as_drawn_share"), drawn_officer_share=share("drawn_officer_share"),
        officer_day_township_uses=count("officer_day_township_uses"),
        lower_bound_uses_given_teams=count("lower_bound_uses_given_teams"), gap_to_bound=share("gap_to_bound"),
        lower_bound_uses_any_teams=count("lower_bound_uses_any_teams"),
        lower_bound_officer_days={str(a): int(n) for a, n in rd.get(st, "lower_bound_officer_days", "statistics", dict).items()},
        workload=workload, shortages=rd.texts(st, "shortages", "statistics"),
        weeks=rd.records(st, "weeks", "statistics", week) if "weeks" in st else (),
        busiest_week_ratio=share("busiest_week_ratio") if "busiest_week_ratio" in st else 0.0,
        officer_busiest_weeks={str(o): OfficerWeek(rd.text(w, "week", f"statistics.officer_busiest_weeks.{o}"),
                                                   rd.get(w, "days", f"statistics.officer_busiest_weeks.{o}", int),
                                                   rd.get(w, "visits", f"statistics.officer_busiest_weeks.{o}", int))
                               for o, w in st.get("officer_busiest_weeks", {}).items()},
    )
    au = rd.get(doc, "audit", "", dict)
    previous = au.get("previous_plan_sha256")
    audit = Audit(
        draw_manifest_sha256=rd.text(au, "draw_manifest_sha256", "audit"), seed=rd.text(au, "seed", "audit"),
        solver=rd.get(au, "solver", "audit", dict), versions=rd.get(au, "versions", "audit", dict),
        previous_plan_sha256=previous if isinstance(previous, str) else None,
    )
    plan = Plan(
        round=round_,
        visits=rd.records(doc, "visits", "", visit),
        unassigned=rd.records(doc, "unassigned", "", unassigned),
        statistics=statistics,
        audit=audit,
        version=rd.get(doc, "version", "", int),
        withdrawn=rd.records(doc, "withdrawn", "", withdrawn),
    )
    seen: set[str] = set()
    for vid in [v.visit_id for v in plan.visits] + [u.visit_id for u in plan.unassigned]:
        if vid in seen:
            raise PlanFormatError(f"{source}：检查编号 {vid} 出现不止一次")
        seen.add(vid)
    return plan


def _workload(rd: _Reader, rnd: Mapping[str, Any]) -> dict[str, Any]:
    """``round.workload``; a plan written before the rule existed has none
    and reads with the default week limit and no month limit."""
    if "workload" not in rnd:
        return {}
    w = rd.get(rnd, "workload", "round", dict)
    month = w.get("max_days_per_month")
    if month is not None and (isinstance(month, bool) or not isinstance(month, int)):
        raise rd.fail("round.workload.max_days_per_month", "类型应为 整数 或 null")
    return {"max_days_per_week": rd.get(w, "max_days_per_week", "round.workload", int), "max_days_per_month": month}


def from_bytes(data: bytes, source: str = FILENAME) -> Plan:
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise PlanFormatError(f"{source}：不是 UTF-8 编码的文本文件") from None
    except json.JSONDecodeError as exc:
        raise PlanFormatError(f"{source}：第 {exc.lineno} 行第 {exc.colno} 列 JSON 格式错误（{exc.msg}）") from None
    return from_json(doc, source)


def read(path: Path) -> Plan:
    """Read a plan file (or the plan.json in a folder)."""
    if path.is_dir():
        path = path / FILENAME
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise PlanFormatError(f"找不到安排结果文件 {path}（请先运行 onevisit schedule）") from None
    except OSError as exc:
        raise PlanFormatError(f"无法读取 {path}：{exc.strerror or exc}") from None
    return from_bytes(data, str(path))
