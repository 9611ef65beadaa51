"""Publishing a draw: the public folder and the sealed folder (docs/draw-spec.md §6).

Credit-risk classes are for regulators' internal use, so no public file may
reveal an enterprise's class.  A draw folder therefore holds two sets of files:

- the **public** files at its top level (``plan.json``, ``manifest.json``,
  ``selection.csv``): the rule, P, the commitment D to the sealed frame, the
  seed inputs and S, per-item totals, and every selected (item, enterprise)
  with its ticket, in ticket order within each item — nothing per class;
- the **sealed** folder ``封存/`` (``plan.json``, ``frame.csv``, ``manifest.json``,
  ``selection.csv``, ``visits.csv``): the full frame with classes, every
  stratum's N, n and threshold, the selection by class, and the office's visit
  list.  It is handed to the oversight party (公证处 / 纪检), never published.

Everything is a pure function of the draw result, so both are byte-for-byte
reproducible; :func:`write_draw` writes them in one atomic step.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from scheduler.atomic import staged_dir, write_bytes
from scheduler.domain import Dataset
from scheduler.draw.frame import frame_chunks
from scheduler.draw.rule import DrawRule, canonical_json, digest
from scheduler.draw.run import DrawResult, visits_csv, visits_table
from scheduler.draw.select import Selection, selection_csv

SEALED_DIR = "封存"
PUBLIC_FILES = ("plan.json", "manifest.json", "selection.csv")
SEALED_FILES = ("plan.json", "frame.csv", "manifest.json", "selection.csv", "visits.csv")
PUBLIC_SELECTION_HEADER = "item,agency,uscc,ticket"
SEALED_ONLY_KEYS = ("strata", "public")


def public_selection_csv(rule: DrawRule, selection: Selection) -> bytes:
    """selection.csv of the public folder: ``item,agency,uscc,ticket``, sorted by
    item code, then ticket, then USCC, so the order shows no class boundary."""
    agency = {item.code: item.agency for item in rule.items}
    rows = sorted(selection.rows, key=lambda r: (r.item.encode("utf-8"), r.ticket, r.uscc))
    lines = [PUBLIC_SELECTION_HEADER, *(f"{r.item},{agency[r.item]},{r.uscc},{r.ticket}" for r in rows)]
    return ("\n".join(lines) + "\n").encode("utf-8")


def public_manifest(sealed: dict[str, Any]) -> dict[str, Any]:
    """The public manifest: the sealed one without its class-bearing keys."""
    return {k: v for k, v in sealed.items() if k not in SEALED_ONLY_KEYS} | {"folder": "public"}


def sealed_manifest(result: DrawResult) -> dict[str, Any]:
    """The sealed manifest: everything, plus the SHA-256 of the public files it
    goes with (so the oversight party can tie its folder to the published one)."""
    base = result.manifest()
    public_bytes = canonical_json(public_manifest(base))
    public_selection = public_selection_csv(result.rule, result.selection)
    return base | {"folder": "sealed", "public": {
        "manifest_sha256": digest(public_bytes).hex(),
        "selection_sha256": digest(public_selection).hex(),
    }}


def write_public(result: DrawResult, folder: Path) -> None:
    """The public files into *folder* (not atomic by itself)."""
    write_bytes(folder / "plan.json", result.plan_bytes)
    write_bytes(folder / "manifest.json", canonical_json(public_manifest(result.manifest())))
    write_bytes(folder / "selection.csv", public_selection_csv(result.rule, result.selection))


def write_sealed(result: DrawResult, dataset: Dataset, folder: Path) -> None:
    """The sealed files into *folder* (not atomic by itself)."""
    folder.mkdir(parents=True, exist_ok=True)
    write_bytes(folder / "plan.json", result.plan_bytes)
    with (folder / "frame.csv").open("wb") as fh:
        for chunk in frame_chunks(result.frames):
            fh.write(chunk)
    write_bytes(folder / "selection.csv", selection_csv(result.selection))
    write_bytes(folder / "manifest.json", canonical_json(sealed_manifest(result)))
    write_bytes(folder / "visits.csv", visits_csv(visits_table(result, dataset)))


def write_draw(result: DrawResult, dataset: Dataset, out: Path) -> None:
    """Publish the draw folder atomically: the public files at the top of *out*
    and the sealed folder in ``out/封存``.  Publish *out* without ``封存/``."""
    with staged_dir(out) as stage:
        write_public(result, stage)
        write_sealed(result, dataset, stage / SEALED_DIR)
