"""Authentication for the service: the database on ``app.state`` and the
FastAPI dependencies :func:`viewer` and :func:`require_roles`.

``Authorization: Bearer ov_…`` is looked up through
:mod:`scheduler.store.accounts` (hash compare, expiry, revocation,
``last_used_at``).  No header: the public viewer.  A header that is present
but malformed, unknown, expired or revoked: 401 with a Chinese JSON error.
A role an endpoint does not admit: 403.  A resource outside the viewer's
scope: 404 (:func:`deny`), so its existence is not revealed.

:func:`first_start` is what ``onevisit serve`` does before it starts:
migrate the database and, when it has no users, create the first planner
and print its token once.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Engine, func, select
from starlette.exceptions import HTTPException

from scheduler.access import PUBLIC, Decision, Viewer
from scheduler.store import accounts, audit
from scheduler.store.admin import cli_actor
from scheduler.store.db import database_url, read_only, unit_of_work, utcnow
from scheduler.store.errors import StoreError, TokenRefused
from scheduler.store.migrate import migrate
from scheduler.store.models import User

BEARER = "bearer"
FIRST_PLANNER_DAYS = 30


#: How long a checked token is trusted without asking the database again:
#: a revoked token stops working within this time.
TOKEN_CACHE_SECONDS = 5.0


@dataclass(frozen=True)
class _Checked:
    viewer: Viewer
    expires_at: dt.datetime
    until: float  # time.monotonic() after which the database is asked again


class TokenCache:
    """Recently checked tokens, by SHA-256, for :data:`TOKEN_CACHE_SECONDS`."""

    def __init__(self, seconds: float = TOKEN_CACHE_SECONDS, size: int = 10_000) -> None:
        self.seconds = seconds
        self.size = size
        self._items: dict[str, _Checked] = {}
        self._lock = threading.Lock()

    def get(self, digest: str, now: dt.datetime) -> Viewer | None:
        with self._lock:
            item = self._items.get(digest)
        if item is None or item.until < time.monotonic() or item.expires_at <= now:
            return None
        return item.viewer

    def put(self, digest: str, viewer: Viewer, expires_at: dt.datetime) -> None:
        with self._lock:
            if len(self._items) >= self.size:
                self._items.clear()
            self._items[digest] = _Checked(viewer, expires_at, time.monotonic() + self.seconds)


class Database:
    """The service's database: migrated once, on start-up (the app's
    lifespan) or at the first request that needs it, whichever comes first."""

    def __init__(self, url: str | None = None) -> None:
        self._url = url
        self._engine: Engine | None = None
        self._lock = threading.Lock()
        self.tokens = TokenCache()

    @property
    def url(self) -> str:
        return database_url(self._url)

    def engine(self) -> Engine:
        with self._lock:
            if self._engine is None:
                self._engine = migrate(self.url)
            return self._engine

    def dispose(self) -> None:
        with self._lock:
            if self._engine is not None:
                self._engine.dispose()
                self._engine = None


def install_database(app: FastAPI, url: str | None = None) -> Database:
    db = Database(url)
    app.state.database = db
    return db


def database(request: Request) -> Database:
    db: Database = request.app.state.database
    return db


def unauthorized(message: str) -> HTTPException:
    return HTTPException(401, f"未通过身份验证：{message}", headers={"WWW-Authenticate": "Bearer"})


def parse_bearer(header: str) -> str:
    """The token of an ``Authorization: Bearer ov_…`` header; raises 401."""
    scheme, _, token = header.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != BEARER or not token:
        raise unauthorized("Authorization 请求头应为「Bearer ov_…」(expected a Bearer token)")
    if not token.startswith(accounts.TOKEN_PREFIX) or len(token) > 200:
        raise unauthorized("令牌格式不对：应以 ov_ 开头 (malformed token)")
    return token


def viewer_of(user: User) -> Viewer:
    return Viewer(role=user.role, user_id=user.id, agency=user.agency, inspector_id=user.inspector_id,
                  township=user.township, name=user.name)


def authenticate(db: Database, token: str) -> Viewer:
    """The viewer a live token belongs to; raises 401.  The lookup only
    reads, and a token checked in the last :data:`TOKEN_CACHE_SECONDS` is
    not looked up again; ``last_used_at`` is written at most once a minute
    per token, so concurrent readers do not queue for SQLite's write lock."""
    now = utcnow()
    digest = accounts.hash_token(token)
    cached = db.tokens.get(digest, now)
    if cached is not None:
        return cached
    try:
        with read_only(db.engine()) as session:
            record = accounts.find_live(session, token, now=now)
            who, token_id, stale = viewer_of(record.user), record.id, accounts.needs_touch(record, now)
            expires_at = record.expires_at
    except TokenRefused as exc:
        raise unauthorized(str(exc)) from None
    if stale:
        with unit_of_work(db.engine()) as session:
            accounts.touch(session, token_id, now)
    db.tokens.put(digest, who, expires_at)
    return who


#: Declares the Bearer scheme in the OpenAPI schema (the "Authorize" button of
#: /docs); the header itself is read by :func:`viewer`, with Chinese errors.
BEARER_SCHEME = HTTPBearer(auto_error=False, scheme_name="令牌 (token)",
                           description="onevisit tokens create 生成的访问令牌 ov_…；公众无需令牌 (no token: the public)")


def viewer(request: Request,
           _credentials: Annotated[HTTPAuthorizationCredentials | None, Security(BEARER_SCHEME)] = None) -> Viewer:
    """The dependency: who is asking (the public when there is no token)."""
    header = request.headers.get("authorization")
    if header is None:
        return PUBLIC
    return authenticate(database(request), parse_bearer(header))


ViewerDep = Annotated[Viewer, Depends(viewer)]


def require_roles(*roles: str) -> Callable[[Viewer], Viewer]:
    """A dependency admitting only *roles*: no token where the public is not
    admitted is 401, a token of another role 403."""
    allowed = frozenset(roles)

    def dependency(who: ViewerDep) -> Viewer:
        if who.role in allowed:
            return who
        if who.user_id is None:
            raise unauthorized("此操作需要访问令牌 (a token is required)")
        raise HTTPException(403, f"角色 {who.role} 无权进行此操作 (role not allowed)")

    return dependency


PlannerDep = Annotated[Viewer, Depends(require_roles("planner"))]
InspectorDep = Annotated[Viewer, Depends(require_roles("inspector"))]
TownshipDep = Annotated[Viewer, Depends(require_roles("township"))]


def deny(decision: Decision) -> None:
    """Raise what a refused :class:`Decision` means: 403 or 404."""
    if decision is Decision.FORBIDDEN:
        raise HTTPException(403, "无权访问 (forbidden)")
    if decision is Decision.NOT_FOUND:
        raise HTTPException(404, "没有该资源，或无权查看 (not found)")


def me(who: Viewer) -> dict[str, Any]:
    """The viewer's role and scope, without secrets."""
    return {"role": who.role, "authenticated": who.user_id is not None, "user_id": who.user_id, "name": who.name,
            "agency": who.agency, "inspector_id": who.inspector_id, "township": who.township}


@dataclass(frozen=True)
class FirstPlanner:
    name: str
    agency: str
    token: str  # shown once
    prefix: str
    expires_at: str


def first_planner_name(agency: str) -> str:
    return f"{agency}-planner"


def first_start(url: str | None, agency: str, *, days: int = FIRST_PLANNER_DAYS) -> FirstPlanner | None:
    """Migrate the database; when it has no users yet, create a planner of
    *agency* and a token for it (two audit entries, one transaction).
    Returns None when users exist already."""
    agency = agency.strip()
    if not agency:
        raise StoreError("--agency 不能为空：请给出计划科室所属部门的代码，如 SCJG (empty agency)")
    engine = migrate(url)
    try:
        with unit_of_work(engine) as session:
            if session.scalar(select(func.count()).select_from(User)):
                return None
            user = accounts.add_user(session, name=first_planner_name(agency), role="planner", agency=agency)
            audit.append(session, actor=cli_actor(), action="user.add", subject=f"user:{user.name}",
                         details={"role": "planner", "agency": agency, "inspector_id": None, "township": None,
                                  "first_start": True})
            issued = accounts.create_token(session, user, days=days)
            expires = audit.format_at(issued.record.expires_at)
            audit.append(session, actor=cli_actor(), action="token.create", subject=f"user:{user.name}",
                         details={"prefix": issued.record.prefix, "expires_at": expires, "first_start": True})
            return FirstPlanner(user.name, agency, issued.token, issued.record.prefix, expires)
    finally:
        engine.dispose()
