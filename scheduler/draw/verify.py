"""Verifying a published draw (docs/draw-spec.md §7).

From the published files alone: P from plan.json, D from frame.csv, the
reveals against the commitments, S, every ticket and every stratum, compared
with manifest.json and selection.csv.  With the rosters, also: the frame is
rebuilt from the data under the published rule and compared with frame.csv.
Every difference is reported, naming the stratum (item, credit class).
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from scheduler.domain import Dataset
from scheduler.draw.frame import Frames, build_frames, frame_chunks, parse_frame_csv
from scheduler.draw.rule import RuleError, digest, parse_rule
from scheduler.draw.run import seed_secrets
from scheduler.draw.seed import Reveal, seed
from scheduler.draw.select import select, selection_csv

PUBLISHED = ("plan.json", "frame.csv", "manifest.json", "selection.csv")


@dataclass
class Verification:
    differences: list[str] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.differences


def _frame_diff(published: Frames, rebuilt: Frames) -> list[str]:
    """Per stratum, which enterprises the published frame adds or lacks."""
    def strata(frames: Frames) -> dict[tuple[str, str], set[bytes]]:
        return {(item, cls): set(frames.uscc[idx].tolist()) for item, cls, idx in frames.strata()}

    a, b = strata(published), strata(rebuilt)
    out = []
    for key in sorted(set(a) | set(b)):
        extra, missing = a.get(key, set()) - b.get(key, set()), b.get(key, set()) - a.get(key, set())
        if extra or missing:
            sample = sorted(extra | missing)[:3]
            out.append(
                f"事项 {key[0]} / {key[1]} 类：frame.csv 比名录库重算多 {len(extra)} 户、少 {len(missing)} 户"
                f"（如 {'、'.join(x.decode() for x in sample)}） (stratum {key[0]}/{key[1]}: frame differs from the rosters)"
            )
    return out


def _rows_by_stratum(data: bytes) -> dict[tuple[str, str], list[str]]:
    """The rows of a selection.csv grouped by stratum, in file order."""
    rows: dict[tuple[str, str], list[str]] = defaultdict(list)
    for line in data.decode("utf-8", "replace").splitlines()[1:]:
        parts = line.split(",")
        rows[(parts[0], parts[1] if len(parts) > 1 else "")].append(line)
    return rows


def verify(folder: Path, dataset: Dataset | None = None) -> Verification:
    v = Verification()
    missing = [name for name in PUBLISHED if not (folder / name).is_file()]
    if missing:
        v.differences.append("缺少公布文件 (missing files): " + "、".join(missing))
        return v
    plan_bytes = (folder / "plan.json").read_bytes()
    frame_bytes = (folder / "frame.csv").read_bytes()
    selection_bytes = (folder / "selection.csv").read_bytes()
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        rule = parse_rule(plan_bytes)
    except (ValueError, RuleError) as exc:
        v.differences.append(f"无法读取 plan.json 或 manifest.json：{exc}")
        return v

    p, d = digest(plan_bytes), digest(frame_bytes)
    if p.hex() != manifest.get("plan_sha256"):
        v.differences.append(f"plan.json 的 SHA-256 为 {p.hex()}，与 manifest.json 记录的 P 不同 (P differs)")
    else:
        v.checked.append(f"P = {p.hex()}")
    if d.hex() != manifest.get("frame_sha256"):
        v.differences.append(f"frame.csv 的 SHA-256 为 {d.hex()}，与 manifest.json 记录的 D 不同 (D differs)")
    else:
        v.checked.append(f"D = {d.hex()}")
    if manifest.get("algorithm") != rule.algorithm:
        v.differences.append("manifest.json 与 plan.json 的算法标识不同 (algorithm differs)")

    published, problems = parse_frame_csv(frame_bytes)
    v.differences.extend(problems)
    codes = [rule_item.code for rule_item in rule.items]
    for code in codes:  # an item with an empty frame has no lines
        published.members.setdefault(code, np.zeros(0, dtype=np.intp))
    unknown = sorted(set(published.members) - set(codes))
    if unknown:
        v.differences.append("frame.csv 含 plan.json 中没有的事项：" + "、".join(unknown))
    recorded_n = {(x["item"], x["credit_class"]): x.get("N") for x in manifest.get("strata", [])}
    for item, cls, idx in published.strata():
        if recorded_n.get((item, cls)) != len(idx):
            v.differences.append(
                f"事项 {item} / {cls} 类：frame.csv 中有 {len(idx)} 户，manifest.json 记录 N={recorded_n.get((item, cls))}"
                f" (stratum {item}/{cls}: frame size differs)"
            )
    if dataset is not None:
        rebuilt = build_frames(rule, dataset.enterprises, dataset.history)
        if b"".join(frame_chunks(rebuilt)) != frame_bytes:
            diffs = _frame_diff(published, rebuilt)
            v.differences.extend(diffs or ["frame.csv 与名录库重算结果的字节不同（行序或格式）(frame bytes differ)"])
        else:
            v.checked.append("frame.csv 与名录库重算结果一致 (frame rebuilt from the rosters)")

    inputs = manifest.get("seed_inputs", {})
    reveals = [Reveal(s["party"], s["secret"]) for s in inputs.get("secrets", [])]
    try:
        secrets = seed_secrets(rule, reveals)
    except RuleError as exc:
        v.differences.append(str(exc))
        return v
    if rule.commitments:
        v.checked.append(f"{len(secrets)} 个秘密值与承诺一致 (reveals match commitments)")
    s = seed(p, d, inputs.get("beacon", ""), [r.secret for r in secrets])
    if s.hex() != manifest.get("seed"):
        v.differences.append(f"重算的种子 S = {s.hex()}，与 manifest.json 记录的不同 (S differs)")
        return v
    v.checked.append(f"S = {s.hex()}")

    selection = select(rule, published, s)
    recorded = {(x["item"], x["credit_class"]): x for x in manifest.get("strata", [])}
    for st in selection.strata:
        rec = recorded.pop((st.item, st.credit_class), None)
        if rec is None or (rec.get("N"), rec.get("n"), rec.get("threshold")) != (st.N, st.n, st.threshold):
            v.differences.append(
                f"事项 {st.item} / {st.credit_class} 类：manifest.json 记录 N、n 或门槛票号与重算不同"
                f"（重算 N={st.N}, n={st.n}） (stratum {st.item}/{st.credit_class}: manifest differs)"
            )
    for item, cls in recorded:
        v.differences.append(f"事项 {item} / {cls} 类：manifest.json 中多出该层 (extra stratum in manifest)")

    expected = selection_csv(selection)
    if expected != selection_bytes:
        got, want = _rows_by_stratum(selection_bytes), _rows_by_stratum(expected)
        bad = sorted(k for k in set(got) | set(want) if got.get(k) != want.get(k))
        for item, cls in bad:
            v.differences.append(
                f"事项 {item} / {cls} 类：selection.csv 与重算的抽取结果不一致 (stratum {item}/{cls}: selection differs)"
            )
        if not bad:
            v.differences.append("selection.csv 的表头或格式与规范不同 (selection.csv format differs)")
    else:
        v.checked.append(f"selection.csv 完全一致：{len(selection.rows)} 行，{len(selection.strata)} 层 (selection reproduced)")
    return v
