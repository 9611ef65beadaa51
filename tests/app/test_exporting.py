"""The export use case hands the audit log checkpoint to the public notices,
and only to them."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from scheduler.app.drawing import load_draw
from scheduler.app.exporting import export
from scheduler.app.inputs import load_inputs
from scheduler.app.results import record_results
from scheduler.app.scheduling import load_plan
from scheduler.export.checkpoint import AuditCheckpoint
from scheduler.export.notice import PUBLIC_FOLDER

HASH = "3f" * 32


def _text(path: Path) -> str:
    """Every cell value of a workbook (the XML escapes non-ASCII text)."""
    return "\n".join(str(c.value) for ws in openpyxl.load_workbook(path) for row in ws for c in row)


def test_export_prints_the_checkpoint_in_the_notices(demo: Path, sample_dir: Path, tmp_path: Path) -> None:
    inputs = load_inputs([sample_dir])
    plan = load_plan(demo / "schedule" / "plan.json")
    results = record_results(next((demo / "results").glob("*.csv")), plan, inputs).results
    out = tmp_path / "exports"
    export(plan, inputs, out, draw=load_draw(demo / "draw"), results=results,
           checkpoint=AuditCheckpoint(9, HASH, "2026-10-12T00:30:00.000000Z"), workers=1)
    notices = sorted((out / PUBLIC_FOLDER).glob("*.xlsx"))
    assert len(notices) == 2
    for path in notices:
        assert f"第 9 条，哈希 {HASH}" in _text(path), path.name
    for path in out.rglob("*.xlsx"):
        if path.parent.name != PUBLIC_FOLDER:
            assert HASH not in _text(path), path.name
