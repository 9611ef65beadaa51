"""A from-scratch reference implementation of the draw rule `onevisit-draw-sha256-v2`.

Written from ``docs/draw-spec.md`` alone, with the standard library only, so that
the test suite can check the tool against an independent reading of the spec.
Section numbers (§) refer to that page.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
from fractions import Fraction

COORDINATED = "onevisit-draw-sha256-v2"
INDEPENDENT = "onevisit-draw-sha256-indep-v2"
CLASSES = ("A", "B", "C", "D")


def sha256(b: bytes) -> bytes:
    return hashlib.sha256(b).digest()


def lp(b: bytes) -> bytes:
    """Length prefix (spec, notation): 4-byte unsigned big-endian length, then the bytes."""
    return len(b).to_bytes(4, "big") + b


def seed(P: bytes, D: bytes, beacon: str, secrets: list[str]) -> bytes:
    """§3: S = SHA-256(LP("onevisit-seed-v1") ‖ LP(P) ‖ LP(D) ‖ LP(beacon) ‖ LP(secret_1) ‖ …)."""
    parts = [b"onevisit-seed-v1", P, D, beacon.encode("utf-8"), *(s.encode("utf-8") for s in secrets)]
    return sha256(b"".join(lp(p) for p in parts))


def ticket(S: bytes, uscc: str, item: str | None = None) -> bytes:
    """§4: the coordinated ticket (item is None) or the independent ticket of (item, uscc)."""
    if item is None:
        parts = [b"onevisit-ticket-v1", S, uscc.encode("ascii")]
    else:
        parts = [b"onevisit-ticket-indep-v1", S, item.encode("utf-8"), uscc.encode("ascii")]
    return sha256(b"".join(lp(p) for p in parts))


def sample_size(ratio: str, N: int) -> int:
    """§5: n = min(N, ceil(r × N)) in exact rational arithmetic."""
    return min(N, math.ceil(Fraction(ratio) * N))


def draw(plan_bytes: bytes, frame_bytes: bytes, beacon: str, secrets: list[str]) -> tuple[bytes, list[dict]]:
    """§3–§6: recompute the sealed selection.csv and the strata {item, credit_class, N, n, threshold}
    from the plan.json and sealed frame.csv bytes alone."""
    plan = json.loads(plan_bytes.decode("utf-8"))
    independent = {COORDINATED: False, INDEPENDENT: True}[plan["algorithm"]]
    S = seed(sha256(plan_bytes), sha256(frame_bytes), beacon, secrets)
    lines = frame_bytes.decode("utf-8").split("\n")
    assert lines[0] == "item,credit_class,uscc" and lines[-1] == "", "§2 frame.csv layout"
    members: dict[tuple[str, str], list[str]] = {}
    for line in lines[1:-1]:
        item, cls, uscc = line.split(",")
        members.setdefault((item, cls), []).append(uscc)
    assert set(members) <= {(i["code"], c) for i in plan["items"] for c in CLASSES}, "frame rows outside the plan's strata"
    strata: list[dict] = []
    rows: list[tuple[str, str, bytes, str]] = []
    for it in sorted(plan["items"], key=lambda i: i["code"].encode("utf-8")):
        for cls in CLASSES:
            usccs = members.get((it["code"], cls), [])
            ranked = sorted((ticket(S, u, it["code"] if independent else None), u.encode("ascii"), u) for u in usccs)
            n = sample_size(it["ratios"][cls], len(usccs))
            chosen = ranked[:n]
            strata.append({"item": it["code"], "credit_class": cls, "N": len(usccs), "n": n,
                           "threshold": chosen[-1][0].hex() if chosen else None})
            rows.extend((it["code"], cls, t, u) for t, _, u in chosen)
    text = "item,credit_class,uscc,ticket\n" + "".join(f"{i},{c},{u},{t.hex()}\n" for i, c, t, u in rows)
    return text.encode("utf-8"), strata


def public(plan_bytes: bytes, sealed_selection: bytes, strata: list[dict]) -> tuple[bytes, list[dict]]:
    """§6: the public selection.csv (item,agency,uscc,ticket; by item code, then ticket, then uscc)
    and the per-item totals {item, agency, N, n} of the public manifest."""
    plan = json.loads(plan_bytes.decode("utf-8"))
    agency = {i["code"]: i["agency"] for i in plan["items"]}
    rows = sorted((item.encode("utf-8"), t, u, item) for item, _, u, t in
                  (line.split(",") for line in sealed_selection.decode("utf-8").split("\n")[1:-1]))
    text = "item,agency,uscc,ticket\n" + "".join(f"{i},{agency[i]},{u},{t}\n" for _, t, u, i in rows)
    items = [{"item": i["code"], "agency": i["agency"], "N": sum(s["N"] for s in strata if s["item"] == i["code"]),
              "n": sum(s["n"] for s in strata if s["item"] == i["code"])}
             for i in sorted(plan["items"], key=lambda i: i["code"].encode("utf-8"))]
    return text.encode("utf-8"), items


def eligible(plan: dict, enterprise: dict, history_dates: list[dt.date]) -> bool:
    """§2, eligible enterprise: status, cool-down and yearly cap."""
    rules = plan["eligibility"]
    ref = dt.date.fromisoformat(rules["reference_date"])
    if enterprise["status"] not in rules["statuses"]:
        return False
    dates = [*history_dates, *([enterprise["last_inspected"]] if enterprise["last_inspected"] else [])]
    cooldown = int(rules["cooldown_days"])
    if cooldown > 0 and dates and max(dates) > ref - dt.timedelta(days=cooldown):
        return False
    cap = rules["yearly_cap"]
    return not (cap is not None and sum(d.year == ref.year for d in history_dates) >= cap)


def build_frame_csv(plan: dict, enterprises: list[dict], history: list[dict]) -> bytes:
    """§2: frame.csv of a plan on plain records; lines sorted by item code, then USCC (byte-wise)."""
    dates: dict[str, list[dt.date]] = {}
    for h in history:
        dates.setdefault(h["uscc"], []).append(h["date"])
    pool = [e for e in enterprises if eligible(plan, e, dates.get(e["uscc"], []))]
    lines = []
    for it in plan["items"]:
        targets = set(it["target_tags"])
        for e in pool:
            if not targets or targets & set(e["tags"]):
                lines.append((it["code"].encode("utf-8"), e["uscc"].encode("utf-8"), f"{it['code']},{e['credit_class']},{e['uscc']}\n"))
    return ("item,credit_class,uscc\n" + "".join(line for _, _, line in sorted(lines))).encode("utf-8")
