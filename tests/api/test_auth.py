"""Tokens, roles and scopes at the HTTP boundary (api.auth), the database at
start-up and the first start of ``onevisit serve``.

The rounds endpoints do not exist yet (next session), so a small probe app
built by :func:`api.app.create_app` wires the visibility rules the way they
will be: ``require_roles`` for the role (401/403), ``deny`` for the scope
(404)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from builders import tiny_plan
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, inspect, select

from api.app import create_app
from api.auth import InspectorDep, PlannerDep, TokenCache, TownshipDep, ViewerDep, deny, first_start
from scheduler.access import Decision, RoundScope, inspector_schedule, public_visits, round_access, round_scope, township_visits
from scheduler.cli import print_first_planner
from scheduler.plan import Plan, Team, TeamMember
from scheduler.store import accounts, audit
from scheduler.store.db import make_engine, read_only, unit_of_work
from scheduler.store.errors import StoreError
from scheduler.store.models import AuditEntry, Token
from scheduler.vocabulary import LEADER
from scheduler.workdays import WorkCalendar

TODAY = dt.date(2026, 11, 19)  # a Thursday: the Monday 11-23 visits are not yet revealed


def token_for(engine: Engine, name: str, role: str, *, days: int = 30, now: dt.datetime | None = None,
              revoked: bool = False, **scope: str) -> str:
    with unit_of_work(engine) as session:
        user = accounts.add_user(session, name=name, role=role, **scope)
        issued = accounts.create_token(session, user, days=days, now=now)
        if revoked:
            accounts.revoke_token(session, issued.record.prefix)
        return issued.token


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def team(inspector_id: str) -> Team:
    return Team((TeamMember(inspector_id, inspector_id, "SCJG", LEADER, True, 0),))


def county_plan() -> Plan:
    plan = tiny_plan([("U1", ["SCJG-1"], "2026-11-16"), ("U2", ["SCJG-1"], "2026-11-16"), ("U3", ["SCJG-1"], "2026-11-23")])
    v1, v2, v3 = plan.visits
    return dataclasses.replace(plan, visits=(dataclasses.replace(v1, team=team("A1")),
                                             dataclasses.replace(v2, team=team("B1"), township="清河镇"),
                                             dataclasses.replace(v3, team=team("A1"))))


PLAN = county_plan()
ROUNDS = {1: round_scope(PLAN, published=True), 2: round_scope(PLAN, published=False)}


def scope_of(round_id: int) -> RoundScope:
    scope = ROUNDS.get(round_id)
    if scope is None:
        deny(Decision.NOT_FOUND)
        raise AssertionError("unreachable")
    return scope


def listing(result: tuple[Any, ...] | Decision) -> list[dict[str, Any]]:
    if isinstance(result, Decision):
        deny(result)
        raise AssertionError("unreachable")
    return [{"date": v.date.isoformat(), "uscc": v.uscc, "name": v.name, "township": v.township} for v in result]


def probe_app(url: str) -> FastAPI:
    """The service plus the endpoints of the next session, as they will use the rules."""
    app = create_app(url)

    @app.get("/probe/rounds/{round_id}/my-schedule")
    def my_schedule(round_id: int, who: InspectorDep) -> list[dict[str, Any]]:
        return listing(inspector_schedule(who, PLAN, scope_of(round_id), TODAY, WorkCalendar()))

    @app.get("/probe/rounds/{round_id}/township")
    def township_list(round_id: int, who: TownshipDep) -> list[dict[str, Any]]:
        return listing(township_visits(who, PLAN, scope_of(round_id)))

    @app.get("/probe/rounds/{round_id}/public")
    def public_list(round_id: int, who: ViewerDep) -> list[dict[str, Any]]:
        return listing(public_visits(PLAN, scope_of(round_id), TODAY))

    @app.get("/probe/rounds/{round_id}")
    def round_info(round_id: int, who: PlannerDep) -> dict[str, Any]:
        deny(round_access(who, scope_of(round_id)))
        return {"visits": len(PLAN.visits)}

    return app


@pytest.fixture
def client(db_url: str, engine: Engine) -> Iterator[TestClient]:
    with TestClient(probe_app(db_url), raise_server_exceptions=False) as c:
        yield c


def assert_refused(resp: Any, status: int) -> None:
    assert resp.status_code == status, resp.text
    body = resp.json()
    assert body["ok"] is False and "Traceback" not in resp.text
    assert any("\u4e00" <= ch <= "\u9fff" for ch in body["detail"])  # Chinese


# ---------------------------------------------------------------- database at start-up


def test_app_migrates_its_database_on_start(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    with TestClient(create_app(url)) as c:
        assert c.get("/api/health").status_code == 200
    eng = make_engine(url)
    try:
        assert {"users", "tokens", "audit_log"} <= set(inspect(eng).get_table_names())
    finally:
        eng.dispose()


def test_app_without_lifespan_migrates_at_the_first_token(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'lazy.db'}"
    resp = TestClient(create_app(url)).get("/api/me", headers=bearer("ov_" + "x" * 43))
    assert_refused(resp, 401)


def test_existing_endpoints_need_no_token(client: TestClient) -> None:
    assert client.get("/api/health").json()["status"] == "ok"
    assert client.get("/").status_code == 200
    assert client.get("/docs").status_code == 200
    assert client.post("/api/validate").status_code == 422  # no files: the validation error, not 401


# ---------------------------------------------------------------- /api/me and tokens


def test_me_without_token_is_the_public(client: TestClient) -> None:
    assert client.get("/api/me").json() == {"role": "public", "authenticated": False, "user_id": None, "name": None,
                                            "agency": None, "inspector_id": None, "township": None}


def test_me_with_token_shows_role_and_scope_and_no_secret(client: TestClient, engine: Engine) -> None:
    token = token_for(engine, "甲", "inspector", agency="SCJG", inspector_id="A1")
    resp = client.get("/api/me", headers=bearer(token))
    assert resp.status_code == 200
    body = resp.json()
    assert {k: body[k] for k in ("role", "authenticated", "name", "agency", "inspector_id", "township")} == {
        "role": "inspector", "authenticated": True, "name": "甲", "agency": "SCJG", "inspector_id": "A1", "township": None}
    assert token not in resp.text and accounts.hash_token(token) not in resp.text
    with read_only(engine) as session:
        assert session.scalar(select(Token.last_used_at)) is not None


@pytest.mark.parametrize("header", [
    "Bearer ov_unknowntokenunknowntokenunknowntokenunknown1",
    "Bearer ov_",
    "Bearer",
    "Bearer   ",
    "Basic dXNlcjpwYXNz",
    "ov_without_scheme",
    "Bearer not-an-onevisit-token",
    "Bearer ov_" + "x" * 5000,
    "Bearer ov_\u00e9\u00e8",
])
def test_bad_tokens_are_401_never_500(client: TestClient, header: str) -> None:
    resp = client.get("/api/me", headers={b"Authorization": header.encode("utf-8")})
    assert_refused(resp, 401)
    assert resp.headers["www-authenticate"] == "Bearer"


def test_expired_token_is_401(client: TestClient, engine: Engine) -> None:
    token = token_for(engine, "旧", "planner", agency="SCJG", days=1, now=dt.datetime.now(dt.UTC) - dt.timedelta(days=2))
    resp = client.get("/api/me", headers=bearer(token))
    assert_refused(resp, 401)
    assert "过期" in resp.json()["detail"]


def test_revoked_token_is_401(client: TestClient, engine: Engine) -> None:
    token = token_for(engine, "撤", "planner", agency="SCJG", revoked=True)
    resp = client.get("/api/me", headers=bearer(token))
    assert_refused(resp, 401)
    assert "吊销" in resp.json()["detail"]


def test_a_token_revoked_while_cached_is_refused_once_the_cache_expires(client: TestClient, engine: Engine) -> None:
    client.app.state.database.tokens = TokenCache(seconds=0.5)  # type: ignore[attr-defined]
    token = token_for(engine, "缓", "planner", agency="SCJG")
    assert client.get("/api/me", headers=bearer(token)).status_code == 200
    with unit_of_work(engine) as session:
        accounts.revoke_token(session, token[: accounts.PREFIX_LENGTH])
    assert client.get("/api/me", headers=bearer(token)).status_code == 200  # within the cache's seconds
    time.sleep(0.6)
    resp = client.get("/api/me", headers=bearer(token))
    assert_refused(resp, 401)
    assert "吊销" in resp.json()["detail"]


# ---------------------------------------------------------------- roles and scopes


def uscc_of(resp: Any) -> list[Any]:
    assert resp.status_code == 200, resp.text
    return [v["uscc"] for v in resp.json()]


def test_inspector_a_cannot_read_inspector_bs_visits(client: TestClient, engine: Engine) -> None:
    a = token_for(engine, "A", "inspector", inspector_id="A1")
    b = token_for(engine, "B", "inspector", inspector_id="B1")
    assert uscc_of(client.get("/probe/rounds/1/my-schedule", headers=bearer(a))) == ["U1", None]
    assert uscc_of(client.get("/probe/rounds/1/my-schedule", headers=bearer(b))) == ["U2"]


def test_inspector_sees_no_target_before_the_reveal_day(client: TestClient, engine: Engine) -> None:
    a = token_for(engine, "A", "inspector", inspector_id="A1")
    later = client.get("/probe/rounds/1/my-schedule", headers=bearer(a)).json()[1]
    assert later == {"date": "2026-11-23", "uscc": None, "name": None, "township": "城关镇"}


def test_township_x_cannot_read_township_ys(client: TestClient, engine: Engine) -> None:
    x = token_for(engine, "X", "township", township="城关镇")
    y = token_for(engine, "Y", "township", township="清河镇")
    assert uscc_of(client.get("/probe/rounds/1/township", headers=bearer(x))) == ["U1", "U3"]
    assert uscc_of(client.get("/probe/rounds/1/township", headers=bearer(y))) == ["U2"]


def test_wrong_role_is_403(client: TestClient, engine: Engine) -> None:
    x = token_for(engine, "X", "township", township="城关镇")
    a = token_for(engine, "A", "inspector", inspector_id="A1")
    assert_refused(client.get("/probe/rounds/1/my-schedule", headers=bearer(x)), 403)
    assert_refused(client.get("/probe/rounds/1/township", headers=bearer(a)), 403)
    assert_refused(client.get("/probe/rounds/1", headers=bearer(a)), 403)


def test_no_token_where_a_role_is_required_is_401(client: TestClient) -> None:
    assert_refused(client.get("/probe/rounds/1/my-schedule"), 401)


def test_out_of_scope_is_404(client: TestClient, engine: Engine) -> None:
    own = token_for(engine, "本局", "planner", agency="SCJG")
    other = token_for(engine, "外局", "planner", agency="XYZJ")
    a = token_for(engine, "A", "inspector", inspector_id="A1")
    assert client.get("/probe/rounds/2", headers=bearer(own)).json() == {"visits": 3}
    assert_refused(client.get("/probe/rounds/2", headers=bearer(other)), 404)
    assert_refused(client.get("/probe/rounds/1", headers=bearer(other)), 404)
    # an unpublished round looks exactly like a missing one
    unpublished = client.get("/probe/rounds/2/my-schedule", headers=bearer(a))
    missing = client.get("/probe/rounds/99/my-schedule", headers=bearer(a))
    assert_refused(unpublished, 404)
    assert unpublished.json() == missing.json()


def test_public_sees_no_unpublished_round_and_no_target_before_its_inspection(client: TestClient) -> None:
    assert_refused(client.get("/probe/rounds/2/public"), 404)
    assert uscc_of(client.get("/probe/rounds/1/public")) == ["U1", "U2"]  # 11-16 passed, 11-23 not yet


# ---------------------------------------------------------------- onevisit serve: first start


def test_first_start_creates_one_planner_and_prints_its_token_once(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    first = first_start(db_url, "SCJG")
    assert first is not None and first.agency == "SCJG" and first.token.startswith("ov_")
    eng = make_engine(db_url)
    try:
        with unit_of_work(eng) as session:
            user = accounts.authenticate(session, first.token)
            assert (user.role, user.agency, user.name) == ("planner", "SCJG", first.name)
            entries = session.scalars(select(AuditEntry).order_by(AuditEntry.seq)).all()
            assert [(e.action, e.subject) for e in entries] == [("user.add", f"user:{first.name}"),
                                                                 ("token.create", f"user:{first.name}")]
            assert first.token not in str([e.details for e in entries])
            assert audit.verify(session).ok
        assert first_start(db_url, "SCJG") is None  # users exist: nothing new, no token printed
        with read_only(eng) as session:
            assert len(session.scalars(select(AuditEntry)).all()) == 2
    finally:
        eng.dispose()
    print_first_planner(first, "http://127.0.0.1:8000/")
    out = capsys.readouterr().out
    assert out.count(first.token) == 1 and "http://127.0.0.1:8000/" in out and "只显示这一次" in out


def test_first_start_refuses_an_empty_agency(db_url: str) -> None:
    with pytest.raises(StoreError, match="agency"):
        first_start(db_url, "  ")


def test_other_schemes_are_told_to_use_bearer(client: TestClient) -> None:
    resp = client.get("/api/me", headers={"Authorization": "Basic dXNlcjpwYXNz"})
    assert_refused(resp, 401)
    assert "Bearer ov_" in resp.json()["detail"]
