"""Content-addressed blob store beside the database.

A blob is named by the SHA-256 of its bytes: ``<root>/ab/cdef…`` (the
first two hex digits are a folder).  Blobs are written atomically and never
overwritten (the same name means the same bytes); every read re-checks the
hash, so a damaged file is an error that names it, never silently served.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from scheduler import atomic
from scheduler.store.errors import BlobCorrupted, StoreError

_HEX64 = re.compile(r"[0-9a-f]{64}")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class BlobStore:
    root: Path

    def path(self, digest: str) -> Path:
        if not _HEX64.fullmatch(digest):
            raise StoreError(f"文件哈希格式无效：{digest!r} (not a lowercase SHA-256 hex digest)")
        return self.root / digest[:2] / digest[2:]

    def put(self, data: bytes) -> str:
        """Store *data*; returns its SHA-256 (hex).  An existing blob of the
        same hash is kept as it is."""
        digest = sha256_hex(data)
        target = self.path(digest)
        if not target.exists():
            atomic.write_bytes(target, data)
        return digest

    def exists(self, digest: str) -> bool:
        return self.path(digest).is_file()

    def get(self, digest: str) -> bytes:
        """The bytes named *digest*; raises if missing or if they no longer hash to it."""
        target = self.path(digest)
        try:
            data = target.read_bytes()
        except FileNotFoundError:
            raise StoreError(f"存储文件缺失：{target} (blob {digest} is missing)") from None
        actual = sha256_hex(data)
        if actual != digest:
            raise BlobCorrupted(
                f"存储文件已损坏：{target} 的内容哈希为 {actual}，应为 {digest} (blob corrupted)",
                ["请从备份恢复该文件 (restore it from a backup)"],
            )
        return data


def default_store() -> BlobStore:
    """``<data dir>/blobs`` (``ONEVISIT_DATA_DIR``, default ``./onevisit-data``)."""
    from scheduler.store.db import data_dir

    return BlobStore(data_dir() / "blobs")
