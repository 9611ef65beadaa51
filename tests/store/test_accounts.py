"""Users and tokens: only hashes are stored; expired and revoked tokens are refused."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from sqlalchemy import Engine, text

from scheduler.store import accounts
from scheduler.store.db import unit_of_work
from scheduler.store.errors import StoreError, TokenRefused

NOW = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)


def make_token(engine: Engine, days: int = 90) -> tuple[str, int]:
    with unit_of_work(engine) as session:
        user = accounts.add_user(session, name="赵六", role="inspector", agency="市场监管局", inspector_id="I007")
        issued = accounts.create_token(session, user, days=days, now=NOW)
        return issued.token, user.id


def all_text(engine: Engine) -> str:
    with engine.connect() as conn:
        tables = ["users", "tokens", "audit_log"]
        return "\n".join(str(tuple(row)) for t in tables for row in conn.execute(text(f"SELECT * FROM {t}")))


def test_the_plain_token_is_never_stored(engine: Engine) -> None:
    token, _ = make_token(engine)
    assert token.startswith("ov_") and len(token) == 46
    dump = all_text(engine)
    assert token not in dump and token[accounts.PREFIX_LENGTH:] not in dump
    assert hashlib.sha256(token.encode()).hexdigest() in dump
    assert token[: accounts.PREFIX_LENGTH] in dump  # the non-secret prefix is kept for logs


def test_a_live_token_authenticates_and_records_its_use(engine: Engine) -> None:
    token, user_id = make_token(engine)
    later = NOW + dt.timedelta(days=10)
    with unit_of_work(engine) as session:
        user = accounts.authenticate(session, token, now=later)
        assert (user.id, user.role, user.inspector_id) == (user_id, "inspector", "I007")
    with engine.connect() as conn:
        last = conn.execute(text("SELECT last_used_at FROM tokens")).scalar()
    assert last is not None


def test_a_token_s_use_is_written_at_most_once_a_minute(engine: Engine) -> None:
    token, _ = make_token(engine)
    uses = [NOW + dt.timedelta(seconds=s) for s in (0, 30, 59, 60, 61)]
    seen = []
    for at in uses:
        with unit_of_work(engine) as session:
            record = accounts.find_live(session, token, now=at)
            if accounts.needs_touch(record, at):
                accounts.touch(session, record.id, at)
        with engine.connect() as conn:
            seen.append(conn.execute(text("SELECT last_used_at FROM tokens")).scalar())
    assert [s == seen[0] for s in seen] == [True, True, True, False, False]
    assert seen[3] == seen[4]  # 61 s is within a minute of the write at 60 s


def test_unknown_expired_and_revoked_tokens_are_refused(engine: Engine) -> None:
    token, _ = make_token(engine, days=30)
    with unit_of_work(engine) as session:
        with pytest.raises(TokenRefused, match="令牌无效"):
            accounts.authenticate(session, token[:-1] + ("A" if token[-1] != "A" else "B"), now=NOW)
        with pytest.raises(TokenRefused, match="已过期"):
            accounts.authenticate(session, token, now=NOW + dt.timedelta(days=30))
    with unit_of_work(engine) as session:
        revoked = accounts.revoke_token(session, token[: accounts.PREFIX_LENGTH], now=NOW)
        assert revoked.revoked_at == NOW
    with unit_of_work(engine) as session, pytest.raises(TokenRefused, match="已吊销"):
        accounts.authenticate(session, token, now=NOW + dt.timedelta(days=1))


def test_scoped_roles_need_their_scope_and_names_are_unique(engine: Engine) -> None:
    with unit_of_work(engine) as session:
        with pytest.raises(StoreError, match="--inspector-id"):
            accounts.add_user(session, name="a", role="inspector")
        with pytest.raises(StoreError, match="--township"):
            accounts.add_user(session, name="b", role="township")
        with pytest.raises(StoreError, match="角色 'admin' 无效"):
            accounts.add_user(session, name="c", role="admin")
        accounts.add_user(session, name="城关镇", role="township", township="城关镇")
        with pytest.raises(StoreError, match="已存在"):
            accounts.add_user(session, name="城关镇", role="township", township="城关镇")
