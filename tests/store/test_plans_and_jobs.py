"""Plan versions (a published plan is frozen) and one active job per round and kind."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.exc import DBAPIError, IntegrityError

from scheduler.store import jobs, plans
from scheduler.store.db import unit_of_work
from scheduler.store.errors import PlanPublished
from scheduler.store.models import Job, RosterSnapshot, Round, SnapshotFile


def make_round(engine: Engine) -> int:
    with unit_of_work(engine) as session:
        snap = RosterSnapshot(content_hash="1" * 64)
        snap.files.append(SnapshotFile(name="enterprises.csv", blob_hash="2" * 64, size=10))
        session.add(snap)
        session.flush()
        rnd = Round(name="2026年第四季度", agency="县市场监管局", snapshot_id=snap.id, settings={})
        session.add(rnd)
        session.flush()
        return rnd.id


def test_a_published_plan_cannot_be_overwritten(engine: Engine) -> None:
    round_id = make_round(engine)
    with unit_of_work(engine) as session:
        first = plans.add_version(session, round_id, "a" * 64, created_by="planner")
        plans.replace_content(session, first.id, "b" * 64)  # a draft may change
        plans.publish(session, first.id)
    with unit_of_work(engine) as session:
        with pytest.raises(PlanPublished, match="不能修改"):
            plans.replace_content(session, first.id, "c" * 64)
        with pytest.raises(PlanPublished):
            plans.publish(session, first.id)
        second = plans.add_version(session, round_id, "c" * 64, created_by="planner")
        assert (first.version, second.version) == (1, 2)
    with unit_of_work(engine) as session:
        assert plans.get_plan(session, first.id).content_hash == "b" * 64


def test_postgres_trigger_refuses_changing_a_published_plan(engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        return  # SQLite: the repository functions above are the guard
    round_id = make_round(engine)
    with unit_of_work(engine) as session:
        plan = plans.add_version(session, round_id, "a" * 64, created_by="planner")
        plans.publish(session, plan.id)
    for statement in (f"UPDATE plans SET content_hash = '{'c' * 64}' WHERE id = {plan.id}", f"DELETE FROM plans WHERE id = {plan.id}"):
        with pytest.raises(DBAPIError, match="frozen"), engine.begin() as conn:
            conn.execute(text(statement))


def test_two_starts_of_the_same_solve_get_one_job(engine: Engine) -> None:
    round_id = make_round(engine)
    with unit_of_work(engine) as session:
        job, created = jobs.start(session, round_id, "solve", created_by="planner:甲")
    with unit_of_work(engine) as session:
        again, created_again = jobs.start(session, round_id, "solve", created_by="planner:乙")
    assert created and not created_again and again.id == job.id
    with pytest.raises(IntegrityError), unit_of_work(engine) as session:  # the index, bypassing start()
        session.add(Job(id="x" * 36, round_id=round_id, kind="solve", status="RUNNING", created_by="planner:乙"))
    with unit_of_work(engine) as session:
        session.scalars(select(Job)).one().status = "COMPLETED"
    with unit_of_work(engine) as session:
        third, created_third = jobs.start(session, round_id, "solve", created_by="planner:乙")
    assert created_third and third.id != job.id
