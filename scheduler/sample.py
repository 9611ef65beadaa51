"""Where the bundled sample county (示例县) lives.

In a wheel the sample is packaged as ``scheduler/sample_data``; in a source
checkout (editable install) it is the repository's ``data/sample``.
"""

from __future__ import annotations

from pathlib import Path

_HERE = Path(__file__).resolve().parent


def sample_dir() -> Path:
    for candidate in (_HERE / "sample_data", _HERE.parent / "data" / "sample"):
        if (candidate / "round.toml").is_file():
            return candidate
    raise FileNotFoundError("找不到内置示例数据（scheduler/sample_data 或 data/sample）")
