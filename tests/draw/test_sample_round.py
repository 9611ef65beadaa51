"""The sample round's public beacon is drawn before the window starts."""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from pathlib import Path


def test_the_sample_beacon_is_drawn_before_the_window_starts(sample_dir: Path) -> None:
    round_ = tomllib.loads((sample_dir / "round.toml").read_text(encoding="utf-8"))
    description = round_["seed"]["beacon_description"]
    dates = [dt.date.fromisoformat(d) for d in re.findall(r"\d{4}-\d{2}-\d{2}", description)]
    assert len(dates) == 1, description
    assert dates[0] < round_["window"]["start"]
    assert dates[0].weekday() in (1, 3, 6)  # 双色球 draws on Tuesday, Thursday and Sunday
