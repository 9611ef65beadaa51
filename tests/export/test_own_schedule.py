"""An inspector's own calendar and workbook: enterprises hidden until their
reveal day, one UID per visit from before to after the reveal."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io

import icalendar
import openpyxl
from builders import tiny_plan

from scheduler.access import visit_view
from scheduler.export.own_schedule import OwnSchedule, OwnVisit, calendar_bytes, event_uid, workbook

SECRET = bytes(range(32))


def schedule(revealed: bool, revision: int = 0) -> OwnSchedule:
    plan = tiny_plan([("U1", ["SCJG-1"], "2026-11-23")])
    visit = dataclasses.replace(plan.visits[0], revision=revision)
    member = visit.team.ids[0]
    own = OwnVisit(visit_view(visit, revealed=revealed), dt.date(2026, 11, 20), event_uid(SECRET, visit.visit_id, member))
    return OwnSchedule("测试轮次", 1, member, dt.datetime(2026, 11, 1, 1, 0, tzinfo=dt.UTC), (own,))


def only_event(data: bytes) -> icalendar.Event:
    events = icalendar.Calendar.from_ical(data).walk("VEVENT")
    assert len(events) == 1
    event: icalendar.Event = events[0]
    return event


def test_the_uid_is_stable_and_names_no_enterprise() -> None:
    plan = tiny_plan([("U1", ["SCJG-1"], "2026-11-23")])
    visit = plan.visits[0]
    uid = event_uid(SECRET, visit.visit_id, "I1")
    assert uid == event_uid(SECRET, visit.visit_id, "I1") and uid.endswith("@onevisit")
    assert visit.uscc not in uid and visit.visit_id not in uid
    assert uid != event_uid(bytes(32), visit.visit_id, "I1") != event_uid(SECRET, visit.visit_id, "I2")


def test_a_hidden_visit_shows_no_enterprise_and_its_reveal_updates_the_same_event() -> None:
    hidden, shown = schedule(False), schedule(True)
    always_shown = {hidden.visits[0].view.township}  # shown in both
    visit = tiny_plan([("U1", ["SCJG-1"], "2026-11-23")]).visits[0]
    hidden_ics = calendar_bytes(hidden).decode("utf-8").replace("\r\n ", "")
    assert visit.uscc not in hidden_ics and visit.name not in hidden_ics and visit.visit_id not in hidden_ics
    assert all(w in hidden_ics for w in always_shown) and "2026-11-20" in hidden_ics
    before, after = only_event(calendar_bytes(hidden)), only_event(calendar_bytes(shown))
    assert before["uid"] == after["uid"]
    assert (int(before["sequence"]), int(after["sequence"])) == (0, 1)
    assert visit.name in str(after["summary"])
    assert int(only_event(calendar_bytes(schedule(False, revision=1)))["sequence"]) == 2  # a revision outranks a reveal


def test_the_workbook_hides_the_same_fields() -> None:
    visit = tiny_plan([("U1", ["SCJG-1"], "2026-11-23")]).visits[0]
    stamp = dt.datetime(2026, 11, 1, 9, 0)
    hidden = openpyxl.load_workbook(io.BytesIO(workbook(schedule(False), stamp)))
    cells = [str(c) for ws in hidden.worksheets for row in ws.iter_rows(values_only=True) for c in row if c]
    assert not any(visit.uscc in c or visit.name in c for c in cells) and any("将于 2026-11-20 公布" in c for c in cells)
    shown = openpyxl.load_workbook(io.BytesIO(workbook(schedule(True), stamp)))
    cells = [str(c) for ws in shown.worksheets for row in ws.iter_rows(values_only=True) for c in row if c]
    assert visit.uscc in cells and visit.name in cells
