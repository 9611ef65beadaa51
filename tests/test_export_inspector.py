"""Inspector schedules: calendars parse with a real iCalendar library and
round-trip; UIDs are stable and unique; JSON and workbook match the plan."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import icalendar
import openpyxl

from scheduler.export.context import ExportContext, build_context
from scheduler.export.inspector import calendar_bytes, inspectors_with_visits, stem


def test_every_officer_with_visits_gets_three_files(demo: Path, ctx: ExportContext) -> None:
    folder = demo / "exports" / "执法人员"
    officers = inspectors_with_visits(ctx)
    assert officers
    expected = sorted(f"{stem(o)}{suffix}" for o in officers for suffix in (".ics", ".json", ".xlsx"))
    assert sorted(p.name for p in folder.iterdir()) == expected


def test_calendars_parse_round_trip_and_match_the_plan(demo: Path, ctx: ExportContext) -> None:
    folder = demo / "exports" / "执法人员"
    uids: set[str] = set()
    for officer in inspectors_with_visits(ctx):
        raw = (folder / f"{stem(officer)}.ics").read_bytes()
        cal = icalendar.Calendar.from_ical(raw)
        assert cal.to_ical() == raw  # round trip
        events = list(cal.walk("VEVENT"))
        planned = sorted((v for v in ctx.plan["visits"] if any(m["inspector_id"] == officer.id for m in v["team"])),
                         key=lambda v: (v["date"], v["township"], v["visit_id"]))
        assert [e.decoded("dtstart").isoformat() for e in events] == [v["date"] for v in planned]
        assert [str(e["summary"]).split("：")[1].split("（")[0] for e in events] == [v["name"] for v in planned]
        for e in events:
            assert e.decoded("dtend") - e.decoded("dtstart") == dt.timedelta(days=1)
            uid = str(e["uid"])
            assert uid not in uids
            uids.add(uid)
        doc = json.loads((folder / f"{stem(officer)}.json").read_text(encoding="utf-8"))
        assert [v["visit_id"] for v in doc["visits"]] == [v["visit_id"] for v in planned]
        ws = openpyxl.load_workbook(folder / f"{stem(officer)}.xlsx").active
        assert ws is not None
        rows = [[c.value for c in r] for r in ws.iter_rows(min_row=3)]
        assert [(r[1], r[3], r[4]) for r in rows] == [(v["date"], v["township"], v["name"]) for v in planned]
        roles = [next(m["role"] for m in v["team"] if m["inspector_id"] == officer.id) for v in planned]
        assert [r[7] for r in rows] == roles


def test_uids_are_stable_across_exports(ctx: ExportContext) -> None:
    """A revised plan that moves a visit keeps the event's UID, so a calendar
    re-import moves the event instead of adding a second one."""
    officer = inspectors_with_visits(ctx)[0]
    assert calendar_bytes(ctx, officer) == calendar_bytes(ctx, officer)
    visit = next(v for v in ctx.plan["visits"] if any(m["inspector_id"] == officer.id for m in v["team"]))
    moved = dict(ctx.plan, visits=[dict(v, date="2026-12-24") if v is visit else v for v in ctx.plan["visits"]])

    def events(c: ExportContext) -> dict[str, str]:
        cal = icalendar.Calendar.from_ical(calendar_bytes(c, officer))
        return {str(e["uid"]): e.decoded("dtstart").isoformat() for e in cal.walk("VEVENT")}

    before, after = events(ctx), events(build_context(moved, ctx.dataset))
    assert before.keys() == after.keys()
    changed = {uid for uid in before if before[uid] != after[uid]}
    assert len(changed) == 1 and after[changed.pop()] == "2026-12-24"
