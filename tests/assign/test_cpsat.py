"""The CP-SAT step (scheduler.assign.solver.place_drawn): one candidate day
per drawn team or none; every officer at most their daily cap and in one
township a day; fewest visits left out first, then fewest officer-days.

place_drawn is called with keywords for everything after ``settings``."""

from __future__ import annotations

from typing import Any

from sched_cases import drawn, stage_visit

from scheduler.assign.solver import SolverSettings, place_drawn

SETTINGS = SolverSettings(audit=True, deterministic_time=5.0)
PAIR = ("SCJG0001", "SCJG0002")


def solve(visits: list[Any], candidates: dict[str, list[int]], caps: dict[str, int],
          start: dict[str, int]) -> tuple[dict[str, int], dict[str, Any]]:
    teams = {v.id: drawn(*PAIR) for v in visits}
    return place_drawn(visits, teams, candidates, caps, SETTINGS, start=start)


def test_merges_what_the_start_left_on_two_days() -> None:
    # Start: 2 officers × 2 days = 4 officer-days; one shared day gives 2.
    visits = [stage_visit(1), stage_visit(2)]
    chosen, info = solve(visits, {"V0001": [0, 1], "V0002": [0, 1]}, dict.fromkeys(PAIR, 4), {"V0001": 0, "V0002": 1})
    assert set(chosen) == {"V0001", "V0002"} and chosen["V0001"] == chosen["V0002"]
    assert (info["status"], info["objective"], info["hint_objective"], info["result"]) == ("OPTIMAL", 2, 4, "cp-sat")


def test_the_daily_cap_leaves_a_visit_out() -> None:
    # Three visits, all on day 0 only, officers doing two a day: one is left out
    # (objective 1000 × 1 left out + 2 officer-days).
    visits = [stage_visit(n) for n in (1, 2, 3)]
    chosen, info = solve(visits, {v.id: [0] for v in visits}, dict.fromkeys(PAIR, 2), {"V0001": 0, "V0002": 0})
    assert len(chosen) == 2 and set(chosen.values()) == {0}
    assert info["objective"] == 1002


def test_one_township_per_officer_and_day() -> None:
    # The same pair in two townships: two different days (4 officer-days), both placed.
    visits = [stage_visit(1), stage_visit(2, "东城街道")]
    chosen, info = solve(visits, {"V0001": [0, 1], "V0002": [0, 1]}, dict.fromkeys(PAIR, 4), {"V0001": 0, "V0002": 1})
    assert sorted(chosen.values()) == [0, 1]
    assert info["objective"] == 4


def test_only_candidate_days() -> None:
    visits = [stage_visit(1), stage_visit(2)]
    chosen, _ = solve(visits, {"V0001": [3], "V0002": [2, 3]}, dict.fromkeys(PAIR, 4), {"V0001": 3, "V0002": 2})
    assert chosen == {"V0001": 3, "V0002": 3}


def test_visits_without_a_drawn_team_are_left_to_repair() -> None:
    visits = [stage_visit(1), stage_visit(2)]
    teams = {"V0001": drawn(*PAIR)}
    chosen, _ = place_drawn(visits, teams, {"V0001": [0, 1]}, dict.fromkeys(PAIR, 4), SETTINGS,
                            start={"V0001": 1})
    assert set(chosen) == {"V0001"}
