"""The local search (scheduler.assign.solver.polish): it gathers an
officer's visits in a township onto fewer days, and never breaks a hard
rule (usable days, daily cap, one township a day) to do so."""

from __future__ import annotations

from sched_cases import drawn, stage_eligibility, stage_visit

from scheduler.assign.solver import polish

ALL = {0, 1, 2, 3, 4}
CAPS = {"SCJG0001": 4, "SCJG0002": 4}


def test_two_days_become_one() -> None:
    visits = [stage_visit(1), stage_visit(2)]
    teams = {v.id: drawn("SCJG0001", "SCJG0002") for v in visits}
    elig = stage_eligibility(visits, ["SCJG0001", "SCJG0002"], {"SCJG0001": ALL, "SCJG0002": ALL})
    start = {"V0001": 0, "V0002": 3}
    assert polish(visits, teams, elig, CAPS, start) == {"V0001": 0, "V0002": 0}  # 4 officer-days → 2
    assert start == {"V0001": 0, "V0002": 3}  # the start is not modified


def test_the_daily_cap_keeps_the_days_apart() -> None:
    visits = [stage_visit(1), stage_visit(2)]
    teams = {v.id: drawn("SCJG0001", "SCJG0002") for v in visits}
    elig = stage_eligibility(visits, ["SCJG0001", "SCJG0002"], {"SCJG0001": ALL, "SCJG0002": ALL})
    assert polish(visits, teams, elig, {"SCJG0001": 1, "SCJG0002": 4}, {"V0001": 0, "V0002": 3}) == {"V0001": 0, "V0002": 3}


def test_no_gathering_onto_a_day_spent_in_another_township() -> None:
    # V0003 keeps the officers in 东城街道 on day 0; the 城关镇 pair gathers on day 1.
    visits = [stage_visit(1), stage_visit(2), stage_visit(3, "东城街道")]
    teams = {v.id: drawn("SCJG0001", "SCJG0002") for v in visits}
    elig = stage_eligibility(visits, ["SCJG0001", "SCJG0002"], {"SCJG0001": ALL, "SCJG0002": ALL})
    assert polish(visits, teams, elig, CAPS, {"V0001": 1, "V0002": 2, "V0003": 0}) == {"V0001": 1, "V0002": 1, "V0003": 0}


def test_no_move_onto_a_day_an_officer_cannot_work() -> None:
    # SCJG0002 cannot work on day 0: the pair gathers on V0002's day 4 (of the
    # group's own days 0 and 4, tried first, day 0 is barred).
    visits = [stage_visit(1), stage_visit(2)]
    teams = {"V0001": drawn("SCJG0001", "SCJG0003"), "V0002": drawn("SCJG0001", "SCJG0002")}
    ids = ["SCJG0001", "SCJG0002", "SCJG0003"]
    elig = stage_eligibility(visits, ids, {"SCJG0001": ALL, "SCJG0002": {2, 4}, "SCJG0003": ALL})
    assert polish(visits, teams, elig, dict.fromkeys(ids, 4), {"V0001": 0, "V0002": 4}) == {"V0001": 4, "V0002": 4}
