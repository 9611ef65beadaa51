"""The constructive start (scheduler.assign.solver.cluster_days): in each
township, visits sharing a drawn officer go on one day when they fit, so
each officer spends as few days as the rules allow.

Expected days are reasoned from the rules in the docstrings: each officer
usable, free (one township a day, under the daily cap), earliest day among
those adding the fewest new officer-days."""

from __future__ import annotations

from sched_cases import drawn, stage_eligibility, stage_visit

from scheduler.assign.solver import cluster_days

ALL = {0, 1, 2, 3, 4}


def test_visits_sharing_officers_in_a_township_share_a_day() -> None:
    visits = [stage_visit(n) for n in (1, 2, 3)]
    teams = {v.id: drawn("SCJG0001", "SCJG0002") for v in visits}
    elig = stage_eligibility(visits, ["SCJG0001", "SCJG0002"], {"SCJG0001": ALL, "SCJG0002": ALL})
    assert cluster_days(visits, teams, elig, {"SCJG0001": 4, "SCJG0002": 4}) == {"V0001": 0, "V0002": 0, "V0003": 0}


def test_another_township_takes_another_day() -> None:
    # The 城关镇 group (3 visits) is placed first, on day 0; the same two
    # officers cannot be in 东城街道 that day, so its visit takes day 1.
    visits = [stage_visit(1), stage_visit(2), stage_visit(3), stage_visit(4, "东城街道")]
    teams = {v.id: drawn("SCJG0001", "SCJG0002") for v in visits}
    elig = stage_eligibility(visits, ["SCJG0001", "SCJG0002"], {"SCJG0001": ALL, "SCJG0002": ALL})
    placed = cluster_days(visits, teams, elig, {"SCJG0001": 4, "SCJG0002": 4})
    assert placed == {"V0001": 0, "V0002": 0, "V0003": 0, "V0004": 1}


def test_unrelated_visits_both_take_the_earliest_day() -> None:
    visits = [stage_visit(1), stage_visit(2, "东城街道")]
    teams = {"V0001": drawn("SCJG0001", "SCJG0002"), "V0002": drawn("SCJG0003", "SCJG0004")}
    ids = ["SCJG0001", "SCJG0002", "SCJG0003", "SCJG0004"]
    elig = stage_eligibility(visits, ids, dict.fromkeys(ids, ALL))
    assert cluster_days(visits, teams, elig, dict.fromkeys(ids, 4)) == {"V0001": 0, "V0002": 0}


def test_a_group_larger_than_the_daily_cap_is_split_into_full_days() -> None:
    # Five visits, officers doing two a day: days 0, 0, 1, 1, 2.
    visits = [stage_visit(n) for n in range(1, 6)]
    teams = {v.id: drawn("SCJG0001", "SCJG0002") for v in visits}
    elig = stage_eligibility(visits, ["SCJG0001", "SCJG0002"], {"SCJG0001": ALL, "SCJG0002": ALL})
    placed = cluster_days(visits, teams, elig, {"SCJG0001": 2, "SCJG0002": 2})
    assert placed == {"V0001": 0, "V0002": 0, "V0003": 1, "V0004": 1, "V0005": 2}


def test_only_days_on_which_the_whole_team_is_usable() -> None:
    visits = [stage_visit(1), stage_visit(2)]
    teams = {v.id: drawn("SCJG0001", "SCJG0002") for v in visits}
    elig = stage_eligibility(visits, ["SCJG0001", "SCJG0002"], {"SCJG0001": {1, 3, 4}, "SCJG0002": {0, 3}})
    assert cluster_days(visits, teams, elig, {"SCJG0001": 4, "SCJG0002": 4}) == {"V0001": 3, "V0002": 3}


def test_a_visit_without_a_drawn_team_is_not_placed() -> None:
    visits = [stage_visit(1), stage_visit(2)]
    teams = {"V0001": drawn("SCJG0001", "SCJG0002")}  # V0002 could not be staffed as drawn
    elig = stage_eligibility(visits, ["SCJG0001", "SCJG0002"], {"SCJG0001": ALL, "SCJG0002": ALL})
    assert cluster_days(visits, teams, elig, {"SCJG0001": 4, "SCJG0002": 4}) == {"V0001": 0}
