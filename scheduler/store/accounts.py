"""Users and API tokens.

A token is ``ov_`` followed by 43 URL-safe characters (32 random bytes).
Only its SHA-256 is stored, with the first 11 characters as a non-secret
prefix that logs and ``tokens revoke`` use.  Tokens expire and can be
revoked; :func:`authenticate` compares hashes with ``hmac.compare_digest``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from scheduler.store.db import utcnow
from scheduler.store.errors import StoreError, TokenRefused
from scheduler.store.models import ROLES, Token, User

TOKEN_PREFIX = "ov_"
PREFIX_LENGTH = 11
DEFAULT_DAYS = 90
SCOPED = {"inspector": "inspector_id", "township": "township"}


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def add_user(session: Session, *, name: str, role: str, agency: str | None = None,
             inspector_id: str | None = None, township: str | None = None) -> User:
    name = name.strip()
    if not name:
        raise StoreError("用户名不能为空 (--name is empty)")
    if role not in ROLES:
        raise StoreError(f"角色 {role!r} 无效：应为 {'、'.join(ROLES)} 之一 (unknown role)")
    if role == "inspector" and not inspector_id:
        raise StoreError("执法人员 (inspector) 用户须给出 --inspector-id（名录中的执法人员编号）")
    if role == "township" and not township:
        raise StoreError("乡镇 (township) 用户须给出 --township（乡镇名称）")
    if session.scalar(select(User.id).where(User.name == name)) is not None:
        raise StoreError(f"用户 {name} 已存在 (user exists)")
    user = User(name=name, role=role, agency=agency, inspector_id=inspector_id, township=township)
    session.add(user)
    session.flush()
    return user


def find_user(session: Session, name: str) -> User:
    user = session.scalar(select(User).where(User.name == name))
    if user is None:
        raise StoreError(f"没有用户 {name}：请先用 onevisit users add 创建 (no such user)")
    return user


@dataclass(frozen=True)
class IssuedToken:
    token: str  # shown once, never stored
    record: Token


def create_token(session: Session, user: User, *, days: int = DEFAULT_DAYS, now: dt.datetime | None = None) -> IssuedToken:
    if days < 1:
        raise StoreError(f"有效天数 {days} 无效：应为正整数 (--days must be at least 1)")
    now = now or utcnow()
    token = new_token()
    record = Token(user_id=user.id, prefix=token[:PREFIX_LENGTH], token_hash=hash_token(token),
                   created_at=now, expires_at=now + dt.timedelta(days=days))
    session.add(record)
    session.flush()
    return IssuedToken(token, record)


#: ``last_used_at`` is written at most this often per token, so reading
#: requests do not each take the database's write lock.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


def find_live(session: Session, token: str, *, now: dt.datetime | None = None) -> Token:
    """The live token record (nothing written); unknown, expired and revoked
    tokens are refused."""
    now = now or utcnow()
    digest = hash_token(token)
    candidates = session.scalars(select(Token).where(Token.prefix == token[:PREFIX_LENGTH])).all()
    match = next((t for t in candidates if hmac.compare_digest(t.token_hash, digest)), None)
    if match is None:
        raise TokenRefused("令牌无效 (unknown token)")
    if match.revoked_at is not None:
        raise TokenRefused(f"令牌 {match.prefix}… 已吊销 (revoked)")
    if match.expires_at <= now:
        raise TokenRefused(f"令牌 {match.prefix}… 已过期 (expired)")
    return match


def needs_touch(token: Token, now: dt.datetime) -> bool:
    """Whether ``last_used_at`` is older than :data:`LAST_USED_RESOLUTION`."""
    return token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION


def authenticate(session: Session, token: str, *, now: dt.datetime | None = None) -> User:
    """The user a live token belongs to (its ``last_used_at`` is updated);
    unknown, expired and revoked tokens are refused."""
    now = now or utcnow()
    match = find_live(session, token, now=now)
    match.last_used_at = now
    return match.user


def touch(session: Session, token_id: int, now: dt.datetime) -> None:
    """Record a use of the token (a separate, short write)."""
    record = session.get(Token, token_id)
    if record is not None and needs_touch(record, now):
        record.last_used_at = now


def revoke_token(session: Session, prefix: str, *, now: dt.datetime | None = None) -> Token:
    found = session.scalars(select(Token).where(Token.prefix == prefix)).all()
    if not found:
        raise StoreError(f"没有前缀为 {prefix} 的令牌 (no token with this prefix)")
    if len(found) > 1:  # pragma: no cover - 11 characters, 8 of them random
        raise StoreError(f"前缀 {prefix} 对应多个令牌，无法确定吊销哪一个 (ambiguous prefix)")
    token = found[0]
    if token.revoked_at is None:
        token.revoked_at = now or utcnow()
    return token
