"""Repair (scheduler.assign.solver.repair): a visit CP-SAT did not place
gets the day and team closest to the draw — fewest officers not drawn, then
the best ranks, then the fewest new officer-days, then the earliest day —
among officers usable that day, free in its township and under their cap."""

from __future__ import annotations

from builders import make_uscc
from sched_cases import stage_eligibility, stage_visit

from scheduler.assign.solver import Member, Occupancy, repair
from scheduler.assign.visits import Visit

ALL = {0, 1, 2, 3, 4}
RANKING = ["SCJG0001", "SCJG0002", "SCJG0003"]  # SCJG0001 and SCJG0002 are drawn (need 2)


def members(*spec: tuple[str, bool, int]) -> list[Member]:
    return [Member(o, "SCJG", is_drawn, rank) for o, is_drawn, rank in spec]


def test_the_drawn_team_on_the_earliest_day() -> None:
    v = stage_visit(1)
    elig = stage_eligibility([v], RANKING, dict.fromkeys(RANKING, ALL))
    assert repair(v, elig, Occupancy(dict.fromkeys(RANKING, 4))) == (0, members(("SCJG0001", True, 0), ("SCJG0002", True, 1)))


def test_a_later_day_with_the_drawn_team_beats_a_substitute() -> None:
    # SCJG0001 is in 东城街道 on day 0: the drawn team is whole again on day 1.
    v = stage_visit(1)
    elig = stage_eligibility([v], RANKING, dict.fromkeys(RANKING, ALL))
    occ = Occupancy(dict.fromkeys(RANKING, 4))
    occ.add(["SCJG0001"], 0, "东城街道")
    assert repair(v, elig, occ) == (1, members(("SCJG0001", True, 0), ("SCJG0002", True, 1)))


def test_a_substitute_when_a_drawn_officer_has_no_free_day() -> None:
    # SCJG0001 works on day 0 only and is in 东城街道 then: SCJG0003 (rank 2)
    # replaces them.  Every day costs the same ranks; day 2, where SCJG0003
    # is already in 城关镇, adds one new officer-day instead of two.
    v = stage_visit(1)
    elig = stage_eligibility([v], RANKING, {"SCJG0001": {0}, "SCJG0002": ALL, "SCJG0003": ALL})
    occ = Occupancy(dict.fromkeys(RANKING, 4))
    occ.add(["SCJG0001"], 0, "东城街道")
    occ.add(["SCJG0003"], 2, "城关镇")
    assert repair(v, elig, occ) == (2, members(("SCJG0002", True, 1), ("SCJG0003", False, 2)))


def test_fewer_officers_not_drawn_before_better_ranks() -> None:
    # Each agency sends one officer; SCJG0001 and WSJK0001 are drawn.
    # Day 0: SCJG0004 (rank 3) and the drawn WSJK0001: one officer not drawn, ranks 3.
    # Day 1: SCJG0002 (rank 1) and WSJK0002 (rank 1): two not drawn, ranks 2.
    v = Visit("V0001", make_uscc(1), "企业1", "城关镇", ("SCJG-001", "WSJK-001"), ("SCJG", "WSJK"),
              {"SCJG": 1, "WSJK": 1}, {"SCJG": frozenset(), "WSJK": frozenset()})
    ranking = ["SCJG0001", "SCJG0002", "SCJG0003", "SCJG0004", "WSJK0001", "WSJK0002"]
    days = {"SCJG0001": set(), "SCJG0002": {1}, "SCJG0003": set(), "SCJG0004": {0}, "WSJK0001": {0}, "WSJK0002": {1}}
    elig = stage_eligibility([v], ranking, days)
    found = repair(v, elig, Occupancy(dict.fromkeys(ranking, 4)))
    assert found == (0, [Member("SCJG0004", "SCJG", False, 3), Member("WSJK0001", "WSJK", True, 0)])


def test_an_officer_at_the_daily_cap_is_not_free() -> None:
    v = stage_visit(1)
    elig = stage_eligibility([v], RANKING, {"SCJG0001": {0}, "SCJG0002": {0}, "SCJG0003": {0}})
    occ = Occupancy({"SCJG0001": 1, "SCJG0002": 4, "SCJG0003": 4})
    occ.add(["SCJG0001"], 0, "城关镇")  # same township, but at its cap of one
    assert repair(v, elig, occ) == (0, members(("SCJG0002", True, 1), ("SCJG0003", False, 2)))


def test_no_day_can_staff_the_visit() -> None:
    v = stage_visit(1)
    elig = stage_eligibility([v], RANKING, {"SCJG0001": {0}, "SCJG0002": {1}, "SCJG0003": set()})
    assert repair(v, elig, Occupancy(dict.fromkeys(RANKING, 4))) is None
