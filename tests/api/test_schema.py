"""The service answers as its OpenAPI contract says: Schemathesis generates
requests for every operation from the app's own schema and checks each
answer (no 500, the documented status codes, content types and bodies),
once without a token and once as a planner of the sample round.

The target is a database with two rounds of the sample county: round 1
drawn, solved, published and with results entered (every view has data),
round 2 only drawn.  Path parameters carry examples (round 1, version 1),
so the explicit phase reaches real data; the rest is generated.  Runs are
deterministic (``derandomize``) and bounded (:data:`MAX_EXAMPLES` per
operation and identity); shrinking is off, a failure shows the case as found.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.python import asgi
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from service_rounds import AGENCY, drawn_round, solved_round, token_for

from api.app import create_app
from scheduler import planfile
from scheduler.sample import demo_results_csv
from scheduler.store.migrate import migrate

MAX_EXAMPLES = 20
TODAY = dt.date(2026, 10, 1)
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]

# Operations not fuzzed, and why; each is covered by the tests named.
EXCLUDED = {
    "POST /api/rounds/{round_id}/solve":
        "each accepted request starts a real solve in a worker process (seconds of CP-SAT) and adds a plan "
        "version, so generated requests would change the target and outlast the budget; tests/api/test_jobs.py "
        "starts, finishes and cancels solves and test_the_solve_answer_is_documented below checks its answer",
    "GET /api/jobs/{job_id}/events":
        "a server-sent event stream that stays open while its job runs; tests/api/test_jobs.py reads it",
}


@dataclass
class Target:
    app: FastAPI
    schema: Any
    headers: dict[str, dict[str, str]]  # identity → request headers
    round_id: int
    drawn_id: int


def prepare(client: TestClient, planner: dict[str, str]) -> tuple[int, int]:
    """Round 1 solved, published, with results; round 2 drawn.  The exports
    of the published plan are written here, once (a first request for them
    renders every workbook, which takes seconds)."""
    round_id = drawn_round(client, planner)
    version = solved_round(client, planner, round_id)
    plan = planfile.from_bytes(client.get(f"/api/rounds/{round_id}/plans/{version}/plan.json", headers=planner).content)
    assert client.post(f"/api/rounds/{round_id}/publish", headers=planner, json={"version": version}).status_code == 200
    recorded = client.post(f"/api/rounds/{round_id}/results", headers=planner,
                           files={"file": ("检查结果.csv", demo_results_csv(plan))})
    assert recorded.status_code == 200, recorded.text
    assert client.get(f"/api/rounds/{round_id}/plans/{version}/exports", headers=planner).status_code == 200
    assert client.get(f"/api/rounds/{round_id}/notices").status_code == 200
    drawn_id = drawn_round(client, planner)
    return round_id, drawn_id


@pytest.fixture(scope="module")
def target(module_db_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Target]:
    engine = migrate(module_db_url)
    app = create_app(module_db_url, data_dir=tmp_path_factory.mktemp("data"), today=lambda: TODAY)
    try:
        planner = token_for(engine, "张计划", "planner", agency=AGENCY)
        with TestClient(app) as client:
            round_id, drawn_id = prepare(client, planner)
        schema = schemathesis.openapi.from_asgi("/openapi.json", app)
        yield Target(app, schema, {"public": {}, "planner": planner}, round_id, drawn_id)
    finally:
        asgi.shutdown_lifespans()  # the app's lifespan, started by Schemathesis's ASGI client
        engine.dispose()


def operations(schema: Any) -> list[Any]:
    return [result.ok() for result in schema.get_all_operations()]


def fuzz(operation: Any, headers: dict[str, str]) -> int:
    """Run the generated cases of *operation*; how many ran.  Raises the first failure."""
    ran = 0

    @given(case=operation.as_strategy())
    @settings(max_examples=MAX_EXAMPLES, derandomize=True, deadline=None, database=None,
              phases=[Phase.explicit, Phase.generate],
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large])
    def run(case: Any) -> None:
        nonlocal ran
        ran += 1
        case.call_and_validate(headers=headers, checks=CHECKS)

    run()
    return ran


def test_every_operation_is_fuzzed_or_excluded_with_a_reason(target: Target) -> None:
    labels = {op.label for op in operations(target.schema)}
    assert set(EXCLUDED) <= labels  # no stale exclusion
    assert len(labels) >= 30


@pytest.mark.parametrize("identity", ["public", "planner"])
def test_every_operation_answers_as_documented(target: Target, identity: str) -> None:
    failures: dict[str, str] = {}
    ran = 0
    for operation in operations(target.schema):
        if operation.label in EXCLUDED:
            continue
        try:
            ran += fuzz(operation, target.headers[identity])
        except Exception as exc:  # collected, so one run shows every operation that fails
            failures[operation.label] = str(exc)
    print(f"{identity}: {ran} generated requests")
    assert not failures, "\n\n".join(f"== {label}\n{text}" for label, text in failures.items())


def test_the_solve_answer_is_documented(target: Target) -> None:
    """POST /solve is not fuzzed (see EXCLUDED); its refusals and its 202
    answer are checked here, without waiting for the solve."""
    operation = target.schema["/api/rounds/{round_id}/solve"]["POST"]
    planner = target.headers["planner"]
    for round_id, headers in ((target.round_id, {}), (10**6, planner), (0, planner)):
        operation.Case(path_parameters={"round_id": round_id}).call_and_validate(headers=headers, checks=CHECKS)
    with TestClient(target.app) as client:
        started = client.post(f"/api/rounds/{target.drawn_id}/solve", headers=planner)
        assert started.status_code == 202
        operation.validate_response(started)
        cancelled = client.delete(f"/api/jobs/{started.json()['job_id']}", headers=planner)
        assert cancelled.status_code in (202, 409)


def one_of_each_kind(names: list[str]) -> list[str]:
    """The first name of each folder and suffix (the exports hold hundreds of files of a dozen kinds)."""
    kinds = {(PurePosixPath(n).parent, PurePosixPath(n).suffix): n for n in reversed(names)}
    return sorted(kinds.values())


def downloads(client: TestClient, headers: dict[str, str], round_id: int) -> list[tuple[str, dict[str, Any]]]:
    """A file of each kind round 1 lists, as (path template, path parameters)."""
    base, ids = f"/api/rounds/{round_id}", {"round_id": round_id}
    return [
        *(("/api/rounds/{round_id}/draw/files/{name}", {**ids, "name": f["name"]})
          for f in client.get(f"{base}/draw/files", headers=headers).json()),
        *(("/api/rounds/{round_id}/plans/{version}/exports/{name}", {**ids, "version": 1, "name": name})
          for name in one_of_each_kind(client.get(f"{base}/plans/1/exports", headers=headers).json())),
        *(("/api/rounds/{round_id}/notices/{name}", {**ids, "name": name})
          for name in client.get(f"{base}/notices", headers=headers).json()),
        ("/api/rounds/{round_id}/plans/{version}/plan.json", {**ids, "version": 1}),
    ]


def test_every_file_the_round_offers_downloads_as_documented(target: Target) -> None:
    """Generated names rarely hit a real file: download each listed one."""
    planner = target.headers["planner"]
    with TestClient(target.app) as client:
        listed = downloads(client, planner, target.round_id)
    assert {PurePosixPath(p["name"]).suffix for _, p in listed if "name" in p} >= {".csv", ".json", ".xlsx", ".ics"}
    for template, parameters in listed:
        case = target.schema[template]["GET"].Case(path_parameters=parameters)
        response = case.call_and_validate(headers=planner, checks=CHECKS)
        assert response.status_code == 200, parameters
