"""A round over HTTP, end to end, on SQLite and (in CI) PostgreSQL: upload
the sample county, create the round, draw, solve, read the plan with its
check report, download exports, publish, enter results; and what each role
may see before and after publication."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import icalendar
import openpyxl
import pytest
from fastapi.testclient import TestClient
from service_rounds import (
    AGENCY,
    announce,
    create,
    drawn_round,
    roster_files,
    round_text,
    solved_round,
    token_for,
    unique_round_text,
    upload,
    wait_for,
)
from sqlalchemy import Engine, select

from api.app import create_app
from scheduler import planfile
from scheduler.access import reveal_date
from scheduler.app.demo import BEACON, REVEALS
from scheduler.app.inputs import load_inputs
from scheduler.app.scheduling import check
from scheduler.plan import Plan
from scheduler.sample import demo_results_csv, sample_dir
from scheduler.store import audit
from scheduler.store.db import unit_of_work
from scheduler.store.migrate import migrate
from scheduler.store.models import AuditEntry, Visit
from scheduler.store.models import Plan as PlanRow


@dataclass
class Clock:
    today: dt.date = dt.date(2026, 10, 1)

    def __call__(self) -> dt.date:
        return self.today


@dataclass
class County:
    client: TestClient
    engine: Engine
    clock: Clock
    planner: dict[str, str]
    partner: dict[str, str]  # a planner of a partner agency of the round
    stranger: dict[str, str]  # a planner of an office outside the round
    round_id: int
    version: int
    plan: Plan
    tokens: dict[str, dict[str, str]] = field(default_factory=dict)

    def token(self, name: str, role: str, **scope: str) -> dict[str, str]:
        if name not in self.tokens:
            self.tokens[name] = token_for(self.engine, name, role, **scope)
        return self.tokens[name]

    def inspector(self, inspector_id: str) -> dict[str, str]:
        return self.token(f"检查-{inspector_id}", "inspector", inspector_id=inspector_id)

    def township(self, name: str) -> dict[str, str]:
        return self.token(f"乡镇-{name}", "township", township=name)


@pytest.fixture(scope="module")
def county(module_db_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[County]:
    engine = migrate(module_db_url)
    clock = Clock()
    app = create_app(module_db_url, data_dir=tmp_path_factory.mktemp("data"), today=clock)
    try:
        with TestClient(app) as client:
            planner = token_for(engine, "张计划", "planner", agency=AGENCY)
            round_id = drawn_round(client, planner)
            version = solved_round(client, planner, round_id)
            plan = planfile.from_bytes(client.get(f"/api/rounds/{round_id}/plans/{version}/plan.json",
                                                  headers=planner).content)
            yield County(client, engine, clock, planner, token_for(engine, "李环保", "planner", agency="生态环境"),
                         token_for(engine, "王公安", "planner", agency="公安"), round_id, version, plan)
    finally:
        engine.dispose()


def url(county: County, path: str = "") -> str:
    return f"/api/rounds/{county.round_id}{path}"


def detail(response: Any) -> str:
    text: str = response.json()["detail"]
    return text


# --- upload, create, draw ---------------------------------------------------------------


def test_an_upload_with_a_bad_code_is_refused_naming_file_row_and_column(county: County) -> None:
    files = roster_files()
    name, content = next((n, c) for key, (n, c) in files if n == "enterprises.csv")
    text = content.decode("utf-8-sig")
    code = re.search(r"\b[0-9A-HJ-NPQRTUWXY]{18}\b", text.splitlines()[1])
    assert code is not None
    wrong = code.group(0)[:-1] + ("0" if code.group(0)[-1] != "0" else "1")
    broken = text.replace(code.group(0), wrong, 1).encode("utf-8")
    files = [(key, (n, broken if n == name else c)) for key, (n, c) in files]
    response = county.client.post("/api/snapshots", files=files, headers=county.planner)
    assert response.status_code == 422
    problems = [p for p in response.json()["problems"] if p["severity"] == "错误"]
    assert problems and problems[0]["file"] == "enterprises.csv" and problems[0]["row"] == 2
    assert problems[0]["column"] and "校验" in problems[0]["message"]


def test_uploads_and_rounds_are_for_planners_of_the_lead_agency(county: County) -> None:
    client = county.client
    assert client.post("/api/snapshots", files=roster_files()).status_code == 401
    assert client.post("/api/snapshots", files=roster_files(), headers=county.inspector("I001")).status_code == 403
    snapshot = upload(client, county.planner)
    again = upload(client, county.planner)
    assert again["id"] == snapshot["id"] and again["content_hash"] == snapshot["content_hash"]  # frozen once
    refused = client.post("/api/rounds", json={"snapshot_id": snapshot["id"], "round_file": round_text()},
                          headers=county.stranger)
    assert refused.status_code == 403 and "发起部门" in detail(refused)
    bad = client.post("/api/rounds", json={"snapshot_id": snapshot["id"], "round_file": "name = 1\n[window"},
                      headers=county.planner)
    assert bad.status_code == 422 and bad.json()["problems"][0]["file"] == "round.toml"
    missing = client.post("/api/rounds", json={"snapshot_id": 10**6, "round_file": round_text()},
                          headers=county.planner)
    assert missing.status_code == 404


def test_an_office_cannot_have_two_rounds_of_the_same_name_or_code(county: County) -> None:
    client = county.client
    snapshot = upload(client, county.planner)["id"]
    text = unique_round_text()
    create(client, county.planner, snapshot, text)
    doc = tomllib.loads(text)
    other = unique_round_text()
    other_doc = tomllib.loads(other)
    same_name = other.replace(f'name = "{other_doc["name"]}"', f'name = "{doc["name"]}"', 1)
    same_code = other.replace(f'code = "{other_doc["code"]}"', f'code = "{doc["code"]}"', 1)
    for clash in (text, same_name, same_code):
        refused = client.post("/api/rounds", json={"snapshot_id": snapshot, "round_file": clash}, headers=county.planner)
        assert refused.status_code == 409 and "同名或同编号" in detail(refused)
    assert client.post("/api/rounds", json={"snapshot_id": snapshot, "round_file": other},
                       headers=county.planner).status_code == 201


def test_commitments_are_announced_before_a_draw_that_needs_the_right_reveals_and_happens_once(
        county: County) -> None:
    client = county.client
    text = unique_round_text()
    round_id = create(client, county.planner, upload(client, county.planner)["id"], text)["id"]
    early = client.post(f"/api/rounds/{round_id}/draw", headers=county.planner,
                        json={"beacon": BEACON, "reveals": dict(REVEALS)})
    assert early.status_code == 409 and "先公布承诺值" in detail(early)
    assert client.get(f"/api/rounds/{round_id}/announcement").status_code == 404  # not announced: not public
    assert client.post(f"/api/rounds/{round_id}/announce", headers=county.partner).status_code == 403
    announced = announce(client, county.planner, round_id)
    declared = tomllib.loads(text)["seed"]["commitments"]
    public = client.get(f"/api/rounds/{round_id}/announcement").json()
    assert public == announced and public["commitments"] == declared and public["round_file"] == text
    assert public["snapshot_content_hash"] and "selection" not in str(public)
    assert client.get(f"/api/rounds/{round_id}").status_code == 404  # the round itself stays unpublished
    assert round_id in [a["round_id"] for a in client.get("/api/announcements").json()]
    assert client.post(f"/api/rounds/{round_id}/announce", headers=county.planner).status_code == 409

    wrong = client.post(f"/api/rounds/{round_id}/draw", headers=county.planner,
                        json={"beacon": "01 02 03 04 05 06 + 07", "reveals": {"示例县市场监督管理局": "猜的"}})
    assert wrong.status_code == 422 and "承诺" in detail(wrong)
    assert client.post(f"/api/rounds/{round_id}/draw", headers=county.partner, json={}).status_code == 403
    made = client.post(f"/api/rounds/{round_id}/draw", headers=county.planner,
                       json={"beacon": BEACON, "reveals": dict(REVEALS)}).json()
    assert made["selected"] > 0
    assert {f["public"] for f in made["files"]} == {True, False}  # the sealed part is stored, not public
    again = client.post(f"/api/rounds/{round_id}/draw", headers=county.planner, json={})
    assert again.status_code == 409
    assert client.get(f"/api/rounds/{round_id}", headers=county.planner).json()["state"] == "drawn"


# --- plans, exports ---------------------------------------------------------------------------


def test_the_plan_comes_with_its_check_report_and_statistics(county: County) -> None:
    body = county.client.get(url(county, f"/plans/{county.version}"), headers=county.planner).json()
    assert body["check"] == {"ok": True, "violations": []}
    assert body["statistics"]["visits"] == len(county.plan.visits) + len(county.plan.unassigned)
    assert body["plan"]["format"] == planfile.FORMAT
    partner = county.client.get(url(county, f"/plans/{county.version}"), headers=county.partner)
    assert partner.status_code == 200  # a partner agency's planners read the round
    assert county.client.get(url(county, "/plans/99"), headers=county.planner).status_code == 404


def test_the_plan_s_visits_are_rows_too(county: County) -> None:
    with unit_of_work(county.engine) as session:
        rows = session.scalars(select(Visit).join(PlanRow, Visit.plan_id == PlanRow.id)
                               .where(PlanRow.round_id == county.round_id, PlanRow.version == county.version)).all()
        stored = {r.visit_id: (r.uscc, r.date, r.township, [(m.inspector_id, m.role) for m in r.members]) for r in rows}
    assert stored == {v.visit_id: (v.uscc, v.date, v.township, [(m.inspector_id, m.role) for m in v.team])
                      for v in county.plan.visits}


def test_every_export_can_be_listed_and_downloaded(county: County) -> None:
    client = county.client
    names = client.get(url(county, f"/plans/{county.version}/exports"), headers=county.planner).json()
    assert any(n.startswith("乡镇街道/") for n in names) and any(n.startswith("执法人员/") for n in names)
    assert any(n.startswith("公示/") for n in names) and not any(n.startswith(".") for n in names)
    for name in [n for n in names if n.endswith(".xlsx")][:3]:
        response = client.get(url(county, f"/plans/{county.version}/exports/{name}"), headers=county.planner)
        assert response.status_code == 200
        openpyxl.load_workbook(io.BytesIO(response.content))
    ics = next(n for n in names if n.endswith(".ics"))
    response = client.get(url(county, f"/plans/{county.version}/exports/{ics}"), headers=county.planner)
    assert response.content.startswith(b"BEGIN:VCALENDAR")
    for bad in ["../../etc/passwd", "%2E%2E/secret", "公示/../../x"]:
        assert client.get(url(county, f"/plans/{county.version}/exports/{bad}"),
                          headers=county.planner).status_code == 404


# --- publication and what each role sees -------------------------------------------------------------


def first_inspector_pair(plan: Plan) -> tuple[str, str]:
    """Two inspectors who never share a visit, the first the one whose
    visits spread over the most days (so some stay hidden for a while)."""
    teams = [set(v.team.ids) for v in plan.visits]
    dates: dict[str, list[dt.date]] = {}
    for v in plan.visits:
        for i in v.team.ids:
            dates.setdefault(i, []).append(v.date)
    ids = sorted(dates, key=lambda i: (-(max(dates[i]) - min(dates[i])).days, i))
    for a in ids:
        for b in sorted(dates):
            if a != b and not any(a in t and b in t for t in teams):
                return a, b
    raise AssertionError("every pair of inspectors shares a visit")


def test_nothing_about_targets_leaks_before_publication_and_publishing_waits_for_solves(county: County) -> None:
    client = county.client
    a, _b = first_inspector_pair(county.plan)
    township = county.plan.visits[0].township
    public_urls = ["", "/draw/files", "/notices", "/results", "/draw/files/selection.csv"]
    for path in public_urls:
        assert client.get(url(county, path)).status_code == 404, path
        assert client.get(url(county, path), headers=county.inspector(a)).status_code == 404, path
        assert client.get(url(county, path), headers=county.stranger).status_code == 404, path
    assert client.get(url(county, "/my-schedule"), headers=county.inspector(a)).status_code == 404
    assert client.get(url(county, "/township"), headers=county.township(township)).status_code == 404
    assert client.get(url(county, "/township/workbook"), headers=county.township(township)).status_code == 404
    assert all(r["id"] != county.round_id for r in client.get("/api/rounds").json())

    job = client.post(url(county, "/solve"), headers=county.planner).json()
    refused = client.post(url(county, "/publish"), headers=county.planner)
    assert refused.status_code == 409 and "正在求解" in detail(refused)
    assert client.delete(f"/api/jobs/{job['job_id']}", headers=county.planner).status_code in {202, 409}
    assert wait_for(client, county.planner, job["job_id"])["status"] in {"CANCELLED", "COMPLETED"}


@pytest.fixture(scope="module")
def published(county: County) -> dict[str, Any]:
    client = county.client
    test_nothing_about_targets_leaks_before_publication_and_publishing_waits_for_solves(county)
    assert client.post(url(county, "/publish"), headers=county.partner).status_code == 403
    response = client.post(url(county, "/publish"), headers=county.planner, json={"version": county.version})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    again = client.post(url(county, "/publish"), headers=county.planner, json={"version": county.version})
    assert again.status_code == 409
    return body


def test_publishing_freezes_the_plan_and_prints_the_audit_head_in_the_notices(county: County,
                                                                              published: dict[str, Any]) -> None:
    with unit_of_work(county.engine) as session:
        assert audit.verify(session).ok
        entry = session.scalars(select(AuditEntry).where(AuditEntry.seq == published["audit"]["seq"])).one()
    assert entry.action == "round.publish" and entry.entry_hash == published["audit"]["entry_hash"]
    names = county.client.get(url(county, "/notices")).json()  # the public reads the notices
    task = next(n for n in names if "任务公告" in n)
    book = openpyxl.load_workbook(io.BytesIO(county.client.get(url(county, f"/notices/{task}")).content))
    cells = [str(c) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for c in row if c]
    assert any(entry.entry_hash in c for c in cells)


def test_an_inspector_sees_only_their_own_visits_and_each_enterprise_from_a_working_day_before(
        county: County, published: dict[str, Any]) -> None:
    a, b = first_inspector_pair(county.plan)
    own = [v for v in county.plan.visits if a in v.team.ids]
    first = min(v.date for v in own)
    county.clock.today = first - dt.timedelta(days=7)
    early = county.client.get(url(county, "/my-schedule"), headers=county.inspector(a)).json()
    assert len(early["visits"]) == len(own) and not any(v["revealed"] for v in early["visits"])
    assert all(v["uscc"] is None and v["name"] is None and v["visit_id"] is None for v in early["visits"])
    county.clock.today = first
    today = county.client.get(url(county, "/my-schedule"), headers=county.inspector(a)).json()
    shown = {v["uscc"] for v in today["visits"] if v["revealed"]}
    calendar = load_inputs([sample_dir()], need_round=True).calendar
    due = {v.uscc for v in own if reveal_date(v.date, calendar, 1) <= first}  # today's and the next working day's
    assert {v.uscc for v in own if v.date == first} <= shown == due
    assert len(shown) < len(own)  # later visits stay hidden
    theirs = county.client.get(url(county, "/my-schedule"), headers=county.inspector(b)).json()
    assert all(a not in [m["inspector_id"] for m in v["team"]] for v in theirs["visits"])
    for path in ["/plans", f"/plans/{county.version}", f"/plans/{county.version}/exports", "/township"]:
        assert county.client.get(url(county, path), headers=county.inspector(a)).status_code == 403, path


def events_of(ics: bytes) -> dict[str, tuple[int, str]]:
    """UID → (SEQUENCE, SUMMARY) of each event."""
    calendar = icalendar.Calendar.from_ical(ics)
    return {str(e["uid"]): (int(e["sequence"]), str(e["summary"])) for e in calendar.walk("VEVENT")}


def test_an_inspector_s_calendar_and_workbook_hide_each_enterprise_until_its_reveal_day(
        county: County, published: dict[str, Any]) -> None:
    a, _b = first_inspector_pair(county.plan)
    own = sorted((v for v in county.plan.visits if a in v.team.ids), key=lambda v: (v.date, v.visit_id))
    secrets_ = {s for v in own for s in (v.uscc, v.name, v.visit_id)}
    county.clock.today = own[0].date - dt.timedelta(days=7)
    early_ics = county.client.get(url(county, "/my-schedule.ics"), headers=county.inspector(a))
    assert early_ics.status_code == 200 and early_ics.headers["content-type"].startswith("text/calendar")
    early_xlsx = county.client.get(url(county, "/my-schedule.xlsx"), headers=county.inspector(a)).content
    cells = " ".join(str(c) for ws in openpyxl.load_workbook(io.BytesIO(early_xlsx)).worksheets
                     for row in ws.iter_rows(values_only=True) for c in row if c)
    text = early_ics.content.decode("utf-8").replace("\r\n ", "")
    assert not any(s in text or s in cells for s in secrets_)  # nothing names an enterprise yet
    assert "将于" in cells and len(events_of(early_ics.content)) == len(own)

    county.clock.today = own[0].date
    late = events_of(county.client.get(url(county, "/my-schedule.ics"), headers=county.inspector(a)).content)
    early = events_of(early_ics.content)
    assert set(late) == set(early)  # the same events, updated in place
    shown = [uid for uid in late if late[uid][0] > early[uid][0]]
    assert shown and all(own[0].name in late[uid][1] or any(v.name in late[uid][1] for v in own) for uid in shown)
    assert county.client.get(url(county, "/my-schedule.ics"), headers=county.township(own[0].township)).status_code == 403
    assert county.client.get(url(county, "/my-schedule.ics")).status_code == 401


def test_a_township_reads_its_own_visits_and_workbook_only(county: County, published: dict[str, Any]) -> None:
    towns = sorted({v.township for v in county.plan.visits})
    x, y = towns[0], towns[1]
    mine = county.client.get(url(county, "/township"), headers=county.township(x)).json()
    assert {v["township"] for v in mine["visits"]} == {x}
    assert len(mine["visits"]) == sum(v.township == x for v in county.plan.visits)
    workbook = county.client.get(url(county, "/township/workbook"), headers=county.township(x))
    assert workbook.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(workbook.content))
    text = " ".join(str(c) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for c in row if c)
    assert x in text
    names_y = {v.name for v in county.plan.visits if v.township == y}
    assert not any(n in text for n in names_y)
    assert county.client.get(url(county, "/my-schedule"), headers=county.township(x)).status_code == 403


def test_the_public_reads_public_draw_files_notices_and_past_results_only(county: County,
                                                                          published: dict[str, Any]) -> None:
    client = county.client
    files = client.get(url(county, "/draw/files")).json()
    assert files and all(f["public"] and not f["name"].startswith("封存/") for f in files)
    sealed = client.get(url(county, "/draw/files"), headers=county.planner).json()
    hidden = next(f["name"] for f in sealed if not f["public"])
    assert client.get(url(county, f"/draw/files/{hidden}")).status_code == 404
    assert client.get(url(county, f"/draw/files/{files[0]['name']}")).status_code == 200
    assert client.get(url(county, "/plans")).status_code == 401
    assert client.get(url(county, f"/plans/{county.version}/exports")).status_code == 401
    assert any(r["id"] == county.round_id for r in client.get("/api/rounds").json())

    results = demo_results_csv(county.plan)
    assert client.post(url(county, "/results"), files={"file": ("检查结果.csv", results)}).status_code == 401
    recorded = client.post(url(county, "/results"), headers=county.planner, files={"file": ("检查结果.csv", results)})
    assert recorded.status_code == 200, recorded.text
    assert recorded.json()["recorded"] > 0
    middle = sorted(v.date for v in county.plan.visits)[len(county.plan.visits) // 2]
    county.clock.today = middle
    public = client.get(url(county, "/results")).json()["results"]
    past = {v.uscc for v in county.plan.visits if v.date < middle}
    assert public and {r["uscc"] for r in public} <= past
    planner = client.get(url(county, "/results"), headers=county.planner).json()["results"]
    assert len(planner) > len(public)
    bad = client.post(url(county, "/results"), headers=county.planner,
                      files={"file": ("检查结果.csv", "统一社会信用代码,结果\n123,好\n".encode())})
    assert bad.status_code == 422 and bad.json()["problems"]


def test_every_change_is_in_the_audit_log(county: County, published: dict[str, Any]) -> None:
    with unit_of_work(county.engine) as session:
        actions = [e.action for e in session.scalars(select(AuditEntry).order_by(AuditEntry.seq))]
    for action in ["roster.upload", "round.create", "draw", "solve.start", "plan.create", "solve.complete",
                   "round.publish"]:
        assert action in actions, action


def test_the_round_lives_in_the_database_not_in_the_process(county: County, published: dict[str, Any],
                                                            tmp_path: Path) -> None:
    """A second app (a restarted service) over the same database and data
    folder serves the same plan: nothing is kept only in the first one's memory."""
    app = create_app(str(county.engine.url.render_as_string(hide_password=False)),
                     data_dir=county.client.app.state.rounds.base)  # type: ignore[attr-defined]
    with TestClient(app) as other:
        plan = other.get(url(county, f"/plans/{county.version}/plan.json"), headers=county.planner)
        assert plan.status_code == 200 and planfile.from_bytes(plan.content) == county.plan


# --- manual changes --------------------------------------------------------------------------------


def moved_visit(plan: Plan, inputs: Any) -> dict[str, Any] | None:
    """plan.json with one visit moved to another working day that the
    independent checker accepts (None when no such move exists)."""
    document = planfile.to_json(plan)
    days = [plan.round.start + dt.timedelta(days=n) for n in range((plan.round.end - plan.round.start).days + 1)]
    for index, visit in enumerate(document["visits"][:20]):
        for day in days:
            if day.isoformat() == visit["date"] or not inputs.calendar.is_workday(day):
                continue
            changed = json.loads(json.dumps(document))
            changed["visits"][index]["date"] = day.isoformat()
            if not check(changed, inputs):
                return changed
    return None


def test_a_manual_change_is_checked_and_kept_as_a_new_version(county: County, published: dict[str, Any]) -> None:
    client = county.client
    inputs = load_inputs([sample_dir()], need_round=True)
    plans_url = url(county, "/plans")
    same = client.post(plans_url, headers=county.planner, content=planfile.to_bytes(county.plan))
    assert same.status_code == 409 and "相同" in detail(same)
    broken = planfile.to_json(county.plan)
    sunday = next(county.plan.round.start + dt.timedelta(days=n) for n in range(7)
                  if (county.plan.round.start + dt.timedelta(days=n)).weekday() == 6)
    broken["visits"][0]["date"] = sunday.isoformat()
    refused = client.post(plans_url, headers=county.planner, content=json.dumps(broken).encode())
    assert refused.status_code == 422 and "硬性规则" in detail(refused) and county.plan.visits[0].visit_id in detail(refused)
    garbage = client.post(plans_url, headers=county.planner, content=b"{not json")
    assert garbage.status_code == 422
    changed = moved_visit(county.plan, inputs)
    assert changed is not None
    assert client.post(plans_url, headers=county.partner, content=json.dumps(changed).encode()).status_code == 403
    made = client.post(plans_url, headers=county.planner, content=json.dumps(changed).encode())
    assert made.status_code == 201, made.text
    version = made.json()["version"]
    assert version == county.version + 1 and made.json()["published_at"] is None
    kept = client.get(url(county, f"/plans/{county.version}"), headers=county.planner).json()
    assert kept["published_at"] is not None and kept["plan"] == planfile.to_json(county.plan)  # published stays
    with unit_of_work(county.engine) as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "plan.edit")).one()
    assert entry.actor == "user:张计划" and entry.details["based_on"] == county.version
    assert entry.details["version"] == version
