"""The content-addressed blob store."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from scheduler.store.blobs import BlobStore
from scheduler.store.errors import BlobCorrupted, StoreError


def test_round_trip_names_the_blob_by_its_sha256(tmp_path: Path) -> None:
    store = BlobStore(tmp_path / "blobs")
    data = "企业名录 roster\n".encode()
    digest = store.put(data)
    assert digest == hashlib.sha256(data).hexdigest()
    assert store.path(digest) == tmp_path / "blobs" / digest[:2] / digest[2:]
    assert store.get(digest) == data
    assert store.put(data) == digest  # same content, same blob
    assert [p.name for p in (tmp_path / "blobs").rglob("*") if p.is_file()] == [digest[2:]]


def test_an_existing_blob_is_never_overwritten(tmp_path: Path) -> None:
    store = BlobStore(tmp_path)
    digest = store.put(b"one")
    before = store.path(digest).stat().st_mtime_ns
    store.put(b"one")
    assert store.path(digest).stat().st_mtime_ns == before


def test_a_corrupted_blob_is_an_error_naming_it(tmp_path: Path) -> None:
    store = BlobStore(tmp_path)
    digest = store.put(b"draw manifest")
    store.path(digest).write_bytes(b"draw manifest, edited")
    with pytest.raises(BlobCorrupted) as err:
        store.get(digest)
    assert str(store.path(digest)) in err.value.message and "已损坏" in err.value.message


def test_a_missing_blob_and_a_bad_name_are_errors(tmp_path: Path) -> None:
    store = BlobStore(tmp_path)
    with pytest.raises(StoreError, match="缺失"):
        store.get("a" * 64)
    with pytest.raises(StoreError, match="格式无效"):
        store.get("../../etc/passwd")
