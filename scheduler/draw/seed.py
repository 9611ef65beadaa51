"""The draw's seed and tickets (docs/draw-spec.md §3–§4).

``LP(x)`` is the 4-byte big-endian length of ``x`` followed by ``x``; strings
are UTF-8.  Everything here is a pure function of bytes.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from operator import methodcaller

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


#: From this many tickets on, they are hashed in worker processes.
PARALLEL_TICKETS = 400_000
#: Tickets per task of a worker process.
CHUNK_TICKETS = 1 << 18


def _digests(prefix: bytes, codes: list[bytes]) -> bytes:
    """SHA-256(prefix ‖ code) of every code, concatenated.  The loop runs in
    C (map), one hash object per message: hashlib keeps the GIL for
    messages this short, so parallelism needs processes, not threads."""
    return b"".join(map(methodcaller("digest"), map(hashlib.sha256, map(prefix.__add__, codes))))


def _hash_block(prefix: bytes, block: npt.NDArray[np.bytes_]) -> bytes:
    return _digests(prefix, block.tolist())


def ticket_workers() -> int:
    """Worker processes for hashing (1 = hash in this process): the usable
    CPUs, where the platform can fork."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    return max(1, min(8, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1))


def tickets(s: bytes, usccs: npt.NDArray[np.bytes_], item: str | None = None, *,
            workers: int | None = None) -> npt.NDArray[np.uint8]:
    """Tickets of many USCCs (ASCII, fixed width ``S18``) as an ``(n, 32)`` array.

    Every message is ``prefix ‖ LP(uscc)`` with a prefix common to all; with
    18-byte codes LP's length is part of the prefix.  A large batch is cut
    into chunks hashed by forked worker processes (the result does not
    depend on how it is cut)."""
    prefix = lp(TICKET_DOMAIN) + lp(s) if item is None else lp(INDEP_TICKET_DOMAIN) + lp(s) + lp(item)
    n = len(usccs)
    if n == 0:
        return np.zeros((0, 32), dtype=np.uint8)
    if usccs.dtype.itemsize != 18 or not (np.char.str_len(usccs) == 18).all():
        return np.frombuffer(_digests(b"", [prefix + lp(c) for c in usccs.tolist()]), dtype=np.uint8).reshape(-1, 32)
    prefix += lp(b"x" * 18)[:4]
    workers = ticket_workers() if workers is None else workers
    if workers <= 1 or n < PARALLEL_TICKETS:
        return np.frombuffer(_digests(prefix, usccs.tolist()), dtype=np.uint8).reshape(-1, 32)
    blocks = [usccs[i : i + CHUNK_TICKETS] for i in range(0, n, CHUNK_TICKETS)]
    out = np.empty((n, 32), dtype=np.uint8)
    with ProcessPoolExecutor(min(workers, len(blocks)), mp_context=multiprocessing.get_context("fork")) as pool:
        for k, digests in enumerate(pool.map(_hash_block, [prefix] * len(blocks), blocks)):
            out[k * CHUNK_TICKETS : k * CHUNK_TICKETS + len(blocks[k])] = np.frombuffer(digests, dtype=np.uint8).reshape(-1, 32)
    return out


def ticket_order(digests: npt.NDArray[np.uint8], tiebreak: npt.NDArray[np.int64] | None = None) -> npt.NDArray[np.intp]:
    """Indices that sort tickets as 256-bit big-endian integers (ties by
    *tiebreak*, normally the USCC rank).

    Sorted by their first 64 bits; only when two tickets share those (about
    one chance in 10^12 for a million tickets) are all 256 bits and the
    tiebreak compared."""
    leading = np.ascontiguousarray(digests[:, :8]).view(">u8").reshape(-1).astype(np.uint64)
    order = np.argsort(leading, kind="stable")
    first = leading[order]
    if not (first[1:] == first[:-1]).any():
        return order
    words = digests.view(">u8").reshape(-1, 4).astype(np.uint64)
    keys: list[npt.NDArray[np.generic]] = []
    if tiebreak is not None:
        keys.append(tiebreak)
    keys.extend(words[:, k] for k in (3, 2, 1, 0))  # np.lexsort: last key is primary
    return np.lexsort(keys)
