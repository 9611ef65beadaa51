"""Small generated provinces shared by the province tests."""

from __future__ import annotations

import shutil
from pathlib import Path
from types import ModuleType

import pytest
from builders import break_inspectors, load_by_path

from scheduler.assign.solver import SolverSettings
from scheduler.province.task import DrawSpec


@pytest.fixture(scope="session")
def seed() -> DrawSpec:
    return DrawSpec(seed="province-test")


@pytest.fixture(scope="session")
def audit() -> SolverSettings:
    """Audit mode: the same plan bytes wherever a county runs (CP-SAT's work-based limit)."""
    return SolverSettings(audit=True, deterministic_time=1.0, workers=1)


def generator() -> ModuleType:
    return load_by_path("generate_province", "data/generate_province.py")


@pytest.fixture(scope="session")
def small_province(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """3 counties × 3,000 enterprises (about 55 visits each)."""
    out = tmp_path_factory.mktemp("province") / "省"
    generator().generate(out, counties=3, enterprises=3000, townships=4, inspectors=40, agencies=4)
    return out


@pytest.fixture(scope="session")
def broken_province(small_province: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small province with 昌安县's inspector roster broken."""
    out = tmp_path_factory.mktemp("broken") / "省"
    shutil.copytree(small_province, out)
    break_inspectors(out / "昌安县")
    return out
