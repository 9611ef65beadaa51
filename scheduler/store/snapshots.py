"""Roster snapshots: a set of roster files frozen in the blob store.

The snapshot's ``content_hash`` is the SHA-256 of the canonical JSON list
``[{"name": …, "sha256": …}, …]`` sorted by name, so the same files give the
same snapshot (stored once) and any changed byte gives a new one.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from scheduler.store.audit import canonical_json
from scheduler.store.blobs import BlobStore
from scheduler.store.errors import StoreError
from scheduler.store.models import RosterSnapshot, SnapshotFile


def content_hash(file_hashes: Mapping[str, str]) -> str:
    listing = [{"name": name, "sha256": file_hashes[name]} for name in sorted(file_hashes)]
    return hashlib.sha256(canonical_json(listing)).hexdigest()


def freeze(session: Session, blobs: BlobStore, files: Mapping[str, bytes]) -> RosterSnapshot:
    """Store *files* (name → bytes) as blobs and return their snapshot (the
    existing one when the same files were frozen before)."""
    if not files:
        raise StoreError("名录快照不能为空：没有任何文件 (no roster files)")
    hashes = {name: blobs.put(data) for name, data in files.items()}
    digest = content_hash(hashes)
    existing = session.scalar(select(RosterSnapshot).where(RosterSnapshot.content_hash == digest))
    if existing is not None:
        return existing
    snapshot = RosterSnapshot(content_hash=digest)
    snapshot.files = [SnapshotFile(name=name, blob_hash=hashes[name], size=len(files[name])) for name in sorted(files)]
    session.add(snapshot)
    session.flush()
    return snapshot


def read_files(blobs: BlobStore, snapshot: RosterSnapshot) -> dict[str, bytes]:
    """The snapshot's files, each re-checked against its hash."""
    return {f.name: blobs.get(f.blob_hash) for f in snapshot.files}
