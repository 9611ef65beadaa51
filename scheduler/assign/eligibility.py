"""Who may inspect what, and on which days; the officer draw (second random).

Static eligibility of an officer for (visit, agency): same agency, holds the
visit's qualifications for that agency, no 回避 (conflict list, inspected the
enterprise last time, home township when the round avoids it), and at least
one usable day in the window (a certificate that has expired before the
round makes an officer ineligible, so the draw never picks them).  Daily
eligibility adds: a working day of the window, not on leave, certificate
valid that day.

The officer draw ranks the statically eligible officers of each (visit,
agency) by ``SHA-256(LP("onevisit-officer-v1") ‖ LP(S) ‖ LP(uscc) ‖ LP(id))``
ascending; the drawn officers are the top of that ranking.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import pandas as pd

from scheduler.assign.visits import Visit
from scheduler.domain import Inspector
from scheduler.draw.seed import lp

OFFICER_DOMAIN = "onevisit-officer-v1"


def officer_ticket(seed: bytes, uscc: str, inspector_id: str) -> bytes:
    return hashlib.sha256(lp(OFFICER_DOMAIN) + lp(seed) + lp(uscc) + lp(inspector_id)).digest()


def ranked(seed: bytes, uscc: str, inspector_ids: list[str]) -> list[str]:
    """*inspector_ids* in officer-ticket order (ties by id): the same order as
    sorting by :func:`officer_ticket`, hashing the shared prefix once."""
    prefix = hashlib.sha256(lp(OFFICER_DOMAIN) + lp(seed) + lp(uscc))

    def ticket(inspector_id: str) -> bytes:
        h = prefix.copy()
        h.update(lp(inspector_id))
        return h.digest()

    return sorted(inspector_ids, key=lambda i: (ticket(i), i))


def last_inspectors(history: pd.DataFrame | None) -> dict[str, frozenset[str]]:
    """For each enterprise, the inspectors of its most recent inspection."""
    if history is None or not len(history):
        return {}
    out: dict[str, frozenset[str]] = {}
    latest = history.groupby("uscc")["date"].transform("max")
    for uscc, ids in history.loc[history["date"] == latest, ["uscc", "inspectors"]].itertuples(index=False):
        out[str(uscc)] = out.get(str(uscc), frozenset()) | frozenset(i for i in str(ids).split(";") if i)
    return out


@dataclass(frozen=True, slots=True)
class Exclusion:
    """Why an officer of the right agency is not eligible for a visit."""

    inspector_id: str
    reason: str


def excluded_reason(officer: Inspector, visit: Visit, agency: str, last: frozenset[str], avoid_home: bool) -> str | None:
    if officer.agency != agency:
        return "部门不符"
    missing = visit.quals.get(agency, frozenset()) - officer.qualifications
    if missing:
        return "缺少资格 " + "、".join(sorted(missing))
    if visit.uscc in officer.conflicts:
        return "回避企业"
    if officer.id in last:
        return "上次检查人员"
    if avoid_home and officer.base_township == visit.township:
        return "本人所在乡镇"
    return None


@dataclass
class Eligibility:
    """Ranked eligible officers per (visit id, agency), and working days."""

    ranking: dict[tuple[str, str], list[str]]  # (visit, agency) -> officer ids, drawn order
    excluded: dict[tuple[str, str], list[Exclusion]]
    days: list[dt.date]  # working days of the window
    officer_days: dict[str, frozenset[int]]  # officer -> indices into days usable (leave, certificate)

    def drawn(self, visit: Visit, agency: str) -> list[str]:
        return self.ranking[(visit.id, agency)][: visit.need[agency]]


def usable_days(officer: Inspector, days: Sequence[dt.date]) -> frozenset[int]:
    return frozenset(k for k, d in enumerate(days) if officer.cert_valid_on(d) and officer.available_on(d))


def build_eligibility(
    visits: Iterable[Visit],
    officers: Sequence[Inspector],
    seed: bytes,
    days: Sequence[dt.date],
    history: pd.DataFrame | None,
    avoid_home: bool,
    stop: Callable[[], None] | None = None,
) -> Eligibility:
    """*stop*, when given, is called every few visits and may raise to end
    the work early (a solve being cancelled or finished)."""
    by_agency: dict[str, list[Inspector]] = {}
    for officer in sorted(officers, key=lambda o: o.id):
        by_agency.setdefault(officer.agency, []).append(officer)
    last = last_inspectors(history)
    usable = {o.id: usable_days(o, days) for o in officers}
    ranking: dict[tuple[str, str], list[str]] = {}
    excluded: dict[tuple[str, str], list[Exclusion]] = {}
    for n, visit in enumerate(visits):
        if stop is not None and n % 100 == 0:
            stop()
        prior = last.get(visit.uscc, frozenset())
        for agency in visit.agencies:
            ok, out = [], []
            for officer in by_agency.get(agency, []):
                reason = excluded_reason(officer, visit, agency, prior, avoid_home)
                if reason is None and not usable[officer.id]:
                    reason = "实施期限内执法证无效或全程不可用"
                if reason is None:
                    ok.append(officer.id)
                else:
                    out.append(Exclusion(officer.id, reason))
            ranking[(visit.id, agency)] = ranked(seed, visit.uscc, ok)
            excluded[(visit.id, agency)] = out
    return Eligibility(
        ranking=ranking,
        excluded=excluded,
        days=list(days),
        officer_days=usable,
    )
