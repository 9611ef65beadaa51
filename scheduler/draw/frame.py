"""Frames and strata (docs/draw-spec.md §2).

An item's frame is every eligible enterprise whose tags meet the item's
target tags (any one of them; no target tags = every eligible enterprise).
Eligible: registration status in the rule's list, not in the cool-down after
its last inspection, and under the yearly cap.  A stratum is (item, credit
class).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from scheduler.domain import CreditClass
from scheduler.draw.rule import DrawRule
from scheduler.uscc import LENGTH, code_bytes

CLASSES = tuple(c.value for c in CreditClass)
FRAME_HEADER = b"item,credit_class,uscc\n"


@dataclass
class Eligibility:
    """Who is eligible, and how many were excluded for each reason."""

    mask: npt.NDArray[np.bool_]
    excluded: dict[str, int]


def _strings(values: pd.Series) -> pa.ChunkedArray:
    """A text column as arrow strings (the column's own buffers when it is
    arrow-backed)."""
    arrow = pa.array(values, type=pa.string(), from_pandas=True)
    return arrow if isinstance(arrow, pa.ChunkedArray) else pa.chunked_array([arrow])


def _positions(keys: pd.Series, table: pd.Index) -> npt.NDArray[np.intp]:
    """For each of *keys*, its position in *table* (-1 when absent): one hash
    lookup per row in arrow, not a Python dictionary of millions."""
    found = pc.index_in(_strings(keys), value_set=pa.array([str(k) for k in table], pa.string()))
    return np.asarray(pc.fill_null(found, -1).to_numpy(zero_copy_only=False), dtype=np.intp)


def _datetimes(values: pd.Series) -> npt.NDArray[np.datetime64]:
    """Dates (``datetime.date``, None) as ``datetime64[ns]``, NaT where
    missing; each distinct date is converted once."""
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        return values.to_numpy(dtype="datetime64[ns]")
    codes, uniques = pd.factorize(values.to_numpy(dtype=object))
    out = np.full(len(values), np.datetime64("NaT"), dtype="datetime64[ns]")
    if len(uniques):
        converted = pd.to_datetime(pd.Series(uniques, dtype=object), errors="coerce").to_numpy(dtype="datetime64[ns]")
        present = codes >= 0
        out[present] = converted[codes[present]]
    return out


def _looked_up(enterprises: pd.DataFrame, per_uscc: pd.Series, missing: object) -> npt.NDArray[np.generic]:
    """``enterprises["uscc"].map(per_uscc)`` with *missing* for the absent."""
    pos = _positions(enterprises["uscc"], per_uscc.index)
    values = per_uscc.to_numpy()
    out = np.full(len(pos), missing, dtype=values.dtype)
    out[pos >= 0] = values[pos[pos >= 0]]
    return out


def last_inspection(enterprises: pd.DataFrame, history: pd.DataFrame | None) -> pd.Series:
    """Latest of 上次检查日期 and the enterprise's history rows (or NaT)."""
    last = _datetimes(enterprises["last_inspected"])
    if history is not None and len(history):
        dates = pd.Series(_datetimes(history["date"]), index=history.index)
        hist = dates.groupby(history["uscc"].to_numpy(dtype=object)).max()
        from_history = _looked_up(enterprises, hist, np.datetime64("NaT"))
        later = ~np.isnat(from_history) & (np.isnat(last) | (from_history > last))
        last = np.where(later, from_history, last)
    return pd.Series(last, index=enterprises.index)


def eligibility(rule: DrawRule, enterprises: pd.DataFrame, history: pd.DataFrame | None) -> Eligibility:
    active = enterprises["status"].isin(list(rule.statuses)).to_numpy(dtype=bool)
    excluded = {"inactive": int((~active).sum()), "cooldown": 0, "yearly_cap": 0}
    mask = active.copy()
    if rule.cooldown_days > 0:
        last = last_inspection(enterprises, history).to_numpy()
        cutoff = np.datetime64(rule.reference_date - dt.timedelta(days=rule.cooldown_days), "ns")
        cooling = (last > cutoff) & mask
        excluded["cooldown"] = int(cooling.sum())
        mask &= ~cooling
    if rule.yearly_cap is not None and history is not None and len(history):
        dates = pd.to_datetime(pd.Series(_datetimes(history["date"])), errors="coerce")
        this_year = history.loc[(dates.dt.year == rule.reference_date.year).to_numpy()]
        per_uscc = this_year.groupby(this_year["uscc"].to_numpy(dtype=object)).size()
        counts = _looked_up(enterprises, per_uscc, 0)
        capped = (counts >= rule.yearly_cap) & mask
        excluded["yearly_cap"] = int(capped.sum())
        mask &= ~capped
    return Eligibility(mask=mask, excluded=excluded)


@dataclass
class Frames:
    """Eligible enterprises (sorted by USCC) and each item's members.

    ``members[item]`` are indices into ``uscc``/``cls``, ascending, i.e. in
    USCC order.  ``cls`` holds 0..3 for A..D.
    """

    uscc: npt.NDArray[np.bytes_]  # S18, sorted
    cls: npt.NDArray[np.uint8]
    members: dict[str, npt.NDArray[np.intp]]
    excluded: dict[str, int] = field(default_factory=dict)

    def strata(self) -> Iterator[tuple[str, str, npt.NDArray[np.intp]]]:
        """(item, class, member indices in USCC order), items in code order."""
        for item in sorted(self.members):
            idx = self.members[item]
            classes = self.cls[idx]
            for k, cls in enumerate(CLASSES):
                yield item, cls, idx[classes == k]

    def rows(self) -> int:
        return sum(len(m) for m in self.members.values())


def _tag_matrix(tags: pd.Series, wanted: set[str]) -> dict[str, npt.NDArray[np.bool_]]:
    """Per tag, which enterprises carry it (tags are ';'-joined and sorted)."""
    out: dict[str, npt.NDArray[np.bool_]] = {}
    codes, uniques = pd.factorize(tags)
    unique_sets = [set(u.split(";")) if u else set() for u in uniques]
    for tag in wanted:
        has = np.fromiter((tag in s for s in unique_sets), dtype=bool, count=len(unique_sets))
        out[tag] = has[codes] if len(codes) else np.zeros(0, dtype=bool)
    return out


def uscc_bytes(values: pd.Series) -> npt.NDArray[np.bytes_]:
    """USCCs as a numpy ``S18`` array, straight from the arrow buffer when
    every code has 18 bytes (always, for a validated roster)."""
    codes = _strings(values)
    if len(codes) and pc.all(pc.equal(pc.binary_length(codes), LENGTH)).as_py():
        return code_bytes(codes)
    return values.to_numpy(dtype="S18")


def uscc_order(uscc: npt.NDArray[np.bytes_]) -> npt.NDArray[np.intp]:
    """Indices sorting *uscc* byte-wise (stable); no sort for a roster
    already in USCC order (as registries export it)."""
    if len(uscc) < 2 or bool((uscc[1:] >= uscc[:-1]).all()):
        return np.arange(len(uscc), dtype=np.intp)
    return np.argsort(uscc, kind="stable")


def build_frames(rule: DrawRule, enterprises: pd.DataFrame, history: pd.DataFrame | None) -> Frames:
    elig = eligibility(rule, enterprises, history)
    eligible = enterprises.loc[elig.mask, ["uscc", "credit_class", "tags"]]
    uscc = uscc_bytes(eligible["uscc"])
    order = uscc_order(uscc)
    uscc = uscc[order]
    classes = pc.index_in(_strings(eligible["credit_class"]), value_set=pa.array(CLASSES))
    cls = np.asarray(pc.fill_null(classes, 0).to_numpy(zero_copy_only=False), dtype=np.uint8)[order]
    wanted = {t for i in rule.items for t in i.target_tags}
    tag_masks = {tag: has[order] for tag, has in _tag_matrix(eligible["tags"], wanted).items()}
    del eligible
    members: dict[str, npt.NDArray[np.intp]] = {}
    for item in rule.items:
        if item.target_tags:
            mask = np.zeros(len(uscc), dtype=bool)
            for tag in item.target_tags:
                mask |= tag_masks[tag]
            members[item.code] = np.flatnonzero(mask)
        else:
            members[item.code] = np.arange(len(uscc), dtype=np.intp)
    return Frames(uscc=uscc, cls=cls, members=members, excluded=elig.excluded)


def frame_chunks(frames: Frames) -> Iterator[bytes]:
    """frame.csv as byte chunks: header, then one fixed-width block per item."""
    yield FRAME_HEADER
    uscc_bytes = frames.uscc.view(np.uint8).reshape(-1, 18) if len(frames.uscc) else np.zeros((0, 18), np.uint8)
    class_bytes = np.frombuffer("".join(CLASSES).encode(), dtype=np.uint8)
    for item in sorted(frames.members):
        idx = frames.members[item]
        prefix = np.frombuffer(item.encode("utf-8") + b",", dtype=np.uint8)
        width = len(prefix) + 2 + 18 + 1
        block = np.empty((len(idx), width), dtype=np.uint8)
        block[:, : len(prefix)] = prefix
        block[:, len(prefix)] = class_bytes[frames.cls[idx]]
        block[:, len(prefix) + 1] = ord(",")
        block[:, len(prefix) + 2 : len(prefix) + 20] = uscc_bytes[idx]
        block[:, -1] = ord("\n")
        yield block.tobytes()


def frame_digest(frames: Frames) -> bytes:
    h = hashlib.sha256()
    for chunk in frame_chunks(frames):
        h.update(chunk)
    return h.digest()


def parse_frame_csv(data: bytes) -> tuple[Frames, list[str]]:
    """Read a published frame.csv back (for verification).  Returns the frames
    and a list of format problems (empty when the file is well formed)."""
    problems: list[str] = []
    if not data.startswith(FRAME_HEADER):
        problems.append("frame.csv 表头应为 item,credit_class,uscc")
        return Frames(np.zeros(0, "S18"), np.zeros(0, np.uint8), {}), problems
    lines = data[len(FRAME_HEADER):].split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    items: list[str] = []
    classes: list[str] = []
    codes: list[bytes] = []
    for n, line in enumerate(lines, start=2):
        parts = line.split(b",")
        if len(parts) != 3 or parts[1].decode("ascii", "replace") not in CLASSES or len(parts[2]) != 18:
            problems.append(f"frame.csv 第 {n} 行格式错误")
            continue
        items.append(parts[0].decode("utf-8"))
        classes.append(parts[1].decode("ascii"))
        codes.append(parts[2])
    table = pd.DataFrame({"item": items, "cls": classes, "uscc": codes})
    unique = table.drop_duplicates("uscc").sort_values("uscc")
    conflicting = table.groupby("uscc")["cls"].nunique()
    for code in conflicting[conflicting > 1].index:
        problems.append(f"frame.csv 中 {code.decode()} 的信用风险分类前后不一致")
    uscc = unique["uscc"].to_numpy(dtype="S18")
    position = pd.Series(np.arange(len(uscc)), index=unique["uscc"].to_numpy())
    cls = np.asarray(unique["cls"].map({c: i for i, c in enumerate(CLASSES)}), dtype=np.uint8)
    members = {
        str(item): np.sort(position.loc[group["uscc"].to_numpy()].to_numpy().astype(np.intp))
        for item, group in table.groupby("item", sort=True)
    }
    return Frames(uscc=uscc, cls=cls, members=members), problems
