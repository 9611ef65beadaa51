"""Independent check of a schedule (``plan.json``) against the rosters.

This module re-checks the six hard rules of ``docs/plan-format.md`` from the
plan and the rosters alone.  It shares no rule logic with the solver, so a
solver bug cannot hide itself here: it imports nothing from the solver's
modules (``scheduler.assign.solver``, ``eligibility``, ``visits``, ``plan``,
``capacity``), and it calls none of the rule helpers the solver uses
(``Inspector.cert_valid_on``, ``Inspector.available_on``,
``WorkCalendar.is_workday`` and ``workdays``) — certificate validity, leave, working days, team needs, the last
inspection's inspectors and the ordering of visits are written here again
from the rule text.  It reads the records' data fields only (of the
calendar, the dates of ``calendar.csv``; ``chinese-calendar`` it asks
itself), and the rule words and numbers of :mod:`scheduler.vocabulary`.  Visit ids are opaque strings (no
``V`` + digits assumed).  Each rule is one small function that takes one
resolved visit (or, for rule 4, all the visits of the plan) and returns the
violations it finds:

1. :func:`check_rule1_dates` — a working day within the window;
2. :func:`check_rule2_team` — team size per agency and in total, no officer
   twice, no officer of another agency, exactly one 带队 of the lead agency;
3. :func:`check_rule3_certificates` — certificate valid on the date, every
   资格要求 held;
4. :func:`check_rule4_availability` and :func:`check_rule4_days` — not on
   leave, at most 每日最多检查户数 visits a day, one township a day;
5. :func:`check_rule5_recusal` — 回避企业, the last inspection's inspectors,
   the officer's own township;
6. :func:`check_rule6_workload` — the round's workload rule: at most N
   inspection days per officer in an ISO week (and, when set, in a month).

Structural faults of the plan are reported under rule 1 when they concern
*when / whether* a visit is scheduled (missing or malformed date, a visit
listed twice, a visit both scheduled and unassigned, no window) and under
rule 2 when they concern *what / who* (unknown enterprise, item or
inspector, a field that contradicts the rosters).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import chinese_calendar

from scheduler.domain import DEFAULT_MAX_DAYS_PER_WEEK, Dataset, Inspector, Item, Workload
from scheduler.vocabulary import LEADER, MEMBER, MIN_TEAM_SIZE, WEEKDAYS

if TYPE_CHECKING:  # a runtime import of scheduler.workdays first would close an import cycle via scheduler.io
    from scheduler.workdays import WorkCalendar

__all__ = [
    "LEADER",
    "LEGAL_MIN_TEAM",
    "MEMBER",
    "PlanRound",
    "PlannedVisit",
    "TeamMember",
    "Violation",
    "certificate_valid",
    "check_plan",
    "check_rule1_dates",
    "check_rule2_team",
    "check_rule3_certificates",
    "check_rule4_availability",
    "check_rule4_days",
    "check_rule5_recusal",
    "check_rule6_workload",
    "check_structure",
    "leave_covering",
    "read_plan",
    "working_day",
]

LEGAL_MIN_TEAM = MIN_TEAM_SIZE  # 行政执法人员不得少于两人 — a plan may ask for more, never for fewer
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


# --------------------------------------------------------------------------
# Records


@dataclass(frozen=True)
class Violation:
    """One broken hard rule, located as precisely as possible."""

    rule: int  # 1–6, as numbered in docs/plan-format.md
    visit_id: str | None
    inspector_id: str | None
    date: str | None  # the visit's date as written in the plan
    message: str  # Chinese, self-contained

    def __str__(self) -> str:
        where = " ".join(p for p in (f"规则{self.rule}", self.visit_id, self.inspector_id) if p)
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class PlanRound:
    """The parts of the plan's ``round`` header the rules depend on."""

    start: dt.date | None
    end: dt.date | None
    lead_agency: str
    avoid_home_township: bool
    min_team_size: int
    max_days_per_week: int = DEFAULT_MAX_DAYS_PER_WEEK
    max_days_per_month: int | None = None


@dataclass(frozen=True)
class TeamMember:
    """One entry of a visit's ``team``, with its roster record (if any)."""

    inspector_id: str
    role: str
    agency_written: str  # the plan's ``agency`` field
    officer: Inspector | None  # None: not in the inspector roster


@dataclass(frozen=True)
class PlannedVisit:
    """One entry of ``visits``, resolved against the rosters."""

    visit_id: str
    uscc: str
    township: str  # from the enterprise roster; the plan's own if unknown there
    township_written: str
    date_text: str | None  # as written
    day: dt.date | None  # parsed; None when missing or malformed
    items: tuple[Item, ...]  # known items only
    item_codes: tuple[str, ...]  # as written
    agencies_written: tuple[str, ...]
    team: tuple[TeamMember, ...]

    def officers(self) -> list[Inspector]:
        """The team's roster officers, each once, in team order."""
        found = {m.officer.id: m.officer for m in self.team if m.officer is not None}
        return list(found.values())

    @property
    def agencies(self) -> frozenset[str]:
        """The agencies the visit involves: those of its items."""
        return frozenset(i.agency for i in self.items)

    def officers_needed(self) -> dict[str, int]:
        """Per agency, the largest 每户所需人数 among its items."""
        need: dict[str, int] = {}
        for item in self.items:
            need[item.agency] = max(need.get(item.agency, 0), item.officers)
        return need

    def qualifications_needed(self, agency: str) -> list[str]:
        """The 资格要求 of the visit's items of *agency* (sorted, no blanks)."""
        return sorted({i.qualification for i in self.items if i.agency == agency and i.qualification})

    def where(self) -> str:
        """Message prefix: "V0003 2026-10-14"."""
        return f"{self.visit_id} {self.date_text}" if self.date_text else self.visit_id

    def violation(self, rule: int, message: str, inspector_id: str | None = None) -> Violation:
        return Violation(rule, self.visit_id or None, inspector_id, self.date_text, message)


# --------------------------------------------------------------------------
# Reading the plan


def read_plan(path: Path) -> dict[str, Any]:
    """Load ``plan.json`` (UTF-8)."""
    with path.open(encoding="utf-8") as fh:
        data = json.load(fh)
    if not isinstance(data, dict):
        raise ValueError(f"{path}: plan.json 顶层应为 JSON 对象")
    return data


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


def _parse_date(value: object) -> dt.date | None:
    text = _text(value)
    if not _ISO_DATE.match(text):
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def _as_list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def _as_dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def read_round(plan: Mapping[str, Any]) -> PlanRound:
    header = _as_dict(plan.get("round"))
    window = _as_dict(header.get("window"))
    try:
        min_team = int(header.get("min_team_size") or LEGAL_MIN_TEAM)
    except (TypeError, ValueError):
        min_team = LEGAL_MIN_TEAM
    workload = _as_dict(header.get("workload"))
    week = workload.get("max_days_per_week")
    month = workload.get("max_days_per_month")
    return PlanRound(
        start=_parse_date(window.get("start")),
        end=_parse_date(window.get("end")),
        lead_agency=_text(header.get("lead_agency")),
        avoid_home_township=header.get("avoid_home_township") is True,
        min_team_size=max(LEGAL_MIN_TEAM, min_team),
        max_days_per_week=week if isinstance(week, int) and _positive_int(week) else DEFAULT_MAX_DAYS_PER_WEEK,
        max_days_per_month=month if isinstance(month, int) and _positive_int(month) else None,
    )


def _positive_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def resolve_visit(raw: Mapping[str, Any], items: Mapping[str, Item], inspectors: Mapping[str, Inspector],
                  townships: Mapping[str, str]) -> PlannedVisit:
    """Tie one plan entry to the rosters."""
    uscc = _text(raw.get("uscc"))
    codes = tuple(_text(c) for c in _as_list(raw.get("items")))
    date_text = _text(raw.get("date")) or None
    team = tuple(
        TeamMember(
            inspector_id=_text(m.get("inspector_id")),
            role=_text(m.get("role")),
            agency_written=_text(m.get("agency")),
            officer=inspectors.get(_text(m.get("inspector_id"))),
        )
        for m in (_as_dict(x) for x in _as_list(raw.get("team")))
    )
    return PlannedVisit(
        visit_id=_text(raw.get("visit_id")),
        uscc=uscc,
        township=townships.get(uscc, _text(raw.get("township"))),
        township_written=_text(raw.get("township")),
        date_text=date_text,
        day=_parse_date(date_text),
        items=tuple(items[c] for c in codes if c in items),
        item_codes=codes,
        agencies_written=tuple(_text(a) for a in _as_list(raw.get("agencies"))),
        team=team,
    )


def last_inspectors(dataset: Dataset, usccs: Iterable[str]) -> dict[str, frozenset[str]]:
    """Per enterprise, the inspectors of its most recent inspection in the
    history (every row on the latest date, all agencies)."""
    history = dataset.history
    if history is None or history.empty:
        return {}
    wanted = set(usccs)
    latest: dict[str, dt.date] = {}
    names: dict[str, set[str]] = {}
    for uscc, day, cell in zip(history["uscc"], history["date"], history["inspectors"], strict=True):
        if uscc not in wanted or not isinstance(day, dt.date):
            continue
        ids = {p.strip() for p in str(cell or "").split(";") if p.strip()}
        if uscc not in latest or day > latest[uscc]:
            latest[uscc], names[uscc] = day, ids
        elif day == latest[uscc]:
            names[uscc] |= ids
    return {u: frozenset(ids) for u, ids in names.items()}


# --------------------------------------------------------------------------
# Roster facts, from the rule text (docs/plan-format.md rules 3 and 4)


def certificate_valid(expiry: dt.date, day: dt.date) -> bool:
    """Rule 3: a certificate is valid on *day* when ``day ≤ 执法证有效期``
    (the expiry date itself is still a valid day)."""
    return day <= expiry


def leave_covering(ranges: Iterable[tuple[dt.date, dt.date]], day: dt.date) -> tuple[dt.date, dt.date] | None:
    """Rule 4: the first 不可用日期 range (both ends inclusive) that holds
    *day*, or None when the officer is available that day."""
    for first, last in ranges:
        if first <= day <= last:
            return first, last
    return None


def working_day(declared: Mapping[dt.date, bool], day: dt.date) -> bool:
    """Rule 1, as docs/inputs.md states the calendar: the dates of
    ``calendar.csv`` (*declared*: True for 班/上班, False for 休/放假) first;
    a year with any declared date is covered by the file alone (its other
    days: Monday–Friday); then the ``chinese-calendar`` package's State
    Council schedule; for a year it does not know, Monday–Friday."""
    if day in declared:
        return declared[day]
    if any(d.year == day.year for d in declared):
        return day.weekday() < 5
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return day.weekday() < 5


# --------------------------------------------------------------------------
# The rules, one visit at a time


def check_rule1_dates(visit: PlannedVisit, round_: PlanRound, calendar: WorkCalendar) -> list[Violation]:
    """Rule 1: the date is a working day within the window."""
    if visit.date_text is None:
        return [visit.violation(1, f"{visit.visit_id} 已排期但缺少检查日期")]
    day = visit.day
    if day is None:
        return [visit.violation(1, f"{visit.visit_id} 检查日期「{visit.date_text}」不是 YYYY-MM-DD 格式的有效日期")]
    out: list[Violation] = []
    if not working_day(calendar.overrides, day):
        why = calendar.holiday_name(day) or WEEKDAYS[day.weekday()]  # wording only
        out.append(visit.violation(1, f"{visit.where()} 不是工作日（{why}）"))
    if round_.start is not None and round_.end is not None and not round_.start <= day <= round_.end:
        out.append(visit.violation(1, f"{visit.where()} 不在检查窗口 {round_.start} 至 {round_.end} 内"))
    return out


def check_rule2_team(visit: PlannedVisit, round_: PlanRound, agency_names: Mapping[str, str]) -> list[Violation]:
    """Rule 2: who is on the team, how many, and who leads."""
    def name(code: str) -> str:
        return agency_names.get(code, code)

    out: list[Violation] = []
    known = {i.code for i in visit.items}
    for code in visit.item_codes:
        if code not in known:
            out.append(visit.violation(2, f"{visit.where()} 抽查事项清单中没有事项编码「{code}」"))
    if not visit.item_codes:
        out.append(visit.violation(2, f"{visit.where()} 没有抽查事项"))
    if set(visit.agencies_written) != visit.agencies:
        written = "、".join(sorted(set(visit.agencies_written))) or "（空）"
        derived = "、".join(sorted(visit.agencies)) or "（空）"
        out.append(visit.violation(2, f"{visit.where()} 所列部门 {written} 与事项所属部门 {derived} 不一致"))

    # Each entry on its own: known, of an involved agency, agency as in the roster, a known role.
    for m in visit.team:
        who = m.inspector_id or "（空）"
        if m.officer is None:
            out.append(visit.violation(2, f"{visit.where()} 执法检查人员名录库中没有人员编号「{who}」", m.inspector_id or None))
            continue
        agency = m.officer.agency
        if agency not in visit.agencies:
            out.append(visit.violation(
                2, f"{visit.where()} {m.inspector_id} 属{name(agency)}，本户检查不涉及该部门", m.inspector_id))
        if m.agency_written and m.agency_written != agency:
            out.append(visit.violation(
                2, f"{visit.where()} {m.inspector_id} 所列部门「{m.agency_written}」与名录中的部门「{agency}」不一致",
                m.inspector_id))
        if m.role not in (LEADER, MEMBER):
            out.append(visit.violation(
                2, f"{visit.where()} {m.inspector_id} 的角色「{m.role}」应为「{LEADER}」或「{MEMBER}」", m.inspector_id))

    # No officer twice.
    for inspector_id, n in sorted(Counter(m.inspector_id for m in visit.team if m.inspector_id).items()):
        if n > 1:
            out.append(visit.violation(2, f"{visit.where()} {inspector_id} 在检查组中出现 {n} 次", inspector_id))

    # Enough officers per agency and in total (each officer counted once).
    officers = visit.officers()
    per_agency = Counter(o.agency for o in officers)
    for agency, need in sorted(visit.officers_needed().items()):
        if per_agency[agency] < need:
            out.append(visit.violation(
                2, f"{visit.where()} {name(agency)}需 {need} 名执法人员，实派 {per_agency[agency]} 名"))
    if len(officers) < round_.min_team_size:
        out.append(visit.violation(
            2, f"{visit.where()} 检查组仅 {len(officers)} 名执法人员，至少需 {round_.min_team_size} 名"))

    # Exactly one leader, of the lead agency when it takes part.
    leaders = [m for m in visit.team if m.role == LEADER]
    if not leaders:
        out.append(visit.violation(2, f"{visit.where()} 检查组没有{LEADER}人员"))
    elif len(leaders) > 1:
        ids = "、".join(m.inspector_id for m in leaders)
        out.append(visit.violation(2, f"{visit.where()} 检查组有 {len(leaders)} 名{LEADER}人员（{ids}），应恰好 1 名"))
    lead = round_.lead_agency
    if lead and lead in visit.agencies:
        for m in leaders:
            if m.officer is not None and m.officer.agency != lead:
                out.append(visit.violation(
                    2, f"{visit.where()} {m.inspector_id} 属{name(m.officer.agency)}，{LEADER}人员应来自牵头部门{name(lead)}",
                    m.inspector_id))
    return out


def check_rule3_certificates(visit: PlannedVisit) -> list[Violation]:
    """Rule 3: certificate valid on the date; every 资格要求 of the officer's
    agency's items held."""
    out: list[Violation] = []
    for officer in visit.officers():
        if visit.day is not None and not certificate_valid(officer.cert_expiry, visit.day):
            out.append(visit.violation(3, f"{visit.where()} {officer.id} 执法证已于 {officer.cert_expiry} 过期", officer.id))
        if officer.agency not in visit.agencies:
            continue  # reported under rule 2; no items of its own to qualify for
        missing = [q for q in visit.qualifications_needed(officer.agency) if q not in officer.qualifications]
        if missing:
            out.append(visit.violation(
                3, f"{visit.where()} {officer.id} 不具备资格「{'、'.join(missing)}」", officer.id))
    return out


def check_rule4_availability(visit: PlannedVisit) -> list[Violation]:
    """Rule 4, first part: no officer is on leave (不可用日期) that day."""
    day = visit.day
    if day is None:
        return []
    out: list[Violation] = []
    for officer in visit.officers():
        leave = leave_covering(officer.unavailable, day)
        if leave is None:
            continue
        a, b = leave
        span = str(a) if a == b else f"{a} 至 {b}"
        out.append(visit.violation(4, f"{visit.where()} {officer.id} 不可用（{span}）", officer.id))
    return out


def check_rule4_days(visits: Sequence[PlannedVisit]) -> list[Violation]:
    """Rule 4, second part: per officer and day, at most 每日最多检查户数
    visits, all in one township.  One violation per officer and day, on the
    first visit (in visit-id order, ids compared as plain strings) that
    breaks the limit."""
    days: dict[tuple[str, dt.date], list[PlannedVisit]] = {}
    officers: dict[str, Inspector] = {}
    for visit in sorted(visits, key=lambda v: v.visit_id):
        if visit.day is None:
            continue
        for officer in visit.officers():
            officers[officer.id] = officer
            days.setdefault((officer.id, visit.day), []).append(visit)
    out: list[Violation] = []
    for (inspector_id, _day), todays in sorted(days.items()):
        cap = officers[inspector_id].max_visits_per_day
        listing = "、".join(v.visit_id for v in todays)
        if len(todays) > cap:
            first = todays[cap]
            out.append(first.violation(
                4, f"{first.where()} {inspector_id} 当日检查 {len(todays)} 户（{listing}），超过每日最多 {cap} 户", inspector_id))
        towns = list(dict.fromkeys(v.township for v in todays))
        if len(towns) > 1:
            first = next(v for v in todays if v.township != towns[0])
            detail = "；".join(f"{t}（{'、'.join(v.visit_id for v in todays if v.township == t)}）" for t in towns)
            out.append(first.violation(
                4, f"{first.where()} {inspector_id} 当日在 {len(towns)} 个乡镇检查：{detail}", inspector_id))
    return out


def check_rule5_recusal(visit: PlannedVisit, round_: PlanRound, last_team: frozenset[str]) -> list[Violation]:
    """Rule 5 (回避): declared conflicts, the last inspection's inspectors and,
    when the round asks for it, the officer's own township."""
    out: list[Violation] = []
    for officer in visit.officers():
        if visit.uscc in officer.conflicts:
            out.append(visit.violation(5, f"{visit.where()} {officer.id} 须回避企业 {visit.uscc}（回避企业名单）", officer.id))
        if officer.id in last_team:
            out.append(visit.violation(
                5, f"{visit.where()} {officer.id} 参加了企业 {visit.uscc} 最近一次检查，本次应回避", officer.id))
        if round_.avoid_home_township and officer.base_township and officer.base_township == visit.township:
            out.append(visit.violation(
                5, f"{visit.where()} {officer.id} 所在乡镇为{officer.base_township}，不得检查本乡镇企业", officer.id))
    return out


def check_rule6_workload(visits: Sequence[PlannedVisit], round_: PlanRound) -> list[Violation]:
    """Rule 6 (工作量上限): per officer, at most ``max_days_per_week``
    inspection days (dates with at least one of their visits) in one ISO
    week, Monday to Sunday, and, when set, ``max_days_per_month`` in one
    calendar month.  One violation per officer and period, on the first
    visit (by date, then visit id) of the first day beyond the limit."""
    days: dict[str, dict[dt.date, list[PlannedVisit]]] = {}
    for visit in visits:
        if visit.day is None:
            continue
        for officer in visit.officers():
            days.setdefault(officer.id, {}).setdefault(visit.day, []).append(visit)
    out: list[Violation] = []
    periods: list[tuple[str, int | None, Any]] = [
        ("周", round_.max_days_per_week, lambda d: d.isocalendar()[:2]),
        ("月", round_.max_days_per_month, lambda d: (d.year, d.month)),
    ]
    for inspector_id, by_day in sorted(days.items()):
        for word, limit, period_of in periods:
            if limit is None:
                continue
            grouped: dict[Any, list[dt.date]] = {}
            for day in sorted(by_day):
                grouped.setdefault(period_of(day), []).append(day)
            for period, ds in sorted(grouped.items()):
                if len(ds) <= limit:
                    continue
                first = min(by_day[ds[limit]], key=lambda v: v.visit_id)
                name = f"{period[0]}年第{period[1]}周" if word == "周" else f"{period[0]}年{period[1]}月"
                listing = "、".join(d.isoformat() for d in ds)
                out.append(first.violation(
                    6, f"{first.where()} {inspector_id} {name}检查 {len(ds)} 天（{listing}），超过每{word}最多 {limit} 天",
                    inspector_id))
    return out


# --------------------------------------------------------------------------
# The whole plan


def check_structure(plan: Mapping[str, Any], round_: PlanRound, visits: Sequence[PlannedVisit],
                    known_usccs: frozenset[str]) -> list[Violation]:
    """Plan-level and listing faults: the round header, visits listed twice or
    both scheduled and unassigned, unknown enterprises."""
    out: list[Violation] = []
    if round_.start is None or round_.end is None:
        out.append(Violation(1, None, None, None, "计划的 round.window 缺少有效的开始或结束日期（YYYY-MM-DD）"))
    elif round_.start > round_.end:
        out.append(Violation(1, None, None, None, f"检查窗口开始日期 {round_.start} 晚于结束日期 {round_.end}"))
    if not round_.lead_agency:
        out.append(Violation(2, None, None, None, "计划的 round.lead_agency（牵头部门）为空"))

    for visit in visits:
        if not visit.visit_id:
            out.append(visit.violation(1, f"企业 {visit.uscc or '（空）'} 的检查缺少 visit_id"))
        if visit.uscc not in known_usccs:
            out.append(visit.violation(2, f"{visit.where()} 检查对象名录库中没有统一社会信用代码「{visit.uscc}」"))
        elif visit.township_written and visit.township_written != visit.township:
            out.append(visit.violation(
                2, f"{visit.where()} 所列乡镇「{visit.township_written}」与检查对象名录库中的「{visit.township}」不一致"))
    counts = Counter(v.visit_id for v in visits if v.visit_id)
    for visit_id, n in sorted(counts.items()):
        if n > 1:
            out.append(Violation(1, visit_id, None, None, f"{visit_id} 在 visits 中出现 {n} 次"))
    unassigned = [_text(_as_dict(u).get("visit_id")) for u in _as_list(plan.get("unassigned"))]
    for visit_id, n in sorted(Counter(u for u in unassigned if u).items()):
        if n > 1:
            out.append(Violation(1, visit_id, None, None, f"{visit_id} 在 unassigned 中出现 {n} 次"))
    for visit_id in sorted(set(unassigned) & set(counts)):
        out.append(Violation(1, visit_id, None, None, f"{visit_id} 同时出现在 visits 和 unassigned 中"))
    return out


def check_plan(plan: Mapping[str, Any], dataset: Dataset, calendar: WorkCalendar,
               workload: Workload | None = None) -> list[Violation]:
    """Every violation of the hard rules: plan-level ones first, then by
    visit id (compared as plain strings: ids need not be ``V`` + digits),
    then by rule; the order among equal keys is the order found.

    *workload*, the round file's rule when the caller has it, is the
    authority for rule 6; without it the plan's ``round.workload`` header is
    used (the default week limit when the header has none)."""
    round_ = read_round(plan)
    if workload is not None:
        round_ = replace(round_, max_days_per_week=workload.max_days_per_week,
                         max_days_per_month=workload.max_days_per_month)
    raw_visits = [_as_dict(v) for v in _as_list(plan.get("visits"))]
    usccs = {_text(v.get("uscc")) for v in raw_visits}
    frame = dataset.enterprises
    mine = frame.loc[frame["uscc"].isin(usccs), ["uscc", "township"]]
    townships = dict(zip(mine["uscc"], mine["township"], strict=True))
    items = {i.code: i for i in dataset.items}
    inspectors = {i.id: i for i in dataset.inspectors}
    visits = [resolve_visit(v, items, inspectors, townships) for v in raw_visits]
    last = last_inspectors(dataset, usccs)
    agency_names = dataset.agencies.names()

    out = check_structure(plan, round_, visits, frozenset(townships))
    for visit in visits:
        out += check_rule1_dates(visit, round_, calendar)
        out += check_rule2_team(visit, round_, agency_names)
        out += check_rule3_certificates(visit)
        out += check_rule4_availability(visit)
        out += check_rule5_recusal(visit, round_, last.get(visit.uscc, frozenset()))
    out += check_rule4_days(visits)
    out += check_rule6_workload(visits, round_)
    return sorted(out, key=_order)


def _order(violation: Violation) -> tuple[bool, str, int]:
    """Plan-level violations (no visit id) first, then visit id as a plain
    string, then rule."""
    return (violation.visit_id is not None, violation.visit_id or "", violation.rule)
