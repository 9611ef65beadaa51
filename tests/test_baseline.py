"""benchmarks/baseline.py: today's independent per-agency procedure."""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from builders import load_by_path

from scheduler.app.drawing import load_draw
from scheduler.app.inputs import load_inputs
from scheduler.app.scheduling import check, read_plan_document
from scheduler.io import Inputs
from scheduler.sample import sample_dir

SEED = 20261012


def load_baseline() -> ModuleType:
    """Import benchmarks/baseline.py (benchmarks/ is not a package)."""
    return load_by_path("onevisit_baseline", "benchmarks/baseline.py")


bl = load_baseline()


@pytest.fixture(scope="module")
def inputs() -> Inputs:
    return load_inputs([sample_dir()])


@pytest.fixture(scope="module")
def sizes(demo: Path, inputs: Inputs) -> dict[str, int]:
    return bl.per_agency_sizes(load_draw(demo / "draw"), inputs)


@pytest.fixture(scope="module")
def plan(inputs: Inputs, sizes: dict[str, int]) -> dict[str, Any]:
    return bl.baseline_plan(inputs, sizes, SEED)


def by_agency(doc: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Each agency's visits in list (township, USCC) order."""
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for v in doc["visits"]:
        out[v["agencies"][0]].append(v)
    return {a: sorted(vs, key=lambda v: (v["township"], v["uscc"])) for a, vs in out.items()}


def test_deterministic_for_a_seed_different_for_another(inputs: Inputs, sizes: dict[str, int],
                                                        plan: dict[str, Any]) -> None:
    assert bl.baseline_plan(inputs, sizes, SEED) == plan
    other = bl.baseline_plan(inputs, sizes, SEED + 1)
    assert {v["visit_id"] for v in other["visits"]} != {v["visit_id"] for v in plan["visits"]}


def test_sizes_as_requested_and_sampling_systematic(inputs: Inputs, sizes: dict[str, int],
                                                    plan: dict[str, Any]) -> None:
    assert bl.per_agency_sizes(plan, inputs) == sizes
    assert plan["statistics"]["visits"] == plan["statistics"]["assigned"] == sum(sizes.values())
    pops = bl.populations(inputs)
    for agency, visits in by_agency(plan).items():
        order = [u for _, u, _ in pops[agency]]
        positions = [order.index(v["uscc"]) for v in visits]
        k = len(order) / sizes[agency]
        # some start s in [0, k) gives floor(s + i·k) == positions[i] for every i
        low = max([0.0] + [p - i * k for i, p in enumerate(positions)])
        high = min([k] + [p + 1 - i * k for i, p in enumerate(positions)])
        assert low < high, agency
        assert positions[0] < k


def test_no_merging_one_visit_per_agency_and_firm(inputs: Inputs) -> None:
    pops = bl.populations(inputs)
    shared = {u for _, u, _ in pops["WHLY"]} & {u for _, u, _ in pops["XFJY"]}
    assert shared
    doc = bl.baseline_plan(inputs, {"WHLY": len(pops["WHLY"]), "XFJY": len(pops["XFJY"])}, SEED)
    per_firm = Counter(v["uscc"] for v in doc["visits"])
    assert all(per_firm[u] == 2 for u in shared)
    assert all(len(v["agencies"]) == 1 for v in doc["visits"])
    assert len({v["visit_id"] for v in doc["visits"]}) == len(doc["visits"])


def test_officers_round_robin_from_a_random_offset(inputs: Inputs, sizes: dict[str, int],
                                                   plan: dict[str, Any]) -> None:
    offsets = set()
    for agency, visits in by_agency(plan).items():
        roster = [i.id for i in inputs.dataset.inspectors if i.agency == agency]
        rng = bl.agency_rng(SEED, agency)
        rng.uniform()  # the systematic start
        offset = int(rng.integers(len(roster)))
        offsets.add(offset)
        slots = [m for v in visits for m in v["team"]]
        assert all(len(v["team"]) == 2 and v["team"][0]["role"] == "带队" for v in visits)
        assert [m["inspector_id"] for m in slots] == [roster[(offset + n) % len(roster)] for n in range(len(slots))]
    assert len(offsets) > 1


def test_dates_round_robin_over_working_days(inputs: Inputs, plan: dict[str, Any]) -> None:
    assert inputs.round is not None
    days = [d.isoformat() for d in inputs.calendar.workdays(inputs.round.start, inputs.round.end)]
    for visits in by_agency(plan).values():
        assert [v["date"] for v in visits] == [days[j % len(days)] for j in range(len(visits))]


def test_checker_finds_baseline_violations_but_none_in_onevisit(demo: Path, inputs: Inputs,
                                                                 plan: dict[str, Any]) -> None:
    found = Counter(v.rule for v in check(plan, inputs))
    assert sum(found.values()) > 0
    assert found[3] > 0 and found[5] > 0  # certificates/qualifications, 回避
    assert check(read_plan_document(demo / "schedule" / "plan.json"), inputs) == []
