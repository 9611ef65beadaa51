"""No public file of a draw reveals any enterprise's credit-risk class.

Two checks on a draw of the sample county, each with a negative control on the
old-style (v1) files, which are what the sealed folder 封存/ still holds:

- a scan: no public file has a class column, per-enterprise class letters, or
  per-class strata (N, n, threshold) in its manifest;
- an invariance: permuting credit classes among enterprises that are in the
  same frames and whose outcome does not depend on their class (drawn in every
  class, or in none) leaves every public file byte-identical — except D, the
  SHA-256 commitment to the sealed frame — while the sealed files change.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import replace
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from scheduler.domain import Dataset
from scheduler.draw import SEALED_DIR, Reveal, build_rule, write_draw
from scheduler.draw.frame import CLASSES, build_frames, frame_digest
from scheduler.draw.rule import DrawRule
from scheduler.draw.run import DrawResult
from scheduler.draw.seed import tickets
from scheduler.draw.select import coordination, select
from scheduler.io import Inputs, Report, load

SEED = bytes.fromhex("8be9597eba18dee5b3b1ae26057d8ee01505b43208b4bcd4480a34f04b5fd52b")
CLASS_WORDS = {"credit_class", "信用风险分类", "strata", "threshold", "by_credit_class"}


def publish(rule: DrawRule, dataset: Dataset, folder: Path) -> Path:
    """The draw's folders with a fixed seed S (so only the classes vary between runs)."""
    frames = build_frames(rule, dataset.enterprises, dataset.history)
    selection = select(rule, frames, SEED)
    result = DrawResult(rule, rule.to_bytes(), frames, frame_digest(frames), "", [Reveal("seed", "x")], SEED,
                        selection, coordination(rule, selection), {})
    write_draw(result, dataset, folder)
    return folder


def files(folder: Path, sealed: bool = False) -> dict[str, bytes]:
    """The public files (everything outside 封存/), or the sealed ones."""
    root = folder / SEALED_DIR if sealed else folder
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and (sealed or SEALED_DIR not in p.relative_to(root).parts)}


def _json_keys(node: Any) -> set[str]:
    if isinstance(node, dict):
        return set(node) | {k for v in node.values() for k in _json_keys(v)}
    if isinstance(node, list):
        return {k for v in node for k in _json_keys(v)}
    return set()


def class_leaks(published: dict[str, bytes]) -> list[str]:
    """Where a set of files shows classes: a class column or a column of class
    letters in a CSV, class-keyed data in a JSON file."""
    leaks = []
    for name, data in published.items():
        if name.endswith(".csv"):
            rows = [line.split(",") for line in data.decode("utf-8-sig").splitlines()]
            if set(rows[0]) & CLASS_WORDS:
                leaks.append(f"{name}: class column")
            for k in range(len(rows[0])):
                if len(rows) > 1 and all(len(r) > k and r[k] in CLASSES for r in rows[1:]):
                    leaks.append(f"{name}: column {k + 1} holds class letters")
        elif name.endswith(".json"):
            found = _json_keys(json.loads(data)) & CLASS_WORDS
            if found and name != "plan.json":
                leaks.append(f"{name}: keys {sorted(found)}")
    return leaks


@pytest.fixture(scope="module")
def sample(sample_dir: Path) -> Inputs:
    inputs = load([sample_dir], Report())
    assert inputs is not None and inputs.round is not None
    return inputs


@pytest.fixture(scope="module")
def drawn(sample: Inputs, tmp_path_factory: pytest.TempPathFactory) -> Path:
    assert sample.round is not None
    return publish(build_rule(sample.round, sample.dataset), sample.dataset, tmp_path_factory.mktemp("d") / "draw")


def test_the_public_files_are_the_three_named_ones_and_show_no_class(drawn: Path) -> None:
    public = files(drawn)
    assert sorted(public) == ["manifest.json", "plan.json", "selection.csv"]
    assert class_leaks(public) == []
    # plan.json is the rule: its ratios are per class, but it names no enterprise.
    assert b"9133" not in public["plan.json"]


def test_the_scan_flags_the_old_style_files(drawn: Path) -> None:
    sealed = files(drawn, sealed=True)
    leaks = class_leaks(sealed)
    assert any(x.startswith("frame.csv: class column") for x in leaks)
    assert any(x.startswith("frame.csv: column 2 holds class letters") for x in leaks)
    assert any(x.startswith("selection.csv: class column") for x in leaks)
    assert any(x.startswith("manifest.json: keys") and "strata" in x for x in leaks)
    assert any(x.startswith("visits.csv: class column") for x in leaks)


def class_free_permutation(rule: DrawRule, dataset: Dataset) -> pd.DataFrame:
    """Enterprises with the classes rotated within groups of the same frames
    whose outcome (drawn / not drawn) is the same whatever their class."""
    frames = build_frames(rule, dataset.enterprises, dataset.history)
    selection = select(rule, frames, SEED)
    threshold = {(s.item, s.credit_class): s.threshold for s in selection.strata}
    ticket = [bytes(t).hex() for t in tickets(SEED, frames.uscc)]
    items_of: dict[int, list[str]] = defaultdict(list)
    for item, idx in sorted(frames.members.items()):
        for i in idx.tolist():
            items_of[i].append(item)
    groups: dict[tuple[Any, ...], list[int]] = defaultdict(list)
    for i, items in items_of.items():
        limits = [t for it in items for c in CLASSES if (t := threshold[(it, c)]) is not None]
        if all(ticket[i] <= t for t in limits):
            groups[(tuple(items), "always")].append(i)
        elif all(ticket[i] > t for t in limits):
            groups[(tuple(items), "never")].append(i)
    new_class = {}
    for members in groups.values():
        classes = [int(frames.cls[i]) for i in members]
        for i, c in zip(members, classes[1:] + classes[:1], strict=True):
            new_class[frames.uscc[i].decode()] = CLASSES[c]
    enterprises = dataset.enterprises.copy()
    enterprises["credit_class"] = [new_class.get(u, c) for u, c in zip(enterprises["uscc"], enterprises["credit_class"],
                                                                        strict=True)]
    return enterprises


def test_permuting_classes_with_the_same_outcome_leaves_the_public_files_unchanged(
        sample: Inputs, drawn: Path, tmp_path: Path) -> None:
    assert sample.round is not None
    rule = build_rule(sample.round, sample.dataset)
    enterprises = class_free_permutation(rule, sample.dataset)
    changed = int((enterprises["credit_class"] != sample.dataset.enterprises["credit_class"]).sum())
    assert changed > 1000  # the permutation really moves classes (drawn and not drawn enterprises alike)
    again = publish(rule, replace(sample.dataset, enterprises=enterprises), tmp_path / "again")

    def masked(published: dict[str, bytes]) -> dict[str, Any]:
        out: dict[str, Any] = dict(published)
        manifest = json.loads(published["manifest.json"])
        out["manifest.json"] = manifest | {"frame_sha256": "D"}
        return out

    before, after = files(drawn), files(again)
    assert masked(after) == masked(before)
    assert json.loads(after["manifest.json"])["frame_sha256"] != json.loads(before["manifest.json"])["frame_sha256"]
    # Negative control: the old-style files (the sealed folder) do change.
    sealed_before, sealed_after = files(drawn, sealed=True), files(again, sealed=True)
    assert [n for n in sealed_before if sealed_before[n] != sealed_after[n]] == [
        "frame.csv", "manifest.json", "selection.csv", "visits.csv"]

