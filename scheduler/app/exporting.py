"""Use case: write every workbook, calendar and notice of a round."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from scheduler.app.errors import StaleInputs
from scheduler.app.outputs import output_folder
from scheduler.app.scheduling import plan_mismatches
from scheduler.draw.published import PublishedDraw
from scheduler.export.bundle import write_exports
from scheduler.export.checkpoint import AuditCheckpoint
from scheduler.export.context import build_context
from scheduler.io import Inputs
from scheduler.plan import Plan
from scheduler.results import ItemResult

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class ExportSummary:
    folder: Path
    parts: dict[str, int]  # part -> files jobs


def write_round_exports(plan: Plan, inputs: Inputs, folder: Path, *, draw: PublishedDraw | None = None,
                        results: Sequence[ItemResult] = (), checkpoint: AuditCheckpoint | None = None,
                        workers: int | None = None, on_progress: Progress = lambda done, total: None) -> dict[str, int]:
    """Write the exports into an existing (staging) folder; the notices print
    *checkpoint* (the audit log's head at publication) when given."""
    changed = plan_mismatches(plan, inputs)
    if changed:
        raise StaleInputs("安排结果与现在的名录库不一致，不能导出（请重新安排，或使用安排时的名录库）：", changed)
    if draw is not None and draw.manifest_sha256 != plan.audit.draw_manifest_sha256:
        raise StaleInputs("安排结果不是按这次抽取结果生成的：抽取结果 manifest.json 的 SHA-256 与安排结果记录的不同 "
                          "(the plan was made from another draw)")
    ctx = build_context(plan, inputs.dataset, draw, results, checkpoint)
    todo = write_exports(ctx, folder, workers, on_progress)
    return dict(Counter(job.part for job in todo))


def export(plan: Plan, inputs: Inputs, out: Path, *, draw: PublishedDraw | None = None,
           results: Sequence[ItemResult] = (), checkpoint: AuditCheckpoint | None = None,
           workers: int | None = None, force: bool = False,
           on_progress: Progress = lambda done, total: None) -> ExportSummary:
    with output_folder(out, "export", force) as stage:
        parts = write_round_exports(plan, inputs, stage, draw=draw, results=results, checkpoint=checkpoint,
                                    workers=workers, on_progress=on_progress)
    return ExportSummary(out, parts)
