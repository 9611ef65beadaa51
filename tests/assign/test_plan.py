"""Building plan.json (scheduler/assign/plan.py) through the whole solver:
the teams are the draw's when capacity does not bind, and audit mode is
byte-for-byte reproducible, whatever the order of the rosters."""

from __future__ import annotations

import random
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from sched_cases import make_case, officer

from scheduler import planfile
from scheduler.app.scheduling import schedule
from scheduler.assign.solver import SolverSettings
from scheduler.draw import Reveal, build_rule, run_draw
from scheduler.draw.published import PublishedDraw
from scheduler.io import Report, load


def test_plan_teams_are_the_draw_when_capacity_does_not_bind(tmp_path: Path) -> None:
    officers = [officer(f"SCJG000{k}", "市场监管", "清河镇") for k in range(1, 7)]
    case = make_case(tmp_path / "d", [("城关镇", ["SCJG-001"])] * 8, officers)
    plan = case.solve().plan
    assert plan["statistics"]["as_drawn_share"] == 1.0
    assert all(m["drawn"] and m["rank"] < 2 for v in plan["visits"] for m in v["team"])


# --- audit-grade reproducibility ----------------------------------------------


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, PublishedDraw]:
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "data"))
    import generate_county

    folder = tmp_path_factory.mktemp("county")
    generate_county.generate(folder, enterprises=4000, townships=6, inspectors=60, agencies=4, excel=False)
    (folder / "round.toml").write_text('name = "审计模式"\nlead_agency = "市场监管"\n[window]\nstart = 2026-11-02\n'
                                       'end = 2026-11-27\n[assignment]\navoid_home_township = true\n', encoding="utf-8")
    inputs = load([folder], Report())
    assert inputs is not None and inputs.round is not None
    result = run_draw(build_rule(inputs.round, inputs.dataset), inputs.dataset, "", [Reveal("seed", "audit")], compare=False)
    return inputs, PublishedDraw.from_result(result)


def test_audit_mode_gives_the_same_bytes_twice_and_with_shuffled_rosters(county: tuple[Any, PublishedDraw]) -> None:
    inputs, draw = county
    settings = SolverSettings(audit=True, deterministic_time=5.0)
    first = planfile.to_bytes(schedule(inputs, draw, settings))
    second = planfile.to_bytes(schedule(inputs, draw, settings))
    assert first == second
    rnd = random.Random(5)
    order = list(range(len(inputs.dataset.enterprises)))
    rnd.shuffle(order)
    inspectors = list(inputs.dataset.inspectors)
    rnd.shuffle(inspectors)
    shuffled = replace(inputs.dataset, enterprises=inputs.dataset.enterprises.iloc[order].reset_index(drop=True),
                       inspectors=tuple(inspectors))
    third = planfile.to_bytes(schedule(replace(inputs, dataset=shuffled), draw, settings))
    assert third == first
    assert b'"interleave_search": true' in first and b'"ortools"' in first
