"""``onevisit serve --demo``: the sample county's round in the database,
drawn and solved, with an inspector and a township office to sign in as."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.auth import Database, first_start
from api.demo_round import load_demo
from api.round_service import RoundService
from scheduler.cli import print_demo_round
from scheduler.store import audit
from scheduler.store.db import unit_of_work
from scheduler.store.migrate import migrate


def test_the_demo_round_is_loaded_once_and_usable_at_once(db_url: str, tmp_path: Path) -> None:
    first = first_start(db_url, "SCJG")
    assert first is not None
    database = Database(db_url)
    try:
        loaded = load_demo(RoundService(database, tmp_path), time_limit=10)
        again = load_demo(RoundService(database, tmp_path), time_limit=10)
    finally:
        database.dispose()
    assert loaded.created and loaded.visits > 0 and not again.created and again.round_id == loaded.round_id
    assert sorted(a.role for a in loaded.accounts) == ["inspector", "township"]

    planner = {"Authorization": f"Bearer {first.token}"}
    with TestClient(create_app(db_url, data_dir=tmp_path)) as client:
        round_ = client.get(f"/api/rounds/{loaded.round_id}", headers=planner).json()
        assert round_["state"] == "planned" and [p["version"] for p in round_["plans"]] == [1]
        plan = client.get(f"/api/rounds/{loaded.round_id}/plans/1", headers=planner).json()
        assert plan["check"]["ok"] and len(plan["plan"]["visits"]) == loaded.visits
        inspector = next(a for a in loaded.accounts if a.role == "inspector")
        me = client.get("/api/me", headers={"Authorization": f"Bearer {inspector.token}"}).json()
        assert me["role"] == "inspector" and me["inspector_id"] == inspector.scope
        assert client.get(f"/api/rounds/{loaded.round_id}").status_code == 404  # not published: nothing public

    engine = migrate(db_url)
    try:
        with unit_of_work(engine) as session:
            assert audit.verify(session).ok
    finally:
        engine.dispose()


def test_serve_demo_prints_the_round_and_the_tokens_once(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("ONEVISIT_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("ONEVISIT_DATABASE_URL", raising=False)
    print_demo_round("http://127.0.0.1:8000/")
    out = capsys.readouterr().out
    assert "已载入示例县抽查轮次" in out and out.count("ov_") == 2 and "api/rounds/1" in out
    print_demo_round("http://127.0.0.1:8000/")
    again = capsys.readouterr().out
    assert "已在数据库中" in again and "ov_" not in again
    assert (tmp_path / "onevisit.db").is_file() and (tmp_path / "blobs").is_dir()
