"""Inspector schedules: every officer's calendar, JSON and workbook against
plan.json and the rosters; re-issued calendars that phone and desktop
calendars recognise as updates (SEQUENCE, DTSTAMP, cancelled events)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import io
import json
from pathlib import Path
from typing import Any

import icalendar
import openpyxl
import pytest
from raw_inputs import WEEKDAY_NAMES, Raw, cells

from scheduler.export.context import ExportContext, WithdrawnEvent, build_context
from scheduler.export.inspector import (
    calendar_bytes,
    inspectors_with_visits,
    schedule_json,
    schedule_workbook,
    stem,
)

UTC = dt.UTC


def officer_visits(raw: Raw, inspector_id: str) -> list[tuple[dict[str, Any], str]]:
    return [(v, m["role"]) for v in raw.visits() for m in v["team"] if m["inspector_id"] == inspector_id]


def uid(raw: Raw, uscc: str, inspector_id: str) -> str:
    return f"{hashlib.sha256(raw.plan['round']['name'].encode()).hexdigest()[:12]}-{uscc}-{inspector_id}@onevisit"


def team_text(raw: Raw, v: dict[str, Any], sep: str) -> str:
    return sep.join(f"{raw.officers[m['inspector_id']].name}（{m['role']}）" for m in v["team"])


def test_every_officer_with_visits_gets_three_files(demo: Path, raw: Raw) -> None:
    folder = demo / "exports" / "执法人员"
    ids = sorted({m["inspector_id"] for v in raw.plan["visits"] for m in v["team"]})
    expected = sorted(f"{i}_{raw.officers[i].name}{suffix}" for i in ids for suffix in (".ics", ".json", ".xlsx"))
    assert sorted(p.name for p in folder.iterdir()) == expected


def test_calendars_match_the_plan_and_rosters(demo: Path, raw: Raw) -> None:
    folder = demo / "exports" / "执法人员"
    name = raw.plan["round"]["name"]
    stamp = dt.datetime(2026, 10, 12, 0, 0, tzinfo=UTC)  # the window's first day, 08:00 in China
    uids: set[str] = set()
    for officer_id in sorted({m["inspector_id"] for v in raw.plan["visits"] for m in v["team"]}):
        officer = raw.officers[officer_id]
        data = (folder / f"{officer_id}_{officer.name}.ics").read_bytes()
        cal = icalendar.Calendar.from_ical(data)
        assert cal.to_ical() == data  # round trip
        assert str(cal["x-wr-calname"]) == f"{name}（{officer.name}）"
        events = list(cal.walk("VEVENT"))
        planned = officer_visits(raw, officer_id)
        assert len(events) == len(planned) > 0
        for e, (v, role) in zip(events, planned, strict=True):
            ent = raw.enterprises[v["uscc"]]
            day = dt.date.fromisoformat(v["date"])
            assert str(e["uid"]) == uid(raw, v["uscc"], officer_id)
            assert (e.decoded("dtstart"), e.decoded("dtend")) == (day, day + dt.timedelta(days=1))
            assert e.decoded("dtstamp") == stamp and int(e["sequence"]) == 0 and str(e["status"]) == "CONFIRMED"
            assert str(e["summary"]) == f"联合检查：{ent['企业名称']}（{role}）"
            assert str(e["location"]) == ent["地址"]
            assert str(e["description"]) == (f"统一社会信用代码：{v['uscc']}\n检查事项：{'；'.join(raw.items[c][0] for c in v['items'])}"
                                             f"\n检查组：{team_text(raw, v, '、')}")
            assert str(e["uid"]) not in uids
            uids.add(str(e["uid"]))
    assert len(uids) == sum(len(v["team"]) for v in raw.plan["visits"])


def test_json_schedules_match_the_plan_and_rosters(demo: Path, raw: Raw) -> None:
    folder = demo / "exports" / "执法人员"
    for officer_id in sorted({m["inspector_id"] for v in raw.plan["visits"] for m in v["team"]}):
        officer = raw.officers[officer_id]
        doc = json.loads((folder / f"{officer_id}_{officer.name}.json").read_text(encoding="utf-8"))
        assert doc == {
            "round": raw.plan["round"]["name"], "plan_version": 1,
            "inspector": {"inspector_id": officer_id, "name": officer.name, "agency": raw.short[officer.agency]},
            "visits": [{"visit_id": v["visit_id"], "date": v["date"], "township": v["township"],
                        "enterprise": raw.enterprises[v["uscc"]]["企业名称"], "uscc": v["uscc"],
                        "address": raw.enterprises[v["uscc"]]["地址"], "items": [raw.items[c][0] for c in v["items"]],
                        "role": role, "revision": 0,
                        "team": [{"inspector_id": m["inspector_id"], "name": raw.officers[m["inspector_id"]].name,
                                  "role": m["role"]} for m in v["team"]]}
                       for v, role in officer_visits(raw, officer_id)],
            "withdrawn": [],
        }


def test_workbooks_match_the_plan_and_rosters(demo: Path, raw: Raw) -> None:
    folder = demo / "exports" / "执法人员"
    name = raw.plan["round"]["name"]
    for officer_id in sorted({m["inspector_id"] for v in raw.plan["visits"] for m in v["team"]}):
        officer = raw.officers[officer_id]
        wb = openpyxl.load_workbook(folder / f"{officer_id}_{officer.name}.xlsx")
        assert wb.sheetnames == ["检查日程"]
        ws = wb["检查日程"]
        planned = officer_visits(raw, officer_id)
        assert ws["A1"].value == f"{officer.name}（{officer_id}） {name} 检查日程（共 {len(planned)} 户）"
        assert [c.value for c in ws[2]] == ["序号", "检查日期", "星期", "乡镇街道", "企业名称", "地址", "检查事项", "本人角色", "检查组成员"]
        assert cells(ws) == [
            [n, v["date"], WEEKDAY_NAMES[dt.date.fromisoformat(v["date"]).weekday()], v["township"],
             raw.enterprises[v["uscc"]]["企业名称"], raw.enterprises[v["uscc"]]["地址"],
             "\n".join(raw.items[c][0] for c in v["items"]), role, team_text(raw, v, "\n")]
            for n, (v, role) in enumerate(planned, start=1)
        ]


# --- re-issued calendars -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def revised(ctx: ExportContext) -> tuple[ExportContext, str, str, str]:
    """Version 2 of the plan: one visit of an officer moved to another date
    (revision 1), another of the officer's visits withdrawn from them, and a
    second officer whose only visit is withdrawn.  Returns (context, officer,
    moved uscc, withdrawn uscc)."""
    officer = next(o for o in inspectors_with_visits(ctx) if len(ctx.visits_of(o.id)) >= 3)
    (moved, _), (gone, _) = ctx.visits_of(officer.id)[:2]
    lonely = next(o for o in inspectors_with_visits(ctx) if len(ctx.visits_of(o.id)) == 1)
    (only, _) = ctx.visits_of(lonely.id)[0]
    new_day = dt.date(2026, 12, 24)
    visits = []
    for v in ctx.visits:
        if v is moved:
            v = dataclasses.replace(v, date=new_day, revision=1)
        elif v is gone:
            v = dataclasses.replace(v, team=tuple((o, r) for o, r in v.team if o.id != officer.id), revision=1)
        elif v is only:
            v = dataclasses.replace(v, team=tuple((o, r) for o, r in v.team if o.id != lonely.id), revision=1)
        visits.append(v)
    withdrawn = [WithdrawnEvent(w.visit_id, w.uscc, w.name, w.township, w.date, who.id, 1)
                 for w, who in ((gone, officer), (only, lonely))]
    v2 = dataclasses.replace(ctx, visits=visits, plan_version=2, withdrawn=withdrawn)
    return v2, officer.id, moved.uscc, gone.uscc


def _events(data: bytes) -> dict[str, icalendar.Event]:
    return {str(e["uid"]): e for e in icalendar.Calendar.from_ical(data).walk("VEVENT")}


def test_a_revised_plan_bumps_sequence_and_dtstamp_and_cancels_withdrawn_visits(
        ctx: ExportContext, revised: tuple[ExportContext, str, str, str], raw: Raw) -> None:
    v2, officer_id, moved, gone = revised
    officer = next(o for o in ctx.dataset.inspectors if o.id == officer_id)
    before, after = _events(calendar_bytes(ctx, officer)), _events(calendar_bytes(v2, officer))
    assert before.keys() == after.keys()  # same UIDs: the withdrawn event stays, cancelled
    moved_uid, gone_uid = uid(raw, moved, officer_id), uid(raw, gone, officer_id)
    for key, e in after.items():
        assert e.decoded("dtstamp") > before[key].decoded("dtstamp")
        assert e.decoded("dtstamp") == dt.datetime(2026, 10, 12, 0, 1, tzinfo=UTC)
        if key == moved_uid:
            assert int(e["sequence"]) == 1 and e.decoded("dtstart") == dt.date(2026, 12, 24)
            assert str(e["status"]) == "CONFIRMED"
        elif key == gone_uid:
            assert int(e["sequence"]) == 1 and str(e["status"]) == "CANCELLED"
            assert e.decoded("dtstart") == before[key].decoded("dtstart")  # the withdrawn date
            assert str(e["summary"]) == f"已取消：联合检查：{raw.enterprises[gone]['企业名称']}"
        else:  # unchanged events keep their SEQUENCE and content
            assert int(e["sequence"]) == int(before[key]["sequence"]) == 0 and str(e["status"]) == "CONFIRMED"
            assert (e.decoded("dtstart"), str(e["summary"])) == (before[key].decoded("dtstart"), str(before[key]["summary"]))
    assert calendar_bytes(v2, officer) == calendar_bytes(v2, officer)


def test_an_officer_with_only_withdrawn_visits_still_gets_a_calendar(revised: tuple[ExportContext, str, str, str]) -> None:
    v2 = revised[0]
    (w,) = [w for w in v2.withdrawn if w.inspector_id != revised[1]]
    officer = next(o for o in v2.dataset.inspectors if o.id == w.inspector_id)
    assert officer in inspectors_with_visits(v2) and not v2.visits_of(officer.id)
    (e,) = _events(calendar_bytes(v2, officer)).values()
    assert str(e["status"]) == "CANCELLED" and int(e["sequence"]) == 1 and e.decoded("dtstart") == w.date
    doc = json.loads(schedule_json(v2, officer))
    assert doc["plan_version"] == 2 and doc["visits"] == []
    assert doc["withdrawn"] == [{"visit_id": w.visit_id, "date": w.date.isoformat(), "township": w.township,
                                 "enterprise": w.name, "uscc": w.uscc, "revision": 1, "status": "已取消"}]
    wb = openpyxl.load_workbook(io.BytesIO(schedule_workbook(v2, officer)))
    assert wb.sheetnames == ["检查日程", "已取消"]
    assert cells(wb["检查日程"]) == [["本版计划中没有您的检查安排。", *[None] * 8]]
    assert cells(wb["已取消"]) == [[1, w.date.isoformat(), WEEKDAY_NAMES[w.date.weekday()], w.township, w.name, w.uscc, "已取消"]]


def test_uids_are_stable_when_a_visit_moves(ctx: ExportContext) -> None:
    """A re-built plan that moves a visit keeps the event's UID, so a calendar
    re-import moves the event instead of adding a second one."""
    officer = inspectors_with_visits(ctx)[0]
    visit = next(v for v in ctx.plan.visits if officer.id in v.team.ids)
    moved = dataclasses.replace(ctx.plan, visits=tuple(dataclasses.replace(v, date=dt.date(2026, 12, 24)) if v is visit else v
                                                        for v in ctx.plan.visits))
    before, after = _events(calendar_bytes(ctx, officer)), _events(calendar_bytes(build_context(moved, ctx.dataset), officer))
    assert before.keys() == after.keys()
    changed = {key for key in before if before[key].decoded("dtstart") != after[key].decoded("dtstart")}
    assert len(changed) == 1 and after[changed.pop()].decoded("dtstart") == dt.date(2026, 12, 24)


def test_a_withdrawn_event_that_is_also_active_is_refused(ctx: ExportContext) -> None:
    officer = inspectors_with_visits(ctx)[0]
    v, _ = ctx.visits_of(officer.id)[0]
    with pytest.raises(ValueError, match="also an active visit"):
        dataclasses.replace(ctx, withdrawn=[WithdrawnEvent(v.visit_id, v.uscc, v.name, v.township, v.date, officer.id, 1)])


def test_file_stems_are_safe(ctx: ExportContext) -> None:
    officer = dataclasses.replace(inspectors_with_visits(ctx)[0], name="张 三/李")
    assert stem(officer) == f"{officer.id}_张_三_李"
