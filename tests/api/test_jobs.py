"""The job API for solves: real solves of the bundled sample county in worker
processes, driven over HTTP (TestClient with the app's lifespan)."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx2
import pytest
import uvicorn
from fastapi.testclient import TestClient
from service_rounds import AGENCY, drawn_round, token_for
from sqlalchemy import Engine, select

from api.app import create_app
from scheduler.app.inputs import load_inputs
from scheduler.app.scheduling import check
from scheduler.io import Inputs
from scheduler.sample import sample_dir
from scheduler.store import audit
from scheduler.store.db import unit_of_work
from scheduler.store.migrate import migrate
from scheduler.store.models import AuditEntry, Job, User

TIMEOUT = 120.0  # seconds: a sample solve takes a few


@pytest.fixture(scope="module")
def inputs() -> Inputs:
    """The sample county, read as the checker reads it."""
    return load_inputs([sample_dir()], need_round=True)


@dataclass
class Service:
    client: TestClient
    engine: Engine
    planner: dict[str, str]
    colleague: dict[str, str]  # another planner of the same office
    stranger: dict[str, str]  # a planner of another office
    inspector: dict[str, str]
    round_id: int = 0


def open_service(url: str, data: Path, settings: dict[str, Any] | None = None) -> Iterator[Service]:
    """The app over *url*, its tokens, and one drawn round of the sample county."""
    engine = migrate(url)
    try:
        tokens = (token_for(engine, "张计划", "planner", agency=AGENCY),
                  token_for(engine, "李计划", "planner", agency=AGENCY),
                  token_for(engine, "王公安", "planner", agency="公安"),
                  token_for(engine, "赵检查", "inspector", inspector_id="I001"))
        with TestClient(create_app(url, data_dir=data, solver_settings=settings)) as client:
            svc = Service(client, engine, *tokens)
            svc.round_id = drawn_round(client, svc.planner)
            yield svc
    finally:
        engine.dispose()


@pytest.fixture
def service(tmp_path: Path) -> Iterator[Service]:
    yield from open_service(f"sqlite:///{tmp_path / 'onevisit.db'}", tmp_path / "data")


def events(svc: Service, job_id: str) -> list[dict[str, Any]]:
    """Every status the event stream sends (it closes at the terminal state)."""
    with svc.client.stream("GET", f"/api/jobs/{job_id}/events", headers=svc.planner) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        lines = [line for line in response.iter_lines() if line]
    assert all(line.startswith("data: ") for line in lines), lines
    return [json.loads(line.removeprefix("data: ")) for line in lines]


def start(svc: Service) -> dict[str, Any]:
    response = svc.client.post(f"/api/rounds/{svc.round_id}/solve", headers=svc.planner)
    assert response.status_code == 202, response.text
    body: dict[str, Any] = response.json()
    return body


def audit_log(engine: Engine) -> list[AuditEntry]:
    with unit_of_work(engine) as session:
        assert audit.verify(session).ok
        return list(session.scalars(select(AuditEntry).order_by(AuditEntry.seq)))


def test_a_solve_streams_to_completed_and_its_plan_passes_the_checker(service: Service, inputs: Inputs) -> None:
    job = start(service)
    assert job["status"] in {"SCHEDULED", "RUNNING"}
    again = service.client.post(f"/api/rounds/{service.round_id}/solve", headers=service.colleague)
    assert again.status_code == 202 and again.json()["job_id"] == job["job_id"]  # the same job, not a second solve
    early = service.client.get(f"/api/jobs/{job['job_id']}/plan", headers=service.planner)
    assert early.status_code == 409 and "尚未完成" in early.json()["detail"]

    seen = events(service, job["job_id"])
    assert seen[-1]["status"] == "COMPLETED"
    states = [s["status"] for s in seen]
    assert "RUNNING" in states and states == sorted(states, key=["SCHEDULED", "RUNNING", "COMPLETED"].index)

    status = service.client.get(f"/api/jobs/{job['job_id']}", headers=service.planner).json()
    assert status["status"] == "COMPLETED" and set(status["times"]) == {"SCHEDULED", "RUNNING", "COMPLETED"}
    assert status["round_id"] == service.round_id  # an integer, as everywhere in the API
    assert status["progress"]["visits"] > 0 and status["phase"] is not None
    plan = service.client.get(f"/api/jobs/{job['job_id']}/plan", headers=service.planner)
    assert plan.status_code == 200 and plan.headers["content-type"] == "application/json"
    assert check(plan.json(), inputs) == []
    versions = service.client.get(f"/api/rounds/{service.round_id}/plans", headers=service.planner).json()
    assert [v["version"] for v in versions] == [1]  # the completed solve's plan, kept in the database
    stored_plan = service.client.get(f"/api/rounds/{service.round_id}/plans/1/plan.json", headers=service.planner)
    assert stored_plan.content == plan.content

    assert [s["status"] for s in events(service, job["job_id"])] == ["COMPLETED"]  # over: the final status once
    assert stored_states(service.engine, until=["COMPLETED"]) == ["COMPLETED"]
    with unit_of_work(service.engine) as session:
        row = session.get(Job, job["job_id"])
        assert row is not None and row.status == "COMPLETED" and row.completed_at is not None
        assert row.created_by == "user:张计划"
    actions = [(e.action, e.actor) for e in audit_log(service.engine) if e.subject == f"job:{job['job_id']}"]
    assert actions == [("solve.start", "user:张计划"), ("solve.complete", "user:张计划")]
    created = [e.details for e in audit_log(service.engine) if e.action == "plan.create"]
    assert created == [{"version": 1, "plan_sha256": versions[0]["sha256"], "job": job["job_id"],
                        "visits": len(plan.json()["visits"])}]


def test_a_cancelled_solve_keeps_nothing(service: Service) -> None:
    job = start(service)
    cancelled = service.client.delete(f"/api/jobs/{job['job_id']}", headers=service.planner)
    assert cancelled.status_code == 202
    assert events(service, job["job_id"])[-1]["status"] == "CANCELLED"
    plan = service.client.get(f"/api/jobs/{job['job_id']}/plan", headers=service.planner)
    assert plan.status_code == 404 and "CANCELLED" in plan.json()["detail"]
    again = service.client.delete(f"/api/jobs/{job['job_id']}", headers=service.planner)
    assert again.status_code == 409 and "已结束" in again.json()["detail"]
    assert stored_states(service.engine, until=["CANCELLED"]) == ["CANCELLED"]
    actions = [e.action for e in audit_log(service.engine) if e.subject == f"job:{job['job_id']}"]
    assert actions == ["solve.start", "solve.cancel", "solve.cancel"]  # the request, then the end


SEARCH = {"local_search", "cp_sat"}  # phases with a plan to keep


def searching(svc: Service, job_id: str) -> dict[str, Any]:
    """Poll the job's status until it is searching (a plan exists), ends, or the timeout passes."""
    deadline = time.monotonic() + TIMEOUT
    while True:
        status: dict[str, Any] = svc.client.get(f"/api/jobs/{job_id}", headers=svc.planner).json()
        if status["phase"] in SEARCH or status["status"] not in {"SCHEDULED", "RUNNING"} or time.monotonic() > deadline:
            return status
        time.sleep(0.05)


def test_finish_mid_solve_keeps_the_best_plan(tmp_path: Path, inputs: Inputs) -> None:
    # No gap limit and a long time limit: CP-SAT keeps improving until told to finish.
    for svc in open_service(f"sqlite:///{tmp_path / 'onevisit.db'}", tmp_path / "data",
                            {"gap_limit": 0.0, "time_limit": 90.0}):
        job = start(svc)
        status = searching(svc, job["job_id"])
        assert status["status"] == "RUNNING" and status["phase"] in SEARCH, status
        finished = svc.client.post(f"/api/jobs/{job['job_id']}/finish", headers=svc.planner)
        assert finished.status_code == 202
        assert events(svc, job["job_id"])[-1]["status"] == "COMPLETED"
        plan = svc.client.get(f"/api/jobs/{job['job_id']}/plan", headers=svc.planner)
        assert plan.status_code == 200 and check(plan.json(), inputs) == []
        assert stored_states(svc.engine, until=["COMPLETED"]) == ["COMPLETED"]
        actions = [e.action for e in audit_log(svc.engine) if e.subject == f"job:{job['job_id']}"]
        assert actions == ["solve.start", "solve.finish", "solve.complete"]


def test_roles_and_offices(service: Service) -> None:
    client = service.client
    solve = f"/api/rounds/{service.round_id}/solve"
    assert client.post(solve).status_code == 401
    assert client.post(solve, headers=service.inspector).status_code == 403
    refused = client.post(solve, headers=service.stranger)  # another office's round does not exist for them
    assert refused.status_code == 404 and "没有该轮次" in refused.json()["detail"]
    assert client.post("/api/rounds/999999/solve", headers=service.planner).status_code == 404
    assert client.post("/api/rounds/..%2F..%2Fetc/solve", headers=service.planner).status_code in {404, 422}
    assert client.get("/api/jobs/" + "0" * 32, headers=service.planner).status_code == 404
    assert client.get("/api/jobs/" + "0" * 500, headers=service.planner).status_code == 404

    job = start(service)
    for method, path in [("GET", ""), ("GET", "/events"), ("GET", "/plan"), ("POST", "/finish"), ("DELETE", "")]:
        url = f"/api/jobs/{job['job_id']}{path}"
        assert client.request(method, url, headers=service.stranger).status_code == 404, (method, path)
        assert client.request(method, url, headers=service.inspector).status_code == 403, (method, path)
    assert client.delete(f"/api/jobs/{job['job_id']}", headers=service.colleague).status_code == 202
    assert events(service, job["job_id"])[-1]["status"] == "CANCELLED"


def test_a_job_left_running_by_a_previous_process_is_interrupted_at_start(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'onevisit.db'}"
    for first in open_service(url, tmp_path / "data"):  # a first process creates the round, then stops
        with unit_of_work(first.engine) as session:
            session.add(Job(id="stale-job", round_id=first.round_id, kind="solve", status="RUNNING",
                            created_by="user:张计划"))
    engine = migrate(url)
    with unit_of_work(engine) as session:
        for user in session.scalars(select(User)):
            user.name = f"{user.name}-旧"  # the second process's tokens are new users
    engine.dispose()
    for svc in open_service(url, tmp_path / "data"):
        status = svc.client.get("/api/jobs/stale-job", headers=svc.planner).json()
        assert status["status"] == "INTERRUPTED" and "重新运行" in status["error"]
        assert set(status["times"]) == {"SCHEDULED", "INTERRUPTED"}
        assert svc.client.get("/api/jobs/stale-job/plan", headers=svc.planner).status_code == 404
        assert [s["status"] for s in events(svc, "stale-job")] == ["INTERRUPTED"]
        assert svc.client.get("/api/jobs/stale-job", headers=svc.stranger).status_code == 404
        entries = [(e.action, e.actor) for e in audit_log(svc.engine) if e.subject == "job:stale-job"]
        assert entries == [("solve.fail", "user:张计划")]
        # a new solve of that round starts: the stale row no longer holds the active-job index
        assert events(svc, start(svc)["job_id"])[-1]["status"] == "COMPLETED"


@pytest.fixture
def live(tmp_path: Path) -> Iterator[tuple[str, Service]]:
    """The app served by uvicorn (its lifespan on) on a free local port, and its tokens."""
    for svc in open_service(f"sqlite:///{tmp_path / 'onevisit.db'}", tmp_path / "data"):
        app = create_app(str(svc.engine.url), data_dir=tmp_path / "data")
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        sock.listen(128)  # connections queue in the backlog until uvicorn accepts them
        server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
        thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{sock.getsockname()[1]}", svc
        finally:
            server.should_exit = True
            thread.join(timeout=30)
            sock.close()


def test_events_arrive_while_the_job_runs_and_simultaneous_starts_share_one_job(live: tuple[str, Service]) -> None:
    base, svc = live
    with ThreadPoolExecutor(2) as pool:
        answers = list(pool.map(lambda headers: httpx2.post(f"{base}/api/rounds/{svc.round_id}/solve", headers=headers,
                                                           timeout=TIMEOUT), [svc.planner, svc.colleague]))
    assert [a.status_code for a in answers] == [202, 202]
    job_id = answers[0].json()["job_id"]
    assert answers[1].json()["job_id"] == job_id
    with httpx2.stream("GET", f"{base}/api/jobs/{job_id}/events", headers=svc.planner, timeout=TIMEOUT) as stream:
        lines = (line for line in stream.iter_lines() if line)
        first = json.loads(next(lines).removeprefix("data: "))
        assert first["status"] in {"SCHEDULED", "RUNNING"}  # streamed before the end, not buffered
        assert httpx2.delete(f"{base}/api/jobs/{job_id}", headers=svc.planner, timeout=TIMEOUT).status_code == 202
        rest = [json.loads(line.removeprefix("data: "))["status"] for line in lines]
    assert rest[-1] == "CANCELLED"
    assert stored_states(svc.engine, until=["CANCELLED"]) == ["CANCELLED"]  # one job in the table


def stored_states(engine: Engine, until: list[str]) -> list[str]:
    """The jobs table's states, polled until they are *until* or the timeout
    passes (the runner tells subscribers a change just before it is saved)."""
    deadline = time.monotonic() + TIMEOUT
    while True:
        with unit_of_work(engine) as session:
            states = list(session.scalars(select(Job.status)))
        if states == until or time.monotonic() > deadline:
            return states
        time.sleep(0.05)
