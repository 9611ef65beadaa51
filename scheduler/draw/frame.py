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


def uscc_bytes(values: pd.Series) -> npt.NDArray[np.bytes_]:
    """USCCs as a numpy ``S18`` array, straight from the arrow buffer when
    every code has 18 bytes (always, for a validated roster)."""
    codes = _strings(values)
    if len(codes) and pc.all(pc.equal(pc.binary_length(codes), LENGTH)).as_py():
        return code_bytes(codes)
    return values.to_numpy(dtype="S18")


def sort_order(uscc: npt.NDArray[np.bytes_]) -> npt.NDArray[np.intp]:
    """``np.argsort(uscc, kind="stable")``, faster: the 18 bytes as three
    big-endian integer keys of a stable lexsort, skipping a key every code
    shares (the registration authority and division of one county)."""
    if uscc.dtype.itemsize != LENGTH or len(uscc) < 2:
        return np.argsort(uscc, kind="stable")
    raw = np.ascontiguousarray(uscc).view(np.uint8).reshape(len(uscc), LENGTH)
    keys = [np.ascontiguousarray(raw[:, a:b]).view(kind).reshape(-1) for a, b, kind in ((16, 18, ">u2"), (8, 16, ">u8"), (0, 8, ">u8"))]
    keys = [k for k in keys if len(k) and not (k == k[0]).all()]
    return np.lexsort(keys) if keys else np.arange(len(uscc), dtype=np.intp)


def is_sorted(uscc: npt.NDArray[np.bytes_]) -> bool:
    return len(uscc) < 2 or bool((uscc[1:] >= uscc[:-1]).all())


@dataclass(frozen=True)
class UsccIndex:
    """The roster's USCCs as bytes, sorted once: finds the roster row of the
    history's codes by binary search (no hash table of millions)."""

    codes: npt.NDArray[np.bytes_]  # S18, roster order
    order: npt.NDArray[np.intp]  # sorts codes
    in_order: bool  # the roster is already sorted by USCC

    @classmethod
    def of(cls, enterprises: pd.DataFrame) -> UsccIndex:
        codes = uscc_bytes(enterprises["uscc"])
        in_order = is_sorted(codes)
        return cls(codes, np.arange(len(codes), dtype=np.intp) if in_order else sort_order(codes), in_order)

    def positions(self, values: pd.Series) -> npt.NDArray[np.intp]:
        """The roster row of each code of *values* (-1 when not in the roster)."""
        out = np.full(len(values), -1, dtype=np.intp)
        if not len(values) or not len(self.codes):
            return out
        text = _strings(values)
        ok = np.asarray(pc.equal(pc.binary_length(text), LENGTH).to_numpy(zero_copy_only=False), dtype=bool)
        keys = code_bytes(text.filter(pa.array(ok))) if ok.any() else np.zeros(0, dtype="S18")
        ordered = self.codes if self.in_order else self.codes[self.order]
        by_key = np.argsort(keys, kind="stable")  # sorted keys search several times faster
        at = np.empty(len(keys), dtype=np.intp)
        at[by_key] = np.minimum(np.searchsorted(ordered, keys[by_key]), len(ordered) - 1)
        hit = ordered[at] == keys
        rows = np.flatnonzero(ok)
        out[rows[hit]] = self.order[at[hit]]
        return out


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


def last_inspection(enterprises: pd.DataFrame, history: pd.DataFrame | None, index: UsccIndex | None = None) -> pd.Series:
    """Latest of 上次检查日期 and the enterprise's history rows (or NaT)."""
    rows = None
    if history is not None and len(history):
        rows = (index or UsccIndex.of(enterprises)).positions(history["uscc"])
    return pd.Series(_latest(enterprises, history, rows), index=enterprises.index)


def _latest(enterprises: pd.DataFrame, history: pd.DataFrame | None,
            rows: npt.NDArray[np.intp] | None) -> npt.NDArray[np.datetime64]:
    """:func:`last_inspection`, given the roster row of each history row."""
    last = _datetimes(enterprises["last_inspected"])
    if history is None or rows is None:
        return last
    dates = _datetimes(history["date"])
    hit = rows >= 0
    latest = last.view(np.int64).copy()  # NaT is the smallest int64: a maximum ignores it
    np.maximum.at(latest, rows[hit], dates.view(np.int64)[hit])
    return latest.view("datetime64[ns]")


def eligibility(rule: DrawRule, enterprises: pd.DataFrame, history: pd.DataFrame | None,
                index: UsccIndex | None = None) -> Eligibility:
    active = enterprises["status"].isin(list(rule.statuses)).to_numpy(dtype=bool)
    excluded = {"inactive": int((~active).sum()), "cooldown": 0, "yearly_cap": 0}
    mask = active.copy()
    rows = None  # the roster row of each history row
    if history is not None and len(history) and (rule.cooldown_days > 0 or rule.yearly_cap is not None):
        rows = (index or UsccIndex.of(enterprises)).positions(history["uscc"])
    if rule.cooldown_days > 0:
        last = _latest(enterprises, history, rows)
        cutoff = np.datetime64(rule.reference_date - dt.timedelta(days=rule.cooldown_days), "ns")
        cooling = (last > cutoff) & mask
        excluded["cooldown"] = int(cooling.sum())
        mask &= ~cooling
    if rule.yearly_cap is not None and history is not None and rows is not None:
        year = _datetimes(history["date"]).astype("datetime64[Y]") == np.datetime64(str(rule.reference_date.year), "Y")
        counts = np.bincount(rows[year & (rows >= 0)], minlength=len(enterprises))
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


def _tag_matrix(tags: pd.Series, wanted: set[str], rows: npt.NDArray[np.intp]) -> dict[str, npt.NDArray[np.bool_]]:
    """Per tag, which of the enterprises at *rows* carry it (tags are
    ';'-joined and sorted); each distinct tag cell is split once."""
    codes, uniques = pd.factorize(tags)
    codes = codes[rows]
    unique_sets = [set(str(u).split(";")) if u else set() for u in uniques]
    out: dict[str, npt.NDArray[np.bool_]] = {}
    for tag in wanted:
        has = np.fromiter((tag in s for s in unique_sets), dtype=bool, count=len(unique_sets))
        out[tag] = has[codes] if len(codes) else np.zeros(0, dtype=bool)
    return out


def build_frames(rule: DrawRule, enterprises: pd.DataFrame, history: pd.DataFrame | None) -> Frames:
    index = UsccIndex.of(enterprises)
    elig = eligibility(rule, enterprises, history, index)
    # The roster rows of the eligible enterprises in USCC order: columns are
    # read at these rows, with no copy of the roster's text columns.
    rows = np.flatnonzero(elig.mask) if index.in_order else index.order[elig.mask[index.order]]
    uscc = index.codes[rows]
    del index
    classes = pc.index_in(_strings(enterprises["credit_class"]), value_set=pa.array(CLASSES))
    cls = np.asarray(pc.fill_null(classes, 0).to_numpy(zero_copy_only=False), dtype=np.uint8)[rows]
    tag_masks = _tag_matrix(enterprises["tags"], {t for i in rule.items for t in i.target_tags}, rows)
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


def frame_chunks(frames: Frames) -> Iterator[bytes | memoryview]:
    """frame.csv as byte chunks: header, then one fixed-width block per item
    (a view of its array, not a copy)."""
    yield FRAME_HEADER
    codes = frames.uscc.view(np.uint8).reshape(-1, 18) if len(frames.uscc) else np.zeros((0, 18), np.uint8)
    class_bytes = np.frombuffer("".join(CLASSES).encode(), dtype=np.uint8)
    for item in sorted(frames.members):
        idx = frames.members[item]
        prefix = np.frombuffer(item.encode("utf-8") + b",", dtype=np.uint8)
        width = len(prefix) + 2 + 18 + 1
        block = np.empty((len(idx), width), dtype=np.uint8)
        block[:, : len(prefix)] = prefix
        block[:, len(prefix)] = class_bytes[frames.cls[idx]]
        block[:, len(prefix) + 1] = ord(",")
        block[:, len(prefix) + 2 : len(prefix) + 20] = codes[idx]
        block[:, -1] = ord("\n")
        yield block.reshape(-1).data


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
