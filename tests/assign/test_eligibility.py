"""Eligibility and the officer draw (scheduler/assign/eligibility.py):
exclusions with their reasons, usable days, the last inspection's
inspectors, a ranking that depends on the data and the seed only, and
officers drawn in proportion to their eligibility."""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from collections import Counter
from pathlib import Path
from typing import Any

import pandas as pd
from builders import make_uscc
from sched_cases import make_case, officer
from scipy import stats

from scheduler.assign.eligibility import Exclusion, build_eligibility, last_inspectors, usable_days
from scheduler.assign.visits import Visit
from scheduler.domain import Inspector

DAYS = [dt.date(2026, 11, 2) + dt.timedelta(days=k) for k in range(5)]  # Monday to Friday
SEED = bytes(range(32))


def visit(n: int, township: str = "城关镇", quals: frozenset[str] = frozenset(), need: int = 2) -> Visit:
    return Visit(f"V{n:04d}", make_uscc(n), f"企业{n}", township, ("SCJG-001",), ("SCJG",), {"SCJG": need}, {"SCJG": quals})


def inspector(oid: str, *, agency: str = "SCJG", town: str = "清河镇", expiry: dt.date = dt.date(2030, 1, 1),
              quals: frozenset[str] = frozenset({"食品安全"}), leave: tuple[tuple[dt.date, dt.date], ...] = (),
              conflicts: frozenset[str] = frozenset()) -> Inspector:
    return Inspector(oid, f"人员{oid}", agency, f"证{oid}", expiry, quals, town, 4, leave, conflicts)


def history(rows: list[tuple[int, str, str]]) -> pd.DataFrame:
    """(enterprise n, date, inspector ids "A;B") rows."""
    return pd.DataFrame({
        "uscc": [make_uscc(n) for n, _, _ in rows],
        "date": [dt.date.fromisoformat(d) for _, d, _ in rows],
        "agency": ["SCJG"] * len(rows),
        "inspectors": [ids for _, _, ids in rows],
        "row": list(range(2, 2 + len(rows))),
    })


# --- exclusions, reasons, usable days ----------------------------------------------


def test_every_exclusion_is_listed_with_its_reason() -> None:
    v = visit(1, quals=frozenset({"食品安全"}))
    officers = [
        inspector("SCJG0001"),
        inspector("SCJG0002", quals=frozenset()),
        inspector("SCJG0003", conflicts=frozenset({make_uscc(1)})),
        inspector("SCJG0004"),  # inspected enterprise 1 last time
        inspector("SCJG0005", town="城关镇"),  # lives where the visit is
        inspector("SCJG0006", expiry=dt.date(2026, 10, 30)),  # expired before the round
        inspector("SCJG0007", leave=((dt.date(2026, 11, 1), dt.date(2026, 11, 8)),)),  # away all round
        inspector("SCJG0008"),
        inspector("WSJK0001", agency="WSJK"),  # another agency: not a candidate at all
    ]
    elig = build_eligibility([v], officers, SEED, DAYS, history([(1, "2026-05-06", "SCJG0004")]), True)
    assert elig.excluded[("V0001", "SCJG")] == [
        Exclusion("SCJG0002", "缺少资格 食品安全"),
        Exclusion("SCJG0003", "回避企业"),
        Exclusion("SCJG0004", "上次检查人员"),
        Exclusion("SCJG0005", "本人所在乡镇"),
        Exclusion("SCJG0006", "实施期限内执法证无效或全程不可用"),
        Exclusion("SCJG0007", "实施期限内执法证无效或全程不可用"),
    ]
    assert sorted(elig.ranking[("V0001", "SCJG")]) == ["SCJG0001", "SCJG0008"]

    relaxed = build_eligibility([v], officers, SEED, DAYS, None, False)  # no history, home township allowed
    assert sorted(relaxed.ranking[("V0001", "SCJG")]) == ["SCJG0001", "SCJG0004", "SCJG0005", "SCJG0008"]


def test_usable_days_follow_certificate_and_leave() -> None:
    o = inspector("SCJG0001", expiry=dt.date(2026, 11, 5),
                  leave=((dt.date(2026, 11, 3), dt.date(2026, 11, 3)),))
    # Mon 2, Tue 3 (leave), Wed 4, Thu 5 (last valid day), Fri 6 (expired)
    assert usable_days(o, DAYS) == frozenset({0, 2, 3})
    elig = build_eligibility([visit(1)], [o], SEED, DAYS, None, False)
    assert elig.officer_days == {"SCJG0001": frozenset({0, 2, 3})}
    assert elig.days == DAYS


def test_last_inspectors_are_those_of_the_latest_date_of_all_agencies() -> None:
    rows = [(1, "2026-04-01", "SCJG0001;WSJK0001"), (1, "2026-04-01", "SCJG0002"), (1, "2025-01-01", "SCJG0003"),
            (2, "2024-12-31", "SCJG0004")]
    assert last_inspectors(history(rows)) == {make_uscc(1): frozenset({"SCJG0001", "SCJG0002", "WSJK0001"}),
                                              make_uscc(2): frozenset({"SCJG0004"})}
    assert last_inspectors(None) == {}


def reference_ranking(seed: bytes, uscc: str, ids: list[str]) -> list[str]:
    """The officer draw as the module docstring states it, written again:
    ascending SHA-256(LP("onevisit-officer-v1") ‖ LP(S) ‖ LP(uscc) ‖ LP(id)),
    LP(x) = 4-byte big-endian length of x, then x (docs/draw-spec.md)."""
    def lp(x: bytes) -> bytes:
        return len(x).to_bytes(4, "big") + x

    def ticket(oid: str) -> bytes:
        return hashlib.sha256(lp(b"onevisit-officer-v1") + lp(seed) + lp(uscc.encode()) + lp(oid.encode())).digest()

    return sorted(ids, key=ticket)


def test_the_drawn_officers_are_the_top_of_the_ranking() -> None:
    officers = [inspector(f"SCJG{k:04d}") for k in range(1, 7)]
    v = visit(1, need=2)
    elig = build_eligibility([v], officers, SEED, DAYS, None, False)
    ranked = elig.ranking[("V0001", "SCJG")]
    assert ranked == reference_ranking(SEED, make_uscc(1), [o.id for o in officers])
    assert elig.drawn(v, "SCJG") == ranked[:2]


def test_the_ranking_depends_on_seed_and_enterprise_not_on_roster_order() -> None:
    officers = [inspector(f"SCJG{k:04d}") for k in range(1, 9)]
    visits = [visit(n) for n in range(1, 7)]
    first = build_eligibility(visits, officers, SEED, DAYS, None, False).ranking
    shuffled = list(officers)
    random.Random(3).shuffle(shuffled)
    assert build_eligibility(list(reversed(visits)), shuffled, SEED, DAYS, None, False).ranking == first
    other_seed = build_eligibility(visits, officers, bytes(32), DAYS, None, False).ranking
    assert other_seed != first  # 8! orders: equal for all six visits by chance with probability 40320^-6
    assert len({tuple(r) for r in first.values()}) > 1  # each enterprise its own order


# --- the officer draw is fair ---------------------------------------------------------


def _visits(n: int) -> list[Visit]:
    return [Visit(f"V{k:04d}", make_uscc(k + 1), "", ("城关镇", "东城街道")[k % 2], ("SCJG-001",), ("SCJG",),
                  {"SCJG": 2}, {"SCJG": frozenset()}) for k in range(n)]


def _officers(case_folder: Path) -> list[Any]:
    officers = [officer(f"SCJG{k:04d}", "市场监管", ("城关镇", "东城街道", "清河镇")[k % 3],
                        conflicts=make_uscc(k + 1) if k < 3 else "") for k in range(1, 9)]
    case = make_case(case_folder, [("城关镇", ["SCJG-001"])], officers)
    return list(case.inputs.dataset.inspectors)


def officer_counts(visits: list[Visit], officers: list[Any], replications: int, pick: str) -> tuple[Counter[str], Counter[str]]:
    days = [dt.date(2026, 11, 2) + dt.timedelta(days=k) for k in range(5)]
    observed: Counter[str] = Counter()
    expected: Counter[str] = Counter()
    for r in range(replications):
        elig = build_eligibility(visits, officers, hashlib.sha256(b"rep" + r.to_bytes(4, "big")).digest(), days, None, True)
        for v in visits:
            ranked = elig.ranking[(v.id, "SCJG")]
            chosen = ranked[:2] if pick == "draw" else sorted(ranked)[:2]
            observed.update(chosen)
            for o in ranked:
                expected[o] += 2 / len(ranked)
    return observed, expected


def test_officers_are_drawn_in_proportion_to_their_eligibility(tmp_path: Path) -> None:
    officers = _officers(tmp_path / "d")
    visits = _visits(24)
    observed, expected = officer_counts(visits, officers, 150, "draw")
    ids = sorted(expected)
    assert len(ids) == 8 and min(expected.values()) > 100  # eligibility differs (home township, conflicts)
    chi2, p = stats.chisquare([observed[i] for i in ids], [expected[i] for i in ids])
    assert p > 0.001, (chi2, p)
    observed, expected = officer_counts(visits, officers, 150, "first")  # negative control
    _, p_control = stats.chisquare([observed[i] for i in ids], [expected[i] for i in ids])
    assert p_control < 1e-9
