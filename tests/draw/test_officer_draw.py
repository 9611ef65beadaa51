"""The officer draw (docs/officer-draw.md) pinned by golden values and checked
against an independent reference (tests/reference_officer_draw.py).

The golden tickets are recomputed here with hashlib from the page's formula;
the rankings, needs, exclusions and leaders are literals worked out from those
tickets and the page's rules, never taken from the code under test.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

import pandas as pd
import pytest
import reference_officer_draw as ref

from scheduler.assign.eligibility import build_eligibility, officer_ticket
from scheduler.assign.plan import roles
from scheduler.assign.solver import Member
from scheduler.assign.visits import Visit, make_visits, team_needs
from scheduler.domain import CreditClass, Dataset, Inspector, Item
from scheduler.draw import Reveal, build_rule, run_draw, write_draw
from scheduler.draw.published import PublishedDraw
from scheduler.io import Inputs, Report, load

S = hashlib.sha256(b"onevisit officer golden").digest()
U1, U2, U3 = "91330799000000019J", "91330799000000027D", "913307990000000358"
TOWN = {U1: "城关镇", U2: "清河镇", U3: "东城街道"}
LEAD = "SCJG"
DAYS = [dt.date(2026, 10, 12) + dt.timedelta(days=k) for k in range(5)]  # Monday to Friday
RATIOS = {c: Decimal("0.1") for c in CreditClass}
ITEMS = (Item("SCJG-001", "SCJG", "企业公示信息抽查", RATIOS),
         Item("WSJK-001", "WSJK", "公共场所卫生监督检查", RATIOS, qualification="卫生监督"))
VISIT_ITEMS = {U1: ["SCJG-001", "WSJK-001"], U2: ["SCJG-001"], U3: ["WSJK-001"]}
EXPIRY = dt.date(2028, 12, 31)


def officer(oid: str, **kw: Any) -> Inspector:
    return Inspector(oid, f"人员{oid}", oid[0].replace("S", "SCJG").replace("W", "WSJK"), f"C{oid}", kw.pop("cert_expiry", EXPIRY), **kw)


OFFICERS = (
    officer("S01", base_township="城关镇"),                       # home township of U1
    officer("S02", conflicts=frozenset({U2})),                   # 回避 U2
    officer("S03"),                                              # inspected U2 last time
    officer("S04"),                                              # inspected U2 before that: eligible
    officer("S05", cert_expiry=dt.date(2026, 9, 30)),            # certificate expired before the window
    officer("S06", unavailable=((dt.date(2026, 10, 1), dt.date(2026, 10, 31)),)),  # away the whole window
    officer("S07"),
    officer("S08", cert_expiry=dt.date(2026, 10, 12)),           # valid on its expiry day: one usable day
    officer("W01", qualifications=frozenset({"卫生监督"})),
    officer("W02"),                                              # lacks 卫生监督
    officer("W03", qualifications=frozenset({"卫生监督", "职业卫生"}), base_township="城关镇"),
    officer("W04", qualifications=frozenset({"卫生监督"})),
)
HISTORY: list[dict[str, Any]] = [{"uscc": U2, "date": dt.date(2026, 3, 1), "inspectors": ["S03"]},
           {"uscc": U2, "date": dt.date(2025, 6, 1), "inspectors": ["S04"]}]

# --------------------------------------------------------------------------- the golden values

TICKETS = {
    (U1, "S02"): "92d49cbe62b729467c0d64577097ab53bc77bdfb2d5eee20f6b8760ca5f98539",
    (U1, "S03"): "ceffb034a0837d8b1408e2ff9d075afff4819a89d0b97a3d0da9286010379ba0",
    (U1, "S04"): "844d4c5163c949fa0b0204a61a844022ded339295eda774601e4642ed68a6562",
    (U1, "S07"): "2a9a1ff078f640f1e118f5f2b5c8e0a0c3181c4460c5508e563d4794907bf12c",
    (U1, "S08"): "fe512e9aed7744ccd575f8a5e6544c1b05088f12eb685abcc119282af7206e5e",
    (U1, "W01"): "195e5a1a9b321b0c5dc2eaab0cc56260439044cebb29bd3b701f6150d835815c",
    (U1, "W04"): "7517c861837675edf4d09905c7b3b0f17203d98edac9aaa35875e1bc37f550bd",
    (U2, "S01"): "40fb1ec8f5cd75aa709d398f65fc071fbfec1e44c501ffa06f035c7650990218",
    (U2, "S04"): "1a385adeab03c0e12eb4afb677f5e00d69a68f4ef87f6f8f287e5bc6183edd0c",
    (U2, "S07"): "83142bced1e109cc0d393bc31eb84d418c1d34ac6b47022f339db88ad08642c3",
    (U2, "S08"): "9b95d8e3781fc0b4bf1128f3b860d811d475029ac43e912a42b60397f36cdfed",
    (U3, "W01"): "f5329ac9268783f68705ef7f1c35f438e06c5ae8a499e6faa9f474916796e1cc",
    (U3, "W03"): "a124785df84bc246ed5ba405139d9ff939d8c732c02a7f6a1020ee12514dc49c",
    (U3, "W04"): "07f3b9fb929360085d61aab173175ac4c29a4526161379241048f84e1023526e",
}
NEEDS = {U1: {"SCJG": 1, "WSJK": 1}, U2: {"SCJG": 2}, U3: {"WSJK": 2}}  # U2, U3: topped up to two
RANKINGS = {  # eligible officers by ascending ticket (read off TICKETS)
    (U1, "SCJG"): ["S07", "S04", "S02", "S03", "S08"],
    (U1, "WSJK"): ["W01", "W04"],
    (U2, "SCJG"): ["S04", "S01", "S07", "S08"],
    (U3, "WSJK"): ["W04", "W03", "W01"],
}
EXCLUDED = {
    (U1, "SCJG"): {"S01": "本人所在乡镇", "S05": "实施期限内执法证无效或全程不可用", "S06": "实施期限内执法证无效或全程不可用"},
    (U1, "WSJK"): {"W02": "缺少资格 卫生监督", "W03": "本人所在乡镇"},
    (U2, "SCJG"): {"S02": "回避企业", "S03": "上次检查人员", "S05": "实施期限内执法证无效或全程不可用",
                   "S06": "实施期限内执法证无效或全程不可用"},
    (U3, "WSJK"): {"W02": "缺少资格 卫生监督"},
}
LEADERS = {U1: "S07", U2: "S04", U3: "W04"}  # U3: no lead agency, so the best-ranked of WSJK


def by_hand(uscc: str, oid: str) -> str:
    def lp(b: bytes) -> bytes:
        return len(b).to_bytes(4, "big") + b
    return hashlib.sha256(lp(b"onevisit-officer-v1") + lp(S) + lp(uscc.encode()) + lp(oid.encode())).hexdigest()


def test_the_golden_tickets_follow_the_pages_formula_and_give_the_rankings() -> None:
    assert S.hex() == "7c242a518a8573428876e519ab1feffa19587b32a7a67094518335c671145138"
    assert {k: by_hand(*k) for k in TICKETS} == TICKETS
    for (uscc, _), ranking in RANKINGS.items():
        assert ranking == sorted(ranking, key=lambda oid: TICKETS[(uscc, oid)])


# --------------------------------------------------------------------------- the tool


def tool_visits() -> list[Visit]:
    dataset = cast(Dataset, SimpleNamespace(items=ITEMS))
    out = []
    for n, (uscc, codes) in enumerate(sorted(VISIT_ITEMS.items())):
        need, quals = team_needs(codes, dataset, LEAD)
        out.append(Visit(f"V{n}", uscc, f"企业{n}", TOWN[uscc], tuple(codes), tuple(need), need, quals))
    return out


def test_the_tool_matches_the_golden_values() -> None:
    assert {(u, o): officer_ticket(S, u, o).hex() for u, o in TICKETS} == TICKETS
    visits = tool_visits()
    assert {v.uscc: v.need for v in visits} == NEEDS
    history = pd.DataFrame({"uscc": [h["uscc"] for h in HISTORY], "date": [h["date"] for h in HISTORY],
                            "inspectors": [";".join(h["inspectors"]) for h in HISTORY]})
    elig = build_eligibility(visits, OFFICERS, S, DAYS, history, avoid_home=True)
    for v in visits:
        for agency in v.agencies:
            assert elig.ranking[(v.id, agency)] == RANKINGS[(v.uscc, agency)]
            assert elig.drawn(v, agency) == RANKINGS[(v.uscc, agency)][: NEEDS[v.uscc][agency]]
            assert {x.inspector_id: x.reason for x in elig.excluded[(v.id, agency)]} == EXCLUDED[(v.uscc, agency)]
        team = [Member(o, a, True, r) for a in reversed(v.agencies) for r, o in enumerate(elig.drawn(v, a))]
        chosen = [m.inspector_id for m, role in zip(team, roles(v, team, LEAD), strict=True) if role == "带队"]
        assert chosen == [LEADERS[v.uscc]]


# --------------------------------------------------------------------------- the reference


def plain(o: Inspector) -> dict[str, Any]:
    return {"id": o.id, "agency": o.agency, "qualifications": set(o.qualifications), "conflicts": set(o.conflicts),
            "base_township": o.base_township, "cert_expiry": o.cert_expiry, "unavailable": list(o.unavailable)}


def plain_items(codes: list[str], items: tuple[Item, ...]) -> list[dict[str, Any]]:
    by_code = {i.code: i for i in items}
    return [{"agency": by_code[c].agency, "officers": by_code[c].officers, "qualification": by_code[c].qualification}
            for c in codes]


def test_the_reference_matches_the_golden_values() -> None:
    officers = [plain(o) for o in OFFICERS]
    for uscc, codes in VISIT_ITEMS.items():
        got = ref.rankings(S, {"uscc": uscc, "township": TOWN[uscc]}, plain_items(codes, ITEMS), officers, HISTORY,
                           LEAD, True, DAYS)
        assert {a: g["need"] for a, g in got.items()} == NEEDS[uscc]
        for agency, g in got.items():
            assert g["ranking"] == RANKINGS[(uscc, agency)]
            assert g["excluded"] == EXCLUDED[(uscc, agency)]
        team = [(o, a, r) for a, g in got.items() for r, o in enumerate(g["drawn"])]
        assert ref.leader(NEEDS[uscc], team, LEAD) == LEADERS[uscc]


# --------------------------------------------------------------------------- the sample county

DEMO = [Reveal("示例县市场监督管理局", "demo-secret-scjg-2026q4"), Reveal("示例县公证处", "demo-secret-notary-2026q4")]


@pytest.fixture(scope="module")
def sample(sample_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Inputs, Path]:
    inputs = load([sample_dir], Report())
    assert inputs is not None and inputs.round is not None
    result = run_draw(build_rule(inputs.round, inputs.dataset), inputs.dataset, "03 07 12 19 25 31 + 09", DEMO)
    out = tmp_path_factory.mktemp("od") / "draw"
    write_draw(result, inputs.dataset, out)
    return inputs, out


def test_the_reference_ranks_the_sample_countys_visits_as_the_tool_does(sample: tuple[Inputs, Path]) -> None:
    inputs, draw = sample
    round_ = inputs.round
    assert round_ is not None
    dataset = inputs.dataset
    days = inputs.calendar.workdays(round_.start, round_.end)
    seed = bytes.fromhex(json.loads((draw / "manifest.json").read_text(encoding="utf-8"))["seed"])
    visits = make_visits(PublishedDraw.load(draw).selection, dataset, round_)
    elig = build_eligibility(visits, dataset.inspectors, seed, days, dataset.history, round_.avoid_home_township)
    tool = {(v.uscc, a): (v.need[a], elig.ranking[(v.id, a)], {x.inspector_id: x.reason for x in elig.excluded[(v.id, a)]})
            for v in visits for a in v.agencies}

    # The reference reads the public selection.csv itself.
    drawn: dict[str, list[str]] = {}
    for line in (draw / "selection.csv").read_text(encoding="utf-8").splitlines()[1:]:
        item, _, uscc, _ = line.split(",")
        drawn.setdefault(uscc, []).append(item)
    town = dict(zip(dataset.enterprises["uscc"], dataset.enterprises["township"], strict=True))
    officers = [plain(o) for o in sorted(dataset.inspectors, key=lambda o: o.id)]
    history = [] if dataset.history is None else [
        {"uscc": h.uscc, "date": h.date, "inspectors": [i for i in str(h.inspectors).split(";") if i]}
        for h in dataset.history.itertuples()]
    reference = {}
    for uscc, codes in drawn.items():
        got = ref.rankings(seed, {"uscc": uscc, "township": town[uscc]}, plain_items(sorted(set(codes)), dataset.items),
                           officers, history, round_.lead_agency, round_.avoid_home_township, days)
        reference.update({(uscc, a): (g["need"], g["ranking"], g["excluded"]) for a, g in got.items()})
    assert len(visits) > 300 and len(reference) > 500
    assert reference == tool
    # The rules do exclude officers in the sample, so the comparison covers them (回避: the golden case).
    reasons = {r.split(" ")[0] for _, _, ex in reference.values() for r in ex.values()}
    assert {"上次检查人员", "本人所在乡镇", "缺少资格"} <= reasons
