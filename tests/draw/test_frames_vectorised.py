"""The vectorised frames and tickets equal the spec's reference reading.

Frames are built with arrow lookups and a binary search in the sorted USCCs
(no per-row Python), tickets are hashed in worker processes for big batches
and ordered by their first 64 bits: these tests compare each shortcut with
the plain reading of docs/draw-spec.md (``reference_draw``), for rosters in
any row order, history rows of enterprises not in the roster, repeated
history rows, both text dtypes, and tickets that tie on their first 64 bits.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import builders
import numpy as np
import pandas as pd
import pytest
import reference_draw as ref
from hypothesis import given, settings
from hypothesis import strategies as st

from scheduler.draw import seed as seedmod
from scheduler.draw.frame import build_frames, frame_chunks, sort_order
from scheduler.draw.rule import parse_rule

TAGS = ("公共场所", "食品销售", "危险化学品")
STATUSES = ("存续", "在业", "开业", "注销", "")


def plan(cooldown: int, cap: int | None) -> dict[str, Any]:
    return {
        "algorithm": "onevisit-draw-sha256-v2",
        "round": {"name": "向量化", "code": "", "window": {"start": "2026-10-12", "end": "2026-12-25"}, "lead_agency": "SCJG"},
        "eligibility": {"statuses": ["在业", "存续", "开业"], "reference_date": "2026-10-12", "cooldown_days": cooldown,
                        "yearly_cap": cap, "allow_zero_ratio": False},
        "sample_size": "n = min(N, ceil(r * N))",
        "items": [
            {"code": "SCJG-001", "agency": "SCJG", "agency_name": "市场监管", "name": "公示信息", "target_tags": [],
             "ratios": {"A": "0.5", "B": "0.4", "C": "0.34", "D": "0.5"}},
            {"code": "WSJK-001", "agency": "WSJK", "agency_name": "卫生健康", "name": "公共场所", "target_tags": ["公共场所", "食品销售"],
             "ratios": {"A": "0.1", "B": "0.3", "C": "0.5", "D": "1"}},
        ],
        "seed": {"beacon_description": "无", "commitments": []},
    }


dates = st.dates(min_value=dt.date(2025, 1, 1), max_value=dt.date(2026, 12, 31))
enterprise = st.tuples(st.sampled_from("ABCD"), st.sets(st.sampled_from(TAGS)), st.sampled_from(STATUSES), st.none() | dates)


@settings(max_examples=60, deadline=None)
@given(
    rows=st.dictionaries(st.integers(1, 80), enterprise, min_size=1, max_size=40),
    history=st.lists(st.tuples(st.integers(1, 100), dates), max_size=60),
    shuffle=st.randoms(use_true_random=False),
    dtype=st.sampled_from(["str", "object"]),
    cooldown=st.sampled_from([0, 30, 180]),
    cap=st.sampled_from([None, 1, 2]),
)
def test_frames_equal_the_reference(rows: dict[int, tuple[str, set[str], str, dt.date | None]],
                                    history: list[tuple[int, dt.date]], shuffle: Any, dtype: str,
                                    cooldown: int, cap: int | None) -> None:
    numbers = list(rows)
    shuffle.shuffle(numbers)  # a roster in any row order, not sorted by USCC
    records = [{"uscc": builders.make_uscc(i), "credit_class": rows[i][0], "tags": rows[i][1], "status": rows[i][2],
                "last_inspected": rows[i][3]} for i in numbers]
    enterprises = pd.DataFrame({
        "uscc": pd.Series([r["uscc"] for r in records], dtype=dtype),
        "credit_class": pd.Series([r["credit_class"] for r in records], dtype=dtype),
        "tags": pd.Series([";".join(sorted(r["tags"])) for r in records], dtype=dtype),
        "status": pd.Series([r["status"] for r in records], dtype=dtype),
        "last_inspected": np.array([r["last_inspected"] for r in records], dtype=object),
    })
    hist_records = [{"uscc": builders.make_uscc(i), "date": d} for i, d in history]  # also unknown and repeated codes
    hist = pd.DataFrame({"uscc": pd.Series([h["uscc"] for h in hist_records], dtype=dtype),
                         "date": np.array([h["date"] for h in hist_records], dtype=object)}) if history else None
    doc = plan(cooldown, cap)
    rule = parse_rule((json.dumps(doc, ensure_ascii=False, sort_keys=True, indent=2) + "\n").encode())
    frames = build_frames(rule, enterprises, hist)
    assert b"".join(frame_chunks(frames)) == ref.build_frame_csv(doc, records, hist_records)


def codes(n: int) -> np.ndarray:
    return np.array([builders.make_uscc(i).encode() for i in range(n)], dtype="S18")


@pytest.mark.parametrize("item", [None, "SCJG-001"])
def test_tickets_hashed_in_workers_equal_the_reference(item: str | None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(seedmod, "PARALLEL_TICKETS", 1)
    monkeypatch.setattr(seedmod, "CHUNK_TICKETS", 7)  # several chunks, the last one short
    s = bytes(range(32))
    usccs = codes(50)
    expected = [ref.ticket(s, c.decode(), item) for c in usccs.tolist()]
    in_workers = seedmod.tickets(s, usccs, item, workers=2)
    in_process = seedmod.tickets(s, usccs, item, workers=1)
    assert [bytes(t) for t in in_workers] == [bytes(t) for t in in_process] == expected


def test_ticket_order_with_ties_on_the_first_64_bits() -> None:
    rng = np.random.default_rng(7)
    digests = rng.integers(0, 256, size=(200, 32), dtype=np.uint8)
    digests[50:60, :8] = digests[0, :8]  # ten tickets share their first 64 bits with ticket 0
    digests[70] = digests[3]  # a full tie: the tiebreak decides
    tiebreak = rng.permutation(200).astype(np.int64)
    expected = sorted(range(200), key=lambda i: (bytes(digests[i]), tiebreak[i]))
    assert seedmod.ticket_order(digests, tiebreak).tolist() == expected
    untied = rng.integers(0, 256, size=(200, 32), dtype=np.uint8)
    assert seedmod.ticket_order(untied).tolist() == sorted(range(200), key=lambda i: bytes(untied[i]))


@pytest.mark.parametrize("n", [0, 1, 2, 9, 5000])
def test_sort_order_is_a_stable_byte_sort(n: int) -> None:
    rng = np.random.default_rng(n)
    raw = rng.integers(ord("0"), ord("3"), size=(n, 18), dtype=np.uint8)  # many repeated codes
    raw[:, :8] = np.frombuffer(b"91330799", dtype=np.uint8)  # one county: a key shared by all
    usccs = raw.view("S18").reshape(-1)
    assert sort_order(usccs).tolist() == np.argsort(usccs, kind="stable").tolist()
