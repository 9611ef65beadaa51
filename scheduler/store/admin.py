"""What the ``onevisit audit``, ``users`` and ``tokens`` commands do: open
(and migrate) the database, make the change and its audit entry in one
transaction, and return what the CLI prints."""

from __future__ import annotations

import getpass
from dataclasses import dataclass

from sqlalchemy import Engine

from scheduler.store import accounts, audit
from scheduler.store.db import read_only, unit_of_work
from scheduler.store.migrate import migrate


def cli_actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):  # no user name (some containers)
        return "cli"


def open_database(url: str | None) -> Engine:
    """The database at *url* (or ``ONEVISIT_DATABASE_URL``, or the SQLite
    file), created and migrated on first use."""
    return migrate(url)


def verify_audit(url: str | None) -> audit.AuditVerification:
    with read_only(open_database(url)) as session:
        return audit.verify(session)


@dataclass(frozen=True)
class UserInfo:
    id: int
    name: str
    role: str
    audit_seq: int


def add_user(url: str | None, *, name: str, role: str, agency: str | None = None,
             inspector_id: str | None = None, township: str | None = None) -> UserInfo:
    with unit_of_work(open_database(url)) as session:
        user = accounts.add_user(session, name=name, role=role, agency=agency, inspector_id=inspector_id, township=township)
        entry = audit.append(session, actor=cli_actor(), action="user.add", subject=f"user:{user.name}",
                             details={"role": role, "agency": agency, "inspector_id": inspector_id, "township": township})
        return UserInfo(user.id, user.name, user.role, entry.seq)


@dataclass(frozen=True)
class TokenInfo:
    token: str
    prefix: str
    user: str
    expires_at: str
    audit_seq: int


def create_token(url: str | None, *, user: str, days: int = accounts.DEFAULT_DAYS) -> TokenInfo:
    with unit_of_work(open_database(url)) as session:
        owner = accounts.find_user(session, user)
        issued = accounts.create_token(session, owner, days=days)
        expires = audit.format_at(issued.record.expires_at)
        entry = audit.append(session, actor=cli_actor(), action="token.create", subject=f"user:{owner.name}",
                             details={"prefix": issued.record.prefix, "expires_at": expires})
        return TokenInfo(issued.token, issued.record.prefix, owner.name, expires, entry.seq)


def revoke_token(url: str | None, *, prefix: str) -> TokenInfo:
    with unit_of_work(open_database(url)) as session:
        token = accounts.revoke_token(session, prefix)
        entry = audit.append(session, actor=cli_actor(), action="token.revoke", subject=f"user:{token.user.name}",
                             details={"prefix": token.prefix})
        return TokenInfo("", token.prefix, token.user.name, audit.format_at(token.expires_at), entry.seq)
