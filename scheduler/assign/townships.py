"""Large rounds: days township by township, then placed together.

On a full-size county one CP-SAT model over the whole round does not improve
on the constructive start, and the constructive start over all townships at
once loses much of its quality where townships compete for the same officers
on the same days.  So large rounds are decomposed:

1. **Township classes** (:func:`classes`).  Each township is first planned
   on its own (the caller runs the constructive start and the local search
   on that township's visits alone, every officer free): its visits on one
   day that share an officer form a *class*, a group that costs each of its
   officers one day if it stays together.
2. **Placing the classes** (:func:`place_classes`).  Classes are placed,
   largest first, each on the day where most of its visits can go: every
   officer of a visit usable that day (leave, certificate), not in another
   township that day, under the daily cap and within the workload rule; ties
   by the week's visits per working day (spread), then the earliest day.
   No week takes more than ``SolverSettings.week_share`` times its even share
   (classes confined to a few days, such as those whose officers' 执法证 expire
   early in the window, would otherwise crowd the first weeks).  When only
   part of a class fits, that part is placed and the rest, split into its own
   classes, goes back into the queue.  Visits that fit no day
   are left to the repair step.

Deterministic: fixed orders, no randomness.
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Mapping, Sequence

from scheduler.assign.events import StopMode, StopSignal
from scheduler.assign.occupancy import DayLimits, Occupancy, Spread


def linked_groups(vids: Sequence[str], officers: Mapping[str, Sequence[str]]) -> list[list[str]]:
    """The groups of *vids* linked by a shared officer (connected components),
    each sorted, in the order of their first visit."""
    parent = {v: v for v in vids}

    def find(a: str) -> str:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    first: dict[str, str] = {}
    for v in vids:
        for o in officers[v]:
            if o in first:
                ra, rb = find(v), find(first[o])
                if ra != rb:
                    parent[max(ra, rb)] = min(ra, rb)
            else:
                first[o] = v
    groups: dict[str, list[str]] = {}
    for v in vids:
        groups.setdefault(find(v), []).append(v)
    return [sorted(g) for g in groups.values()]


def classes(days: Mapping[str, int], township: Mapping[str, str],
            officers: Mapping[str, Sequence[str]]) -> list[list[str]]:
    """The classes of a per-township placement *days*: per (township, day),
    the visits linked by a shared officer."""
    by_day: dict[tuple[str, int], list[str]] = {}
    for vid, d in sorted(days.items()):
        by_day.setdefault((township[vid], d), []).append(vid)
    return [g for _key, vids in sorted(by_day.items()) for g in linked_groups(vids, officers)]


def fitting(group: Sequence[str], day: int, township: str, officers: Mapping[str, Sequence[str]],
            usable: Mapping[str, frozenset[int]], occ: Occupancy, room: int = 1 << 30) -> list[str]:
    """The visits of *group* that can go on *day* together, in order: each
    taken when every officer of it is usable and still free there, at most
    *room* of them (what the day's week may still take)."""
    need: Counter[str] = Counter()
    out: list[str] = []
    for v in group:
        if len(out) >= room:
            break
        if day not in usable[v]:
            continue
        trial = need.copy()
        trial.update(officers[v])
        if all(occ.free(o, day, township, trial[o]) for o in officers[v]):
            need = trial
            out.append(v)
    return out


def place_classes(groups: Sequence[Sequence[str]], township: Mapping[str, str], officers: Mapping[str, Sequence[str]],
                  usable: Mapping[str, frozenset[int]], caps: dict[str, int], limits: DayLimits, n_days: int,
                  *, fixed: Mapping[str, int] | None = None, hints: Mapping[str, int] | None = None,
                  week_share: float | None = None, stop: StopSignal | None = None) -> dict[str, int]:
    """A day for as many visits as possible, class by class (module
    docstring).  *fixed* visits (pinned) are placed first, where they are;
    then each hinted visit (the previous plan's day) where it still fits
    every rule; the classes take the rest.  With *week_share*, no week takes
    more than that multiple of its even share of the visits (a class that
    would overfill it is split)."""
    occ = Occupancy(caps, limits)
    n_visits = len({v for g in groups for v in g} | set(fixed or {}))
    spread = Spread(limits) if week_share is None else Spread.capped(limits, n_visits, week_share)
    placed: dict[str, int] = {}

    def commit(vid: str, d: int) -> None:
        occ.add(officers[vid], d, township[vid])
        spread.add(d)
        placed[vid] = d

    for vid, d in sorted((fixed or {}).items()):
        commit(vid, d)
    for vid, d in sorted((hints or {}).items()):
        if vid not in placed and fitting([vid], d, township[vid], officers, usable, occ, spread.room(d)):
            commit(vid, d)
    queue = [(-len(g), g[0], g) for group in groups
             for g in linked_groups([v for v in group if v not in placed], officers) if g]
    heapq.heapify(queue)
    while queue:
        if stop is not None and (stop.mode is StopMode.CANCEL or stop.requested):
            break  # the caller raises on cancel; on finish, what is placed is kept
        _, _, group = heapq.heappop(queue)
        t = township[group[0]]
        best: tuple[tuple[int, float, int], int, list[str]] | None = None
        for d in range(n_days):
            ok = fitting(group, d, t, officers, usable, occ, spread.room(d))
            if ok:
                key = (len(ok), -spread.pressure(d, len(ok)), -d)
                if best is None or key > best[0]:
                    best = (key, d, ok)
        if best is None:
            continue  # no day takes any of it: the repair step tries other officers
        _, d, ok = best
        for v in ok:
            occ.add(officers[v], d, t)
            spread.add(d)
            placed[v] = d
        taken = set(ok)
        for rest in linked_groups([v for v in group if v not in taken], officers):
            heapq.heappush(queue, (-len(rest), rest[0], rest))
    return placed
