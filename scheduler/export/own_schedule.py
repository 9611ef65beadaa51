"""An inspector's own schedule as the service hands it out (calendar and
workbook), with each enterprise hidden until its reveal day
(:func:`scheduler.access.reveal_date`).

A hidden visit shows its date, township, agencies and team, never the
enterprise: not its name, USCC or visit id (which contains the USCC), nor
the check items.  The calendar event of a visit keeps one UID from before
to after its reveal, so a calendar that imports the schedule again updates
the event instead of adding a second one.  That UID cannot name the
enterprise: it is an HMAC of the visit id and the inspector under a secret
of the round that only the service holds (:func:`event_uid`); ``SEQUENCE``
is ``2 × revision + revealed``, so it grows when the visit is revealed and
with every revision.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from collections.abc import Sequence
from dataclasses import dataclass

import icalendar

from scheduler.access import VisitView
from scheduler.export.workbook import WEEKDAYS, new_workbook, table_sheet, workbook_bytes

HEADERS = ("序号", "检查日期", "星期", "乡镇街道", "企业名称", "统一社会信用代码", "检查事项", "本人角色", "检查组成员")
SHEET = "检查日程"
UID_DOMAIN = "onevisit"


def event_uid(secret: bytes, visit_id: str, inspector_id: str) -> str:
    """The calendar UID of a visit for an inspector: stable, and unlinkable
    to the enterprise without the round's secret."""
    digest = hmac.new(secret, f"{visit_id}\x1f{inspector_id}".encode(), hashlib.sha256).hexdigest()[:32]
    return f"{digest}@{UID_DOMAIN}"


@dataclass(frozen=True)
class OwnVisit:
    view: VisitView
    reveal_on: dt.date  # the first day the enterprise is shown
    uid: str  # :func:`event_uid` of the unredacted visit


@dataclass(frozen=True)
class OwnSchedule:
    round_name: str
    plan_version: int
    inspector_id: str
    generated_at: dt.datetime  # UTC
    visits: tuple[OwnVisit, ...]


def hidden_name(visit: OwnVisit) -> str:
    return f"（企业名称将于 {visit.reveal_on.isoformat()} 公布）"


def role_of(view: VisitView, inspector_id: str) -> str:
    return next((m.role for m in view.team if m.inspector_id == inspector_id), "")


def team_text(view: VisitView) -> str:
    return "、".join(f"{m.name}（{m.role}）" for m in view.team)


def event(schedule: OwnSchedule, visit: OwnVisit) -> icalendar.Event:
    view = visit.view
    role = role_of(view, schedule.inspector_id)
    e = icalendar.Event()
    e.add("uid", visit.uid)
    e.add("dtstamp", schedule.generated_at)
    e.add("sequence", 2 * view.revision + int(view.revealed))
    e.add("status", "CONFIRMED")
    e.add("dtstart", view.date)
    e.add("dtend", view.date + dt.timedelta(days=1))
    e.add("location", view.township)
    if view.revealed:
        e.add("summary", f"联合检查：{view.name}（{role}）")
        e.add("description", f"统一社会信用代码：{view.uscc}\n检查事项：{'；'.join(view.items)}\n检查组：{team_text(view)}")
    else:
        e.add("summary", f"联合检查{hidden_name(visit)}（{role}）")
        e.add("description", f"乡镇街道：{view.township}\n检查组：{team_text(view)}\n"
                             f"企业和检查事项于 {visit.reveal_on.isoformat()} 起显示，届时请重新下载日程。")
    return e


def calendar_bytes(schedule: OwnSchedule) -> bytes:
    cal = icalendar.Calendar()
    cal.add("prodid", "-//OneVisit//双随机联合抽查//ZH")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", f"{schedule.round_name}（{schedule.inspector_id}）")
    for visit in schedule.visits:
        cal.add_component(event(schedule, visit))
    return bytes(cal.to_ical())


def workbook(schedule: OwnSchedule, stamp: dt.datetime) -> bytes:
    rows: list[Sequence[object]] = []
    for n, visit in enumerate(schedule.visits, start=1):
        view = visit.view
        shown = view.revealed
        rows.append([n, view.date.isoformat(), WEEKDAYS[view.date.weekday()], view.township,
                     view.name if shown else hidden_name(visit), view.uscc if shown else "",
                     "\n".join(view.items) if shown else "", role_of(view, schedule.inspector_id),
                     "\n".join(f"{m.name}（{m.role}）" for m in view.team)])
    wb = new_workbook()
    table_sheet(wb, SHEET, f"{schedule.inspector_id} {schedule.round_name} 检查日程（第 {schedule.plan_version} 版，"
                f"共 {len(rows)} 户；企业于检查前公布）", HEADERS, rows,
                f"生成于 {schedule.generated_at:%Y-%m-%d %H:%M} UTC", centered=(1, 2, 3, 8),
                empty="本版计划中没有您的检查安排。")
    return workbook_bytes(wb, stamp)
