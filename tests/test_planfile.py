"""plan.json (scheduler.planfile): the typed plan round-trips byte for byte,
and anything that is not a plan of this format is refused with a Chinese
message naming the key — never a KeyError (issue 9, defect 2)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from scheduler import planfile
from scheduler.plan import round_key, visit_id


@pytest.fixture(scope="module")
def plan_bytes(demo: Path) -> bytes:
    return (demo / "schedule" / "plan.json").read_bytes()


def test_round_trip_is_byte_for_byte(plan_bytes: bytes) -> None:
    plan = planfile.from_bytes(plan_bytes)
    assert planfile.to_bytes(plan) == plan_bytes
    assert plan.version == 1 and plan.withdrawn == ()
    assert len(plan.visits) + len(plan.unassigned) == plan.statistics.visits


def test_visit_ids_are_derived_from_the_round_and_the_enterprise(plan_bytes: bytes) -> None:
    plan = planfile.from_bytes(plan_bytes)
    key = round_key(plan.round.name, plan.round.code)
    assert all(v.visit_id == f"{key}-{v.uscc}" for v in plan.visits)
    assert visit_id("R", "", "91330799MA2CNR4T5X") == visit_id("R", "", "91330799MA2CNR4T5X")
    assert visit_id("R", "", "91330799MA2CNR4T5X") != visit_id("R2", "", "91330799MA2CNR4T5X")
    # Not positional: the id does not depend on which other enterprises are in the round.
    assert visit_id("R", "c", "913307991874449975").endswith("-913307991874449975")


def _broken(plan_bytes: bytes, edit: Any) -> bytes:
    doc = json.loads(plan_bytes)
    edit(doc)
    return json.dumps(doc, ensure_ascii=False).encode("utf-8")


@pytest.mark.parametrize(("edit", "expected"), [
    (lambda d: d.pop("visits"), "visits 缺失"),
    (lambda d: d["visits"][0].pop("date"), "visits[0].date 缺失"),
    (lambda d: d["visits"][0].update(date="2026-13-01"), "visits[0].date 「2026-13-01」不是 YYYY-MM-DD 日期"),
    (lambda d: d["visits"][1]["team"][0].update(rank="1"), "visits[1].team[0].rank 类型应为 整数"),
    (lambda d: d["round"].update(window=[]), "round.window 类型应为 对象"),
    (lambda d: d.update(format="onevisit-plan-v1"), "格式标识为「onevisit-plan-v1」"),
    (lambda d: d["visits"].append(d["visits"][0]), "出现不止一次"),
])
def test_a_broken_plan_names_the_key(plan_bytes: bytes, edit: Any, expected: str) -> None:
    with pytest.raises(planfile.PlanFormatError) as info:
        planfile.from_bytes(_broken(plan_bytes, edit), "plan.json")
    assert expected in str(info.value)
    assert str(info.value).startswith("plan.json")


@pytest.mark.parametrize(("data", "expected"), [
    (b"{}", "格式标识"), (b"[]", "顶层应为 JSON 对象"), (b"", "JSON 格式错误"), (b"\xff\xfe\x00", "不是 UTF-8"),
    (b'{"format": "onevisit-plan-v2"}', "round 缺失"),
])
def test_garbage_is_a_format_error(data: bytes, expected: str) -> None:
    with pytest.raises(planfile.PlanFormatError, match=expected):
        planfile.from_bytes(data)


def test_a_missing_file_is_a_format_error(tmp_path: Path) -> None:
    with pytest.raises(planfile.PlanFormatError, match="找不到安排结果文件"):
        planfile.read(tmp_path / "plan.json")
