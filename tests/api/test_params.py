"""Ids in paths and bodies are bounded as the database stores them: an id
past PostgreSQL's integer was a 500 (SQLite: "Python int too large to convert
to SQLite INTEGER"), found by tests/api/test_schema.py; it is now 422."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from service_rounds import AGENCY, round_text, token_for

from api.app import create_app
from api.params import MAX_ID
from scheduler.store.migrate import migrate

HUGE = [MAX_ID + 1, 2**63, 10**22]


@pytest.fixture
def client(db_url: str, tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    return TestClient(create_app(db_url, data_dir=tmp_path_factory.mktemp("data")))


@pytest.mark.parametrize("value", HUGE)
def test_an_id_too_large_for_the_database_is_refused_not_an_internal_error(client: TestClient, db_url: str,
                                                                           value: int) -> None:
    engine = migrate(db_url)
    try:
        planner = token_for(engine, "张计划", "planner", agency=AGENCY)
    finally:
        engine.dispose()
    answers = [
        client.get(f"/api/rounds/{value}"),
        client.get(f"/api/rounds/{value}/draw/files"),
        client.get(f"/api/rounds/{value}/plans", headers=planner),
        client.get(f"/api/rounds/1/plans/{value}", headers=planner),
        client.post("/api/rounds", headers=planner, json={"snapshot_id": value, "round_file": round_text()}),
        client.post("/api/rounds/1/publish", headers=planner, json={"version": value}),
    ]
    for response in answers:
        assert response.status_code == 422, response.text
        assert response.json()["ok"] is False and response.json()["problems"]


def test_the_largest_id_is_looked_up(client: TestClient) -> None:
    response = client.get(f"/api/rounds/{MAX_ID}")
    assert response.status_code == 404
