"""The hash-chained audit log: append, verify, tampering, concurrency."""

from __future__ import annotations

import hashlib
import json
import threading

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from scheduler.store import audit
from scheduler.store.db import unit_of_work


def append_n(engine: Engine, n: int, actor: str = "planner:王") -> None:
    for i in range(n):
        with unit_of_work(engine) as session:
            audit.append(session, actor=actor, action="round.draw", subject=f"round:{i}", details={"企业": i, "note": "抽取"})


def test_entries_chain_from_the_genesis_hash(engine: Engine) -> None:
    append_n(engine, 3)
    with unit_of_work(engine) as session:
        rows = session.execute(text("SELECT seq, at, actor, action, subject, details, prev_hash, entry_hash FROM audit_log ORDER BY seq")).all()
        result = audit.verify(session)
    assert [r.seq for r in rows] == [1, 2, 3]
    assert rows[0].prev_hash == "0" * 64
    assert [r.prev_hash for r in rows[1:]] == [r.entry_hash for r in rows[:-1]]
    # The documented format, recomputed independently of the module.
    first = rows[0]
    details = first.details if isinstance(first.details, dict) else json.loads(first.details)
    body = {"seq": 1, "at": first.at, "actor": "planner:王", "action": "round.draw", "subject": "round:0",
            "details": details, "prev_hash": "0" * 64}
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()
    assert hashlib.sha256(canonical).hexdigest() == first.entry_hash
    assert first.at.endswith("Z") and len(first.at) == 27
    assert result == audit.AuditVerification(True, 3, rows[-1].entry_hash)


def test_an_empty_log_verifies_with_the_genesis_head(engine: Engine) -> None:
    with unit_of_work(engine) as session:
        assert audit.verify(session) == audit.AuditVerification(True, 0, audit.GENESIS)


def test_an_entry_commits_with_the_audited_change_or_not_at_all(engine: Engine) -> None:
    with pytest.raises(RuntimeError), unit_of_work(engine) as session:
        audit.append(session, actor="a", action="plan.publish", subject="plan:1")
        raise RuntimeError("the audited change failed")
    with unit_of_work(engine) as session:
        assert audit.verify(session).entries == 0


def tamper(engine: Engine, statement: str) -> None:
    """Edit the log behind the application's back (on PostgreSQL the
    append-only triggers are disabled first, as a superuser could)."""
    with engine.begin() as conn:
        postgres = conn.dialect.name == "postgresql"
        if postgres:
            conn.execute(text("ALTER TABLE audit_log DISABLE TRIGGER USER"))
        conn.execute(text(statement))
        if postgres:
            conn.execute(text("ALTER TABLE audit_log ENABLE TRIGGER USER"))


def test_edited_details_are_named_by_seq(engine: Engine) -> None:
    append_n(engine, 5)
    tamper(engine, """UPDATE audit_log SET details = '{"企业": 99, "note": "抽取"}' WHERE seq = 3""")
    with unit_of_work(engine) as session:
        result = audit.verify(session)
    assert not result.ok and result.first_bad_seq == 3 and result.entries == 3
    assert result.reason is not None and "内容哈希不符" in result.reason


def test_a_recomputed_hash_breaks_the_next_link(engine: Engine) -> None:
    append_n(engine, 4)
    with unit_of_work(engine) as session:
        row = session.execute(text("SELECT seq, at, actor, action, subject, prev_hash FROM audit_log WHERE seq = 2")).one()
    forged = audit.entry_hash(2, row.at, row.actor, row.action, "round:forged", {}, row.prev_hash)
    tamper(engine, f"UPDATE audit_log SET subject = 'round:forged', details = '{{}}', entry_hash = '{forged}' WHERE seq = 2")
    with unit_of_work(engine) as session:
        result = audit.verify(session)
    assert (result.ok, result.first_bad_seq) == (False, 3)
    assert result.reason is not None and "链接断开" in result.reason


def test_a_deleted_entry_is_a_gap(engine: Engine) -> None:
    append_n(engine, 4)
    tamper(engine, "DELETE FROM audit_log WHERE seq = 2")
    with unit_of_work(engine) as session:
        result = audit.verify(session)
    assert (result.ok, result.first_bad_seq) == (False, 2)
    assert result.reason is not None and "序号不连续" in result.reason


def test_postgres_triggers_refuse_update_delete_truncate(engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        return  # SQLite has no such triggers: verify() is its guard
    append_n(engine, 2)
    for statement in ("UPDATE audit_log SET actor = 'x' WHERE seq = 1", "DELETE FROM audit_log WHERE seq = 2",
                      "TRUNCATE audit_log"):
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
            conn.execute(text(statement))
    with unit_of_work(engine) as session:
        assert audit.verify(session).entries == 2


def test_concurrent_writers_never_fork_the_chain(engine: Engine) -> None:
    errors: list[BaseException] = []

    def writer(name: str) -> None:
        try:
            append_n(engine, 50, actor=name)
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(f"planner:{i}",)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with unit_of_work(engine) as session:
        result = audit.verify(session)
        actors = session.execute(text("SELECT actor, count(*) FROM audit_log GROUP BY actor ORDER BY actor")).all()
    assert result.ok and result.entries == 100
    assert [tuple(a) for a in actors] == [("planner:0", 50), ("planner:1", 50)]


def test_unique_prev_hash_refuses_a_fork(engine: Engine) -> None:
    append_n(engine, 1)
    with pytest.raises(DBAPIError), engine.begin() as conn:
        conn.execute(text("INSERT INTO audit_log (seq, at, actor, action, subject, details, prev_hash, entry_hash) "
                          "VALUES (2, '2026-01-01T00:00:00.000000Z', 'x', 'y', 'z', '{}', :p, :h)"),
                     {"p": "0" * 64, "h": "f" * 64})
