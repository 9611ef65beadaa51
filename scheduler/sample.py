"""Where the bundled sample county (示例县) lives.

In a wheel the sample is packaged as ``scheduler/sample_data``; in a source
checkout (editable install) it is the repository's ``data/sample``.
"""

from __future__ import annotations

import csv
import hashlib
import io
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from scheduler.plan import Plan

_HERE = Path(__file__).resolve().parent


def sample_dir() -> Path:
    for candidate in (_HERE / "sample_data", _HERE.parent / "data" / "sample"):
        if (candidate / "round.toml").is_file():
            return candidate
    raise FileNotFoundError("找不到内置示例数据（scheduler/sample_data 或 data/sample）")


#: Simulated results for the demo: (value, weight out of 1000).  Weights
#: loosely follow published county results (most checks find nothing).
_DEMO_OUTCOMES = (
    ("未发现问题", 860),
    ("发现问题经责令已改正", 60),
    ("发现问题待后续处理", 25),
    ("未发现开展本次抽查涉及的经营活动", 25),
    ("未按规定公示应当公示的信息", 15),
    ("通过登记的住所（经营场所）无法联系", 10),
    ("不配合检查情节严重", 5),
)
_DEMO_PENDING = 70  # per 1000 visits: results not entered yet


def _unit(*parts: str) -> int:
    """A deterministic number in [0, 1000) from the parts."""
    digest = hashlib.sha256("\x1f".join(("onevisit-demo-results", *parts)).encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % 1000


def _outcome(u: int) -> str:
    acc = 0
    for value, weight in _DEMO_OUTCOMES:
        acc += weight
        if u < acc:
            return value
    return _DEMO_OUTCOMES[0][0]


def demo_results_csv(plan: Plan) -> bytes:
    """A filled results form for the demo (演示数据, not real results): one
    row per scheduled visit and item, a few visits left not entered.  UTF-8
    with BOM so that Excel opens it directly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["检查编号", "企业名称", "统一社会信用代码", "事项编码", "检查结果", "实际检查日期", "备注"])
    for visit in plan.visits:
        pending = _unit(visit.uscc) < _DEMO_PENDING
        for item in visit.items:
            value = "" if pending else _outcome(_unit(visit.uscc, item))
            writer.writerow([visit.visit_id, visit.name, visit.uscc, item, value, "", "演示数据"])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
