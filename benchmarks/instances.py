"""The benchmark instances: each a function of the seed returning the inputs
and the published draw that OneVisit schedules.

- ``county-s``: the bundled sample county (data/sample, with its round.toml),
  drawn exactly as the demo draws it (its beacon and reveals; the seed is
  not used).
- ``county-l``: the full-size county of bench_schedule.py: 200,000
  enterprises, 20 townships, 800 inspectors, 10 agencies, the items' ratios
  scaled until about 5,000 enterprises are drawn; the draw's plain seed is
  the seed.

To add a county instance, add a function to :data:`INSTANCES`.  The
province (many counties, scheduled on Dask) is not one pair of inputs and
draw: it has its own module, benchmarks/province_run.py.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

# isort: off
import common  # noqa: F401  (first: puts the repository and data/ on the import path)
import generate_county
# isort: on

from scheduler.app.demo import BEACON, REVEALS
from scheduler.app.drawing import draw
from scheduler.app.inputs import load_inputs
from scheduler.domain import Exclusions, Round
from scheduler.draw import DrawResult, Reveal, build_rule, run_draw
from scheduler.draw.published import PublishedDraw
from scheduler.io import Inputs, Report, load
from scheduler.sample import sample_dir

Instance = tuple[Inputs, PublishedDraw]


class InstanceUnavailable(Exception):
    """The instance cannot be built on this checkout or with these options."""


def describe(inputs: Inputs, draw: PublishedDraw) -> dict[str, Any]:
    """The instance's size."""
    ds, rnd = inputs.dataset, inputs.round
    assert rnd is not None
    return {"enterprises": len(ds.enterprises), "townships": int(ds.enterprises["township"].nunique()),
            "inspectors": len(ds.inspectors), "agencies": len({i.agency for i in ds.items}), "items": len(ds.items),
            "window": [rnd.start.isoformat(), rnd.end.isoformat()],
            "working_days": len(inputs.calendar.workdays(rnd.start, rnd.end)),
            "drawn_enterprises": len(draw.selection),
            "drawn_item_inspections": sum(len(items) for items in draw.selection.values())}


def county_s(seed: int) -> Instance:
    """The sample county, drawn as the demo draws it."""
    inputs = load_inputs([sample_dir()])
    result = draw(inputs, beacon=BEACON, reveals=[Reveal(party, secret) for party, secret in REVEALS])
    return inputs, PublishedDraw.from_result(result)


def full_county(*, enterprises: int = 200_000, visits: int = 5000, seed: str = "bench",
                on_draw: Callable[[DrawResult, Decimal], None] = lambda *_: None) -> tuple[Inputs, DrawResult]:
    """A generated county (20 townships, 800 inspectors, 10 agencies) with
    its benchmark round, drawn with the items' ratios scaled so that about
    *visits* enterprises are drawn (within 3 %, at most six tries).
    ``on_draw`` receives the last draw and the ratios' factor."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "data"
        generate_county.generate(folder, enterprises=enterprises, townships=20, inspectors=800, agencies=10, excel=False)
        inputs = load([folder], Report())
    assert inputs is not None
    round_ = Round(name="benchmark", start=dt.date(2026, 10, 12), end=dt.date(2026, 12, 25), lead_agency="SCJG",
                   exclusions=Exclusions(cooldown_days=180, yearly_cap=2), avoid_home_township=True)
    reveal = [Reveal("seed", seed)]
    factor = Decimal(1)
    for _ in range(6):
        items = tuple(replace(i, ratios={c: min(Decimal(1), r * factor) for c, r in i.ratios.items()})
                      for i in inputs.dataset.items)
        dataset = replace(inputs.dataset, items=items)
        result = run_draw(build_rule(round_, dataset), dataset, "", reveal, compare=False)
        drawn = result.coordination.visits
        if abs(drawn - visits) < 0.03 * visits:
            break
        factor *= Decimal(visits) / Decimal(drawn)
    on_draw(result, factor)
    return replace(inputs, dataset=dataset, round=round_), result


def county_l(seed: int) -> Instance:
    """The full-size county of bench_schedule.py, drawn with plain seed *seed*."""
    inputs, result = full_county(seed=str(seed))
    return inputs, PublishedDraw.from_result(result)


INSTANCES: dict[str, Callable[[int], Instance]] = {
    "county-s": county_s,
    "county-l": county_l,
}
