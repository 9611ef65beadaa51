"""A summary of the inputs, for the CLI and the demo folder."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from scheduler.domain import ACTIVE_STATUSES, CreditClass
from scheduler.io.dataset import Inputs


def summarise(inputs: Inputs) -> dict[str, Any]:
    """Counts by township, credit class and agency (plain JSON-able data)."""
    ds = inputs.dataset
    ent = ds.enterprises
    active = ent["status"].isin(list(ACTIVE_STATUSES))
    names = ds.agencies.names()
    by_township = (
        ent.assign(active=active)
        .groupby("township", sort=True)
        .agg(total=("uscc", "size"), active=("active", "sum"))
    )
    classes = ent.loc[active, "credit_class"].value_counts()
    items_by_agency = Counter(i.agency for i in ds.items)
    insp_by_agency = Counter(i.agency for i in ds.inspectors)
    out: dict[str, Any] = {
        "enterprises": {
            "total": len(ent),
            "active": int(active.sum()),
            "by_status": {str(k): int(v) for k, v in sorted(ent["status"].value_counts().items())},
            "by_credit_class": {c.value: int(classes.get(c.value, 0)) for c in CreditClass},
            "by_township": {
                t: {"total": int(r.total), "active": int(r.active)} for t, r in by_township.iterrows()
            },
        },
        "items": len(ds.items),
        "inspectors": len(ds.inspectors),
        "agencies": {
            names[code]: {"items": items_by_agency.get(code, 0), "inspectors": insp_by_agency.get(code, 0)}
            for code in sorted(set(items_by_agency) | set(insp_by_agency))
        },
        "history_rows": 0 if ds.history is None else len(ds.history),
        "sources": {role: Path(path).name for role, path in ds.sources.items()},
    }
    if inputs.round is not None:
        r = inputs.round
        workdays = inputs.calendar.workdays(r.start, r.end)
        out["round"] = {
            "name": r.name,
            "window": [r.start.isoformat(), r.end.isoformat()],
            "workdays": len(workdays),
            "lead_agency": names[r.lead_agency],
            "agencies": [names[a] for a in r.agencies] or "全部",
            "workload": {"max_days_per_week": r.workload.max_days_per_week,
                         "max_days_per_month": r.workload.max_days_per_month},
        }
    return out
