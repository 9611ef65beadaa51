"""The draw's seed and tickets (docs/draw-spec.md §3–§4).

``LP(x)`` is the 4-byte big-endian length of ``x`` followed by ``x``; strings
are UTF-8.  Everything here is a pure function of bytes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

SEED_DOMAIN = "onevisit-seed-v1"
TICKET_DOMAIN = "onevisit-ticket-v1"
INDEP_TICKET_DOMAIN = "onevisit-ticket-indep-v1"


def lp(data: bytes | str) -> bytes:
    """Length-prefix: 4-byte big-endian length, then the bytes."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    return len(raw).to_bytes(4, "big") + raw


@dataclass(frozen=True, slots=True)
class Reveal:
    """A party's revealed secret."""

    party: str
    secret: str


def seed(plan_digest: bytes, frame_digest: bytes, beacon: str | bytes, secrets: Sequence[str | bytes]) -> bytes:
    """S = SHA-256(LP("onevisit-seed-v1") ‖ LP(P) ‖ LP(D) ‖ LP(beacon) ‖ LP(s_1) ‖ … ‖ LP(s_k))."""
    h = hashlib.sha256(lp(SEED_DOMAIN) + lp(plan_digest) + lp(frame_digest) + lp(beacon))
    for secret in secrets:
        h.update(lp(secret))
    return h.digest()


def commitment(secret: str) -> str:
    """The published commitment to a secret: SHA-256 of its UTF-8 bytes, hex."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def ticket(s: bytes, uscc: str, item: str | None = None) -> bytes:
    """One ticket: coordinated when *item* is None, else independent mode."""
    if item is None:
        return hashlib.sha256(lp(TICKET_DOMAIN) + lp(s) + lp(uscc)).digest()
    return hashlib.sha256(lp(INDEP_TICKET_DOMAIN) + lp(s) + lp(item) + lp(uscc)).digest()


def tickets(s: bytes, usccs: npt.NDArray[np.bytes_], item: str | None = None) -> npt.NDArray[np.uint8]:
    """Tickets of many USCCs (ASCII, fixed width ``S18``) as an ``(n, 32)`` array."""
    prefix = lp(TICKET_DOMAIN) + lp(s) if item is None else lp(INDEP_TICKET_DOMAIN) + lp(s) + lp(item)
    base = hashlib.sha256(prefix)
    out = bytearray(32 * len(usccs))
    for i, code in enumerate(usccs.tolist()):
        h = base.copy()
        h.update(lp(code))
        out[32 * i : 32 * i + 32] = h.digest()
    return np.frombuffer(bytes(out), dtype=np.uint8).reshape(-1, 32)


def ticket_order(digests: npt.NDArray[np.uint8], tiebreak: npt.NDArray[np.int64] | None = None) -> npt.NDArray[np.intp]:
    """Indices that sort tickets as 256-bit big-endian integers (ties by
    *tiebreak*, normally the USCC rank)."""
    words = digests.view(">u8").reshape(-1, 4).astype(np.uint64)
    keys: list[npt.NDArray[np.generic]] = []
    if tiebreak is not None:
        keys.append(tiebreak)
    keys.extend(words[:, k] for k in (3, 2, 1, 0))  # np.lexsort: last key is primary
    return np.lexsort(keys)
