"""Roster snapshots: frozen, content-addressed, stored once."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from scheduler.store import snapshots
from scheduler.store.blobs import BlobStore
from scheduler.store.db import unit_of_work
from scheduler.store.errors import BlobCorrupted
from scheduler.store.models import RosterSnapshot

FILES = {"enterprises.csv": "统一社会信用代码,名称\n".encode(), "inspectors.csv": b"id,name\n"}


def test_the_same_files_give_the_same_snapshot(engine: Engine, tmp_path: Path) -> None:
    blobs = BlobStore(tmp_path / "blobs")
    with unit_of_work(engine) as session:
        first = snapshots.freeze(session, blobs, FILES)
    with unit_of_work(engine) as session:
        again = snapshots.freeze(session, blobs, dict(reversed(FILES.items())))
        changed = snapshots.freeze(session, blobs, {**FILES, "inspectors.csv": b"id,name\n1,A\n"})
        assert again.id == first.id and changed.id != first.id
        assert session.scalar(select(func.count()).select_from(RosterSnapshot)) == 2
        assert [f.name for f in first.files] == ["enterprises.csv", "inspectors.csv"]
        assert snapshots.read_files(blobs, first) == FILES


def test_a_damaged_roster_file_is_named_on_reading(engine: Engine, tmp_path: Path) -> None:
    blobs = BlobStore(tmp_path / "blobs")
    with unit_of_work(engine) as session:
        snap = snapshots.freeze(session, blobs, FILES)
        damaged = blobs.path(snap.files[1].blob_hash)
    damaged.write_bytes(b"id,name\n9,X\n")
    with unit_of_work(engine) as session, pytest.raises(BlobCorrupted, match=str(damaged)):
        snapshots.read_files(blobs, session.get_one(RosterSnapshot, snap.id))
