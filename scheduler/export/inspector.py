"""Inspector schedules (执法人员检查日程): for each officer with visits, an
``.ics`` calendar (RFC 5545, one all-day event per visit, stable UIDs so a
re-import updates rather than duplicates), a JSON file and a small workbook."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re

import icalendar

from scheduler.domain import Inspector
from scheduler.export.context import ExportContext, VisitRow
from scheduler.export.workbook import WEEKDAYS, new_workbook, table_sheet, workbook_bytes

HEADERS = ("序号", "检查日期", "星期", "乡镇街道", "企业名称", "地址", "检查事项", "本人角色", "检查组成员")


def stem(officer: Inspector) -> str:
    return re.sub(r'[\\/:*?"<>|\s]+', "_", f"{officer.id}_{officer.name}")


def event_uid(ctx: ExportContext, visit: VisitRow, officer: Inspector) -> str:
    """Stable across re-exports of the same round: round, enterprise, officer."""
    round_key = hashlib.sha256(ctx.round_name.encode("utf-8")).hexdigest()[:12]
    return f"{round_key}-{visit.uscc}-{officer.id}@onevisit"


def calendar_bytes(ctx: ExportContext, officer: Inspector) -> bytes:
    cal = icalendar.Calendar()
    cal.add("prodid", "-//OneVisit//双随机联合抽查//ZH")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", f"{ctx.round_name}（{officer.name}）")
    for visit, role in ctx.visits_of(officer.id):
        event = icalendar.Event()
        event.add("uid", event_uid(ctx, visit, officer))
        event.add("dtstamp", ctx.stamp.replace(tzinfo=dt.timezone(dt.timedelta(hours=8))))
        event.add("dtstart", visit.date)
        event.add("dtend", visit.date + dt.timedelta(days=1))
        event.add("summary", f"联合检查：{visit.name}（{role}）")
        event.add("location", visit.address or visit.township)
        team = "、".join(f"{o.name}（{r}）" for o, r in visit.team)
        event.add("description", f"统一社会信用代码：{visit.uscc}\n检查事项：{'；'.join(visit.items)}\n检查组：{team}")
        cal.add_component(event)
    return bytes(cal.to_ical())


def schedule_json(ctx: ExportContext, officer: Inspector) -> bytes:
    names = ctx.agency_names
    doc = {
        "round": ctx.round_name,
        "inspector": {"inspector_id": officer.id, "name": officer.name, "agency": names.get(officer.agency, officer.agency)},
        "visits": [
            {"visit_id": v.visit_id, "date": v.date.isoformat(), "township": v.township, "enterprise": v.name,
             "uscc": v.uscc, "address": v.address, "items": list(v.items), "role": role,
             "team": [{"inspector_id": o.id, "name": o.name, "role": r} for o, r in v.team]}
            for v, role in ctx.visits_of(officer.id)
        ],
    }
    return (json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")


def schedule_workbook(ctx: ExportContext, officer: Inspector) -> bytes:
    wb = new_workbook()
    visits = ctx.visits_of(officer.id)
    rows = [[n, v.date.isoformat(), WEEKDAYS[v.date.weekday()], v.township, v.name, v.address, "\n".join(v.items), role,
             "\n".join(f"{o.name}（{r}）" for o, r in v.team)] for n, (v, role) in enumerate(visits, start=1)]
    table_sheet(wb, "检查日程", f"{officer.name}（{officer.id}） {ctx.round_name} 检查日程（共 {len(visits)} 户）", HEADERS, rows,
                f"抽取复核码 {ctx.verification}", centered=(1, 2, 3, 8))
    return workbook_bytes(wb, ctx.stamp)


def inspectors_with_visits(ctx: ExportContext) -> list[Inspector]:
    return sorted((o for o in ctx.dataset.inspectors if ctx.visits_of(o.id)), key=lambda o: o.id)
