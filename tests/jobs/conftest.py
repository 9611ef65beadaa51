"""Published draws for the runner's tests: the bundled sample (solves in a
couple of seconds) and a generated county whose solve runs for minutes."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from scheduler.app.demo import BEACON, REVEALS
from scheduler.app.drawing import draw, publish_draw
from scheduler.app.inputs import load_inputs
from scheduler.draw import Reveal
from scheduler.sample import sample_dir

sys.path.insert(0, str(Path(__file__).resolve().parent))  # job_rounds.py

from builders import load_generator
from job_rounds import Round

LONG_ROUND = load_generator().round_toml("作业测试轮次")


@pytest.fixture(scope="session")
def sample_round(tmp_path_factory: pytest.TempPathFactory) -> Round:
    data = sample_dir()
    inputs = load_inputs([data], need_round=True)
    folder = publish_draw(draw(inputs, beacon=BEACON, reveals=[Reveal(p, s) for p, s in REVEALS]), inputs,
                          tmp_path_factory.mktemp("sample") / "draw")
    return Round(data, data / "round.toml", folder, inputs)


@pytest.fixture(scope="session")
def long_round(tmp_path_factory: pytest.TempPathFactory) -> Round:
    """About 1,100 visits: with no gap limit CP-SAT runs for its whole time limit."""
    base = tmp_path_factory.mktemp("long")
    load_generator().generate(base / "data", enterprises=80_000, townships=12, inspectors=530, agencies=8, excel=False)
    round_file = base / "round.toml"
    round_file.write_text(LONG_ROUND, encoding="utf-8")
    inputs = load_inputs([base / "data"], round_file, need_round=True)
    folder = publish_draw(draw(inputs, reveals=[Reveal("seed", "jobs-test")]), inputs, base / "draw")
    return Round(base / "data", round_file, folder, inputs)
