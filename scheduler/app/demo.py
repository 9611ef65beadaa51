"""Use case: the whole pipeline on the bundled sample county (示例县).

Each stage's typed result is handed to ``on_step`` as it is ready, so the
CLI can present it; the demo folder is written atomically (kind ``demo``).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from scheduler import planfile
from scheduler.app.drawing import draw
from scheduler.app.errors import UseCaseError
from scheduler.app.exporting import write_round_exports
from scheduler.app.inputs import Validation, validate
from scheduler.app.outputs import output_folder
from scheduler.app.results import RecordedResults, record_results
from scheduler.app.scheduling import check
from scheduler.app.scheduling import schedule as schedule_use_case
from scheduler.assign.events import SolveEvent
from scheduler.assign.solver import SolverSettings
from scheduler.assign.validate import Violation
from scheduler.atomic import write_bytes, write_text
from scheduler.draw import DrawResult, Reveal, write_draw
from scheduler.draw.published import PublishedDraw
from scheduler.plan import Plan
from scheduler.sample import demo_results_csv, sample_dir

BEACON = "03 07 12 19 25 31 + 09"
RESULTS_FILE = "检查结果_演示数据.csv"  # simulated results the demo enters (clearly named as such)
REVEALS = (("示例县市场监督管理局", "demo-secret-scjg-2026q4"), ("示例县公证处", "demo-secret-notary-2026q4"))


@dataclass(frozen=True)
class Checked:
    violations: tuple[Violation, ...]


@dataclass(frozen=True)
class ExportProgress:
    done: int
    total: int


@dataclass(frozen=True)
class Exported:
    parts: dict[str, int]


DemoStep = Validation | DrawResult | SolveEvent | Plan | Checked | RecordedResults | ExportProgress | Exported
OnStep = Callable[[DemoStep], None]


def validation_text(validation: Validation) -> str:
    """validation.txt: every problem, or 未发现问题 when there is none."""
    problems = validation.report.sorted()
    if not problems:
        return "未发现问题 (no problems found)。\n"
    return "\n".join(str(p) for p in problems) + "\n"


def demo(out: Path, *, force: bool = False, on_step: OnStep = lambda _: None) -> Path:
    data = sample_dir()
    validation = validate([data])
    on_step(validation)
    inputs = validation.inputs
    if inputs is None:
        raise UseCaseError("内置示例数据有错误 (the bundled sample has errors)", [str(p) for p in validation.report.sorted()])
    result = draw(inputs, beacon=BEACON, reveals=[Reveal(p, s) for p, s in REVEALS])
    on_step(result)
    with output_folder(out, "demo", force) as stage:
        write_text(stage / "inputs-summary.json", json.dumps(validation.summary, ensure_ascii=False, indent=2) + "\n")
        write_text(stage / "validation.txt", validation_text(validation))
        write_draw(result, inputs.dataset, stage / "draw")
        published = PublishedDraw.from_result(result)
        plan = schedule_use_case(inputs, published, SolverSettings(audit=True), on_event=on_step)
        on_step(plan)
        write_bytes(stage / "schedule" / planfile.FILENAME, planfile.to_bytes(plan))
        violations = check(plan, inputs)
        on_step(Checked(tuple(violations)))
        if violations:
            raise UseCaseError(f"独立复核发现 {len(violations)} 处违反硬性规则 (hard-rule violations)",
                               [str(v) for v in violations[:20]])
        results_file = stage / "results" / RESULTS_FILE
        write_bytes(results_file, demo_results_csv(plan))
        recorded = record_results(results_file, plan, inputs)
        on_step(recorded)
        parts = write_round_exports(plan, inputs, stage / "exports", draw=published, results=recorded.results,
                                    on_progress=lambda done, total: on_step(ExportProgress(done, total)))
        on_step(Exported(parts))
    return out
