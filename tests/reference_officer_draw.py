"""A from-scratch reference implementation of the officer draw `onevisit-officer-v1`.

Written from ``docs/officer-draw.md`` alone, with the standard library only, so that
the test suite can check the tool's second random against an independent reading
of the spec.  Section numbers (§) refer to that page.  Records are plain dicts.
"""

from __future__ import annotations

import datetime as dt
import hashlib

MIN_TEAM = 2


def lp(b: bytes) -> bytes:
    return len(b).to_bytes(4, "big") + b


def ticket(S: bytes, uscc: str, officer_id: str) -> bytes:
    """§4: SHA-256(LP("onevisit-officer-v1") ‖ LP(S) ‖ LP(uscc) ‖ LP(id))."""
    parts = [b"onevisit-officer-v1", S, uscc.encode("utf-8"), officer_id.encode("utf-8")]
    return hashlib.sha256(b"".join(lp(p) for p in parts)).digest()


def team_needs(items: list[dict], lead: str) -> tuple[dict[str, int], dict[str, set[str]]]:
    """§2: officers and qualifications per agency for a visit's items, topped up to two."""
    need: dict[str, int] = {}
    quals: dict[str, set[str]] = {}
    count: dict[str, int] = {}
    for it in items:
        a = it["agency"]
        need[a] = max(need.get(a, 0), it["officers"])
        quals.setdefault(a, set())
        count[a] = count.get(a, 0) + 1
        if it["qualification"]:
            quals[a].add(it["qualification"])
    short = MIN_TEAM - sum(need.values())
    if short > 0:
        top = lead if lead in need else sorted(need, key=lambda a: (-count[a], a))[0]
        need[top] += short
    return need, quals


def last_inspectors(history: list[dict], uscc: str) -> set[str]:
    """§3: the officers of every row dated on the enterprise's latest history date."""
    rows = [h for h in history if h["uscc"] == uscc]
    if not rows:
        return set()
    latest = max(h["date"] for h in rows)
    return {i for h in rows if h["date"] == latest for i in h["inspectors"]}


def usable_days(officer: dict, days: list[dt.date]) -> list[dt.date]:
    """§3: working days with a valid certificate, outside every unavailable range."""
    return [d for d in days if d <= officer["cert_expiry"] and not any(a <= d <= b for a, b in officer["unavailable"])]


def reason(officer: dict, visit: dict, agency: str, quals: set[str], last: set[str], avoid_home: bool,
           days: list[dt.date]) -> str | None:
    """§3: the first failing rule (None = eligible); rule 1 is applied by the caller."""
    missing = quals - officer["qualifications"]
    if missing:
        return "缺少资格 " + "、".join(sorted(missing))
    if visit["uscc"] in officer["conflicts"]:
        return "回避企业"
    if officer["id"] in last:
        return "上次检查人员"
    if avoid_home and officer["base_township"] == visit["township"]:
        return "本人所在乡镇"
    if not usable_days(officer, days):
        return "实施期限内执法证无效或全程不可用"
    return None


def rankings(S: bytes, visit: dict, items: list[dict], officers: list[dict], history: list[dict], lead: str,
             avoid_home: bool, days: list[dt.date]) -> dict[str, dict]:
    """§2–§4 for one visit: per agency {need, ranking (ids), drawn (ids), excluded {id: reason}}."""
    need, quals = team_needs(items, lead)
    last = last_inspectors(history, visit["uscc"])
    out = {}
    for agency in sorted(need):
        ok, excluded = [], {}
        for o in officers:
            if o["agency"] != agency:
                continue
            why = reason(o, visit, agency, quals[agency], last, avoid_home, days)
            if why is None:
                ok.append(o["id"])
            else:
                excluded[o["id"]] = why
        ranking = sorted(ok, key=lambda i: (ticket(S, visit["uscc"], i), i.encode("utf-8")))
        out[agency] = {"need": need[agency], "ranking": ranking, "drawn": ranking[: need[agency]], "excluded": excluded}
    return out


def leader(need: dict[str, int], team: list[tuple[str, str, int]], lead: str) -> str:
    """§5: team = [(id, agency, rank)]; the 带队 of the lead agency (else the largest need, smallest code)."""
    agency = lead if lead in need else sorted(need, key=lambda a: (-need[a], a))[0]
    return min((rank, i) for i, a, rank in team if a == agency)[1]
