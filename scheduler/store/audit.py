"""The append-only, hash-chained audit log.

Entry ``n`` stores ``prev_hash`` = entry ``n-1``'s ``entry_hash`` (64 zeros
for ``seq`` 1) and ``entry_hash`` = SHA-256 (hex) over the canonical JSON of
``{seq, at, actor, action, subject, details, prev_hash}``: keys sorted, no
spaces, UTF-8 without escaping non-ASCII.  ``UNIQUE(prev_hash)`` (and the
``seq`` key) make a fork a constraint violation: of two concurrent writers
one fails and :func:`append` retries it on the new head.  On PostgreSQL
triggers refuse UPDATE, DELETE and TRUNCATE.  :func:`verify` recomputes
every hash and names the first bad entry.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from scheduler.store.db import utcnow
from scheduler.store.errors import StoreError
from scheduler.store.models import AuditEntry

GENESIS = "0" * 64
MAX_ATTEMPTS = 100


def canonical_json(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8")


def format_at(at: dt.datetime) -> str:
    """``2026-11-25T10:53:34.123456Z`` (UTC, always with microseconds)."""
    return at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def entry_hash(seq: int, at: str, actor: str, action: str, subject: str, details: Mapping[str, Any], prev_hash: str) -> str:
    body = {"seq": seq, "at": at, "actor": actor, "action": action, "subject": subject,
            "details": dict(details), "prev_hash": prev_hash}
    return hashlib.sha256(canonical_json(body)).hexdigest()


def head(session: Session) -> AuditEntry | None:
    return session.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(1)).first()


def append(session: Session, *, actor: str, action: str, subject: str,
           details: Mapping[str, Any] | None = None, at: dt.datetime | None = None) -> AuditEntry:
    """Append one entry inside the caller's transaction (so the audited
    change and its entry commit together).  A concurrent writer that took the
    same head first makes the insert fail; it is retried on the new head."""
    details = json.loads(canonical_json(dict(details or {})))  # JSON-safe, as it will be read back
    stamp = format_at(at or utcnow())
    for _attempt in range(MAX_ATTEMPTS):
        last = head(session)
        seq = 1 if last is None else last.seq + 1
        prev = GENESIS if last is None else last.entry_hash
        entry = AuditEntry(seq=seq, at=stamp, actor=actor, action=action, subject=subject, details=details,
                           prev_hash=prev, entry_hash=entry_hash(seq, stamp, actor, action, subject, details, prev))
        try:
            with session.begin_nested():
                session.add(entry)
        except IntegrityError:
            continue  # another writer took this head first; the savepoint is rolled back
        return entry
    raise StoreError(f"审计日志写入冲突，重试 {MAX_ATTEMPTS} 次仍未成功 (audit append kept conflicting)")


@dataclass(frozen=True)
class AuditVerification:
    ok: bool
    entries: int  # entries checked (up to and including the first bad one)
    head_hash: str  # the last good entry's hash (GENESIS for an empty log)
    first_bad_seq: int | None = None
    reason: str | None = None


def _fault(entry: AuditEntry, expected_seq: int, prev: str) -> str | None:
    """Why *entry* breaks the chain (Chinese, with English), or None."""
    if entry.seq != expected_seq:
        return f"序号不连续：应为 {expected_seq}，实为 {entry.seq}（有条目被删除或插入）(gap in seq)"
    if entry.prev_hash != prev:
        return "前一条哈希不符：链接断开 (prev_hash does not match the previous entry)"
    actual = entry_hash(entry.seq, entry.at, entry.actor, entry.action, entry.subject, entry.details, entry.prev_hash)
    if actual != entry.entry_hash:
        return "内容哈希不符：条目内容被修改 (entry content does not match its hash)"
    return None


def verify(session: Session) -> AuditVerification:
    """Recompute the chain from ``seq`` 1 and stop at the first bad entry:
    a gap in ``seq``, a ``prev_hash`` that is not the previous entry's hash,
    or content whose hash is not ``entry_hash``."""
    prev = GENESIS
    count = 0
    rows = session.execute(select(AuditEntry).order_by(AuditEntry.seq).execution_options(yield_per=1000)).scalars()
    for entry in rows:
        reason = _fault(entry, count + 1, prev)
        if reason is not None:
            bad_seq = entry.seq if entry.seq == count + 1 else count + 1
            return AuditVerification(False, count + 1, prev, bad_seq, reason)
        prev = entry.entry_hash
        count += 1
    return AuditVerification(True, count, prev)
