"""The audit log checkpoint value and its rows in the notices."""

from __future__ import annotations

import pytest

from scheduler.export.checkpoint import AuditCheckpoint, checkpoint_rows

HASH = "ab" * 32


def test_rows_give_the_seq_the_full_hash_and_the_time() -> None:
    rows = checkpoint_rows(AuditCheckpoint(7, HASH, "2026-11-25T10:53:34.123456Z"))
    assert rows[0] == ["审计日志检查点 (audit log checkpoint)", f"第 7 条，哈希 {HASH}"]
    assert rows[1][1] == "2026-11-25T10:53:34.123456Z"
    assert "本公告发布时审计日志的最新条目" in str(rows[2][1])


def test_no_checkpoint_no_rows() -> None:
    assert checkpoint_rows(None) == []


@pytest.mark.parametrize(("seq", "entry_hash"), [(0, HASH), (1, HASH[:-1]), (1, HASH.upper()), (1, "0x" + HASH[2:])])
def test_a_checkpoint_needs_a_seq_and_a_sha256(seq: int, entry_hash: str) -> None:
    with pytest.raises(ValueError):
        AuditCheckpoint(seq, entry_hash, "2026-11-25T10:53:34.123456Z")
