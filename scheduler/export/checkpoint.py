"""The audit log checkpoint printed in the public notices: the head of the
hash-chained audit log (its ``seq`` and ``entry_hash``) when the round was
published, so that anyone holding a notice can later check that the entry
is still in the log, unchanged.  Import-light on purpose: the service reads
the head from the store and hands this value to the exports."""

from __future__ import annotations

import re
from dataclasses import dataclass

HASH = re.compile(r"[0-9a-f]{64}")
LABEL = "审计日志检查点 (audit log checkpoint)"
EXPLANATION = ("本公告发布时审计日志的最新条目；此后任何对日志的篡改都会使该哈希无法复现 "
               "(the audit log's head when this notice was published)。")


@dataclass(frozen=True, slots=True)
class AuditCheckpoint:
    seq: int  # the entry's sequence number (1 for the first entry)
    entry_hash: str  # the entry's SHA-256, 64 lower-case hex digits
    at: str  # the entry's time as stored in the log (UTC, e.g. 2026-11-25T10:53:34.123456Z)

    def __post_init__(self) -> None:
        if self.seq < 1:
            raise ValueError(f"audit checkpoint seq must be at least 1, not {self.seq}")
        if not HASH.fullmatch(self.entry_hash):
            raise ValueError(f"audit checkpoint hash must be 64 lower-case hex digits, not {self.entry_hash!r}")


def checkpoint_rows(checkpoint: AuditCheckpoint | None) -> list[list[object]]:
    """(项目, 内容) rows of a notice's verification part; none without a checkpoint."""
    if checkpoint is None:
        return []
    return [[LABEL, f"第 {checkpoint.seq} 条，哈希 {checkpoint.entry_hash}"],
            ["审计日志检查点时间 (checkpoint time, UTC)", checkpoint.at],
            ["审计日志检查点说明", EXPLANATION]]
