"""onevisit audit verify, users add, tokens create and tokens revoke."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from scheduler.cli import app
from scheduler.store import accounts
from scheduler.store.db import make_engine, unit_of_work

runner = CliRunner()


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def test_users_tokens_and_a_clean_audit_log(db_url: str) -> None:
    code, out = run("users", "add", "--name", "钱七", "--role", "planner", "--agency", "县市场监管局", "--database", db_url)
    assert code == 0 and "已新建用户 (user added)：钱七，角色 planner" in out and "审计日志第 1 条" in out
    code, out = run("tokens", "create", "--user", "钱七", "--days", "7", "--database", db_url)
    assert code == 0, out
    token = re.search(r"^(ov_\S+)$", out, re.M)
    assert token is not None
    prefix = token.group(1)[: accounts.PREFIX_LENGTH]
    engine = make_engine(db_url)
    with unit_of_work(engine) as session:
        assert accounts.authenticate(session, token.group(1)).name == "钱七"
    code, out = run("tokens", "revoke", "--prefix", prefix, "--database", db_url)
    assert code == 0 and f"已吊销用户 钱七 的令牌 {prefix}" in out
    code, out = run("audit", "verify", "--database", db_url)
    assert code == 0 and "审计日志完好 (audit log intact)：共校验 3 条" in out
    with engine.connect() as conn:
        actions = conn.execute(text("SELECT action FROM audit_log ORDER BY seq")).scalars().all()
    assert actions == ["user.add", "token.create", "token.revoke"]
    engine.dispose()


def test_bad_input_is_a_chinese_message(db_url: str) -> None:
    code, out = run("users", "add", "--name", "x", "--role", "boss", "--database", db_url)
    assert code == 1 and "角色 'boss' 无效" in out and "Traceback" not in out
    code, out = run("tokens", "create", "--user", "nobody", "--database", db_url)
    assert code == 1 and "没有用户 nobody" in out
    code, out = run("tokens", "revoke", "--prefix", "ov_nothing", "--database", db_url)
    assert code == 1 and "没有前缀为 ov_nothing 的令牌" in out


def tamper(engine: Engine) -> None:
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("ALTER TABLE audit_log DISABLE TRIGGER USER"))
        conn.execute(text("""UPDATE audit_log SET details = '{"role": "planner"}' WHERE seq = 2"""))
        if conn.dialect.name == "postgresql":
            conn.execute(text("ALTER TABLE audit_log ENABLE TRIGGER USER"))


def test_audit_verify_exits_1_naming_the_tampered_entry(db_url: str) -> None:
    for name in ("甲", "乙", "丙"):
        assert run("users", "add", "--name", name, "--role", "inspector", "--inspector-id", f"I-{name}", "--database", db_url)[0] == 0
    engine = make_engine(db_url)
    tamper(engine)
    engine.dispose()
    code, out = run("audit", "verify", "--database", db_url)
    assert code == 1
    assert "审计日志校验失败 (audit log verification FAILED)：第 2 条 (seq 2)" in out
    assert "内容哈希不符" in out


def test_the_env_var_names_the_database(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ONEVISIT_DATABASE_URL", db_url)
    assert run("users", "add", "--name", "孙八", "--role", "public")[0] == 0
    code, out = run("audit", "verify")
    assert code == 0 and "共校验 1 条" in out


def test_the_new_commands_have_help_without_python_types() -> None:
    for command in (["audit", "verify"], ["users", "add"], ["tokens", "create"], ["tokens", "revoke"]):
        code, out = run(*command, "--help")
        assert code == 0 and "Usage" in out and "--database URL" in out
        for leak in ("<str>", "<int>", "<bool>", "TEXT", "INTEGER"):
            assert leak not in out, (command, leak, out)
    top = run("--help")[1]
    assert "审计日志：校验哈希链 (audit log)" in top and "访问令牌 (tokens)" in top
