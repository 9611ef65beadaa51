"""Inspector schedules (执法人员检查日程): for each officer with visits (or
with visits withdrawn since an earlier plan version), an ``.ics`` calendar
(RFC 5545, one all-day event per visit), a JSON file and a small workbook.

Re-issued calendars are recognised as updates: an event's UID is stable
(round, enterprise, officer), its ``SEQUENCE`` is the visit's revision, its
``DTSTAMP`` moves with the plan version, and a withdrawn visit is sent as a
``STATUS:CANCELLED`` event with the same UID (see docs/exports.md)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re

import icalendar

from scheduler.domain import Inspector
from scheduler.export.context import ExportContext, VisitRow, WithdrawnEvent
from scheduler.export.workbook import WEEKDAYS, new_workbook, table_sheet, workbook_bytes

HEADERS = ("序号", "检查日期", "星期", "乡镇街道", "企业名称", "地址", "检查事项", "本人角色", "检查组成员")
WITHDRAWN_HEADERS = ("序号", "原检查日期", "星期", "乡镇街道", "企业名称", "统一社会信用代码", "状态")
LIST_SHEET, WITHDRAWN_SHEET = "检查日程", "已取消"
WITHDRAWN = "已取消"
CANCELLED_PREFIX = "已取消："
CHINA = dt.timezone(dt.timedelta(hours=8))


def stem(officer: Inspector) -> str:
    return re.sub(r'[\\/:*?"<>|\s]+', "_", f"{officer.id}_{officer.name}")


def uid(ctx: ExportContext, uscc: str, inspector_id: str) -> str:
    """Stable across re-exports and plan versions of the same round: round,
    enterprise, officer."""
    round_key = hashlib.sha256(ctx.round_name.encode("utf-8")).hexdigest()[:12]
    return f"{round_key}-{uscc}-{inspector_id}@onevisit"


def event_uid(ctx: ExportContext, visit: VisitRow, officer: Inspector) -> str:
    return uid(ctx, visit.uscc, officer.id)


def dtstamp(ctx: ExportContext) -> dt.datetime:
    """Deterministic and increasing with the plan version: the round's first
    day 08:00 China time plus one minute per version after the first (in UTC,
    as RFC 5545 requires)."""
    local = ctx.stamp.replace(tzinfo=CHINA) + dt.timedelta(minutes=ctx.plan_version - 1)
    return local.astimezone(dt.UTC)


def _event(ctx: ExportContext, key: str, day: dt.date, sequence: int, status: str) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", key)
    event.add("dtstamp", dtstamp(ctx))
    event.add("sequence", sequence)
    event.add("status", status)
    event.add("dtstart", day)
    event.add("dtend", day + dt.timedelta(days=1))
    return event


def visit_event(ctx: ExportContext, visit: VisitRow, role: str, officer: Inspector) -> icalendar.Event:
    event = _event(ctx, event_uid(ctx, visit, officer), visit.date, visit.revision, "CONFIRMED")
    event.add("summary", f"联合检查：{visit.name}（{role}）")
    event.add("location", visit.address or visit.township)
    team = "、".join(f"{o.name}（{r}）" for o, r in visit.team)
    event.add("description", f"统一社会信用代码：{visit.uscc}\n检查事项：{'；'.join(visit.items)}\n检查组：{team}")
    return event


def cancelled_event(ctx: ExportContext, w: WithdrawnEvent) -> icalendar.Event:
    event = _event(ctx, uid(ctx, w.uscc, w.inspector_id), w.date, w.revision, "CANCELLED")
    event.add("summary", f"{CANCELLED_PREFIX}联合检查：{w.name}")
    event.add("location", w.township)
    event.add("description", f"统一社会信用代码：{w.uscc}\n本次检查已在第 {ctx.plan_version} 版计划中取消，无需前往。")
    return event


def calendar_bytes(ctx: ExportContext, officer: Inspector) -> bytes:
    cal = icalendar.Calendar()
    cal.add("prodid", "-//OneVisit//双随机联合抽查//ZH")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", f"{ctx.round_name}（{officer.name}）")
    for visit, role in ctx.visits_of(officer.id):
        cal.add_component(visit_event(ctx, visit, role, officer))
    for w in ctx.withdrawn_of(officer.id):
        cal.add_component(cancelled_event(ctx, w))
    return bytes(cal.to_ical())


def schedule_json(ctx: ExportContext, officer: Inspector) -> bytes:
    names = ctx.agency_names
    doc = {
        "round": ctx.round_name,
        "plan_version": ctx.plan_version,
        "inspector": {"inspector_id": officer.id, "name": officer.name, "agency": names.get(officer.agency, officer.agency)},
        "visits": [
            {"visit_id": v.visit_id, "date": v.date.isoformat(), "township": v.township, "enterprise": v.name,
             "uscc": v.uscc, "address": v.address, "items": list(v.items), "role": role, "revision": v.revision,
             "team": [{"inspector_id": o.id, "name": o.name, "role": r} for o, r in v.team]}
            for v, role in ctx.visits_of(officer.id)
        ],
        "withdrawn": [
            {"visit_id": w.visit_id, "date": w.date.isoformat(), "township": w.township, "enterprise": w.name,
             "uscc": w.uscc, "revision": w.revision, "status": WITHDRAWN}
            for w in ctx.withdrawn_of(officer.id)
        ],
    }
    return (json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")


def schedule_workbook(ctx: ExportContext, officer: Inspector) -> bytes:
    wb = new_workbook()
    visits = ctx.visits_of(officer.id)
    rows = [[n, v.date.isoformat(), WEEKDAYS[v.date.weekday()], v.township, v.name, v.address, "\n".join(v.items), role,
             "\n".join(f"{o.name}（{r}）" for o, r in v.team)] for n, (v, role) in enumerate(visits, start=1)]
    footer = f"抽取复核码 {ctx.verification}"
    table_sheet(wb, LIST_SHEET, f"{officer.name}（{officer.id}） {ctx.round_name} 检查日程（共 {len(visits)} 户）", HEADERS, rows,
                footer, centered=(1, 2, 3, 8), empty="本版计划中没有您的检查安排。")
    withdrawn = ctx.withdrawn_of(officer.id)
    if withdrawn:
        gone = [[n, w.date.isoformat(), WEEKDAYS[w.date.weekday()], w.township, w.name, w.uscc, WITHDRAWN]
                for n, w in enumerate(withdrawn, start=1)]
        table_sheet(wb, WITHDRAWN_SHEET, f"{officer.name}（{officer.id}） 第 {ctx.plan_version} 版计划取消的检查"
                    f"（共 {len(withdrawn)} 户，无需前往）", WITHDRAWN_HEADERS, gone, footer, centered=(1, 2, 3, 7))
    return workbook_bytes(wb, ctx.stamp)


def inspectors_with_visits(ctx: ExportContext) -> list[Inspector]:
    """Officers with visits or withdrawn events: each gets a calendar."""
    return sorted((o for o in ctx.dataset.inspectors if ctx.visits_of(o.id) or ctx.withdrawn_of(o.id)),
                  key=lambda o: o.id)
