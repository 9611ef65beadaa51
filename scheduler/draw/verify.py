"""Verifying a draw folder (docs/draw-spec.md §7).

``verify(folder)`` detects what it was given: a **sealed** folder (it holds
``frame.csv``) is checked completely — P, D, the reveals, S, every ticket, every
stratum's N, n and threshold, selection.csv, and the public files derived from
it; a **public** folder is checked as far as possible without any credit class
— P, the reveals, S from the committed D, every published ticket, the order,
the per-item totals and their bounds — and, when it contains the sealed folder
``封存/``, that is checked too.  With the rosters (``dataset``) the frame is
rebuilt, which checks D and makes the public check complete as well.

Every difference is reported; strata are named (item, credit class) only in
the sealed check.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

from scheduler.domain import Dataset
from scheduler.draw.frame import Frames, build_frames, frame_chunks, frame_digest, parse_frame_csv
from scheduler.draw.publish import (
    PUBLIC_FILES,
    PUBLIC_SELECTION_HEADER,
    SEALED_DIR,
    SEALED_FILES,
    public_manifest,
    public_selection_csv,
)
from scheduler.draw.rule import DrawRule, RuleError, canonical_json, digest, parse_rule
from scheduler.draw.run import seed_secrets
from scheduler.draw.seed import Reveal, seed, ticket
from scheduler.draw.select import Selection, item_totals, select, selection_csv

PUBLIC_LIMITS = (
    "公开文件不含抽取名单（frame.csv）：无法由公开文件核对哪些企业符合条件、各企业的信用风险分类、各分层的 N、n 和门槛票号"
    "（由监督方用封存文件夹核对）(frame membership, classes and strata are checked by the oversight party)",
)


@dataclass
class Verification:
    differences: list[str] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)
    unchecked: list[str] = field(default_factory=list)  # what this folder cannot show, and who can check it
    kind: str = ""  # "public", "sealed" or "public+sealed"

    @property
    def ok(self) -> bool:
        return not self.differences


def folder_kind(folder: Path) -> str:
    """"sealed" when the folder holds the frame, else "public"."""
    return "sealed" if (folder / "frame.csv").is_file() else "public"


def verify(folder: Path, dataset: Dataset | None = None) -> Verification:
    """Verify a public or sealed draw folder (detected from its files)."""
    if folder_kind(folder) == "sealed":
        return verify_sealed(folder, dataset)
    v = verify_public(folder, dataset)
    if (folder / SEALED_DIR).is_dir():
        sealed = verify_sealed(folder / SEALED_DIR, dataset)
        v.differences += [f"封存/：{d}" for d in sealed.differences]
        v.checked += [f"封存/：{c}" for c in sealed.checked]
        v.unchecked = []  # the sealed folder checks what the public files cannot
        v.kind = "public+sealed"
    return v


# --------------------------------------------------------------------------- shared steps


def _read(folder: Path, names: tuple[str, ...], v: Verification) -> tuple[DrawRule, dict[str, Any], bytes] | None:
    missing = [name for name in names if not (folder / name).is_file()]
    if missing:
        v.differences.append(f"{folder} 缺少文件 (missing files): " + "、".join(missing))
        return None
    plan_bytes = (folder / "plan.json").read_bytes()
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        rule = parse_rule(plan_bytes)
    except (ValueError, RuleError) as exc:
        v.differences.append(f"无法读取 plan.json 或 manifest.json：{exc}")
        return None
    if not isinstance(manifest, dict):
        v.differences.append("manifest.json 格式错误 (not a JSON object)")
        return None
    if manifest.get("algorithm") != rule.algorithm:
        v.differences.append("manifest.json 与 plan.json 的算法标识不同 (algorithm differs)")
    p = digest(plan_bytes)
    if p.hex() != manifest.get("plan_sha256"):
        v.differences.append(f"plan.json 的 SHA-256 为 {p.hex()}，与 manifest.json 记录的 P 不同 (P differs)")
    else:
        v.checked.append(f"P = {p.hex()}")
    return rule, manifest, plan_bytes


def _seed(rule: DrawRule, manifest: dict[str, Any], p: bytes, d: bytes, v: Verification) -> bytes | None:
    """Check the reveals and recompute S; None (with the difference noted) when it fails."""
    inputs = manifest.get("seed_inputs", {})
    try:
        reveals = [Reveal(s["party"], s["secret"]) for s in inputs.get("secrets", [])]
        secrets = seed_secrets(rule, reveals)
    except (RuleError, KeyError, TypeError) as exc:
        v.differences.append(f"揭示的秘密值有误：{exc}")
        return None
    if rule.commitments:
        v.checked.append(f"{len(secrets)} 个秘密值与承诺一致 (reveals match commitments)")
    s = seed(p, d, inputs.get("beacon", ""), [r.secret for r in secrets])
    if s.hex() != manifest.get("seed"):
        v.differences.append(f"重算的种子 S = {s.hex()}，与 manifest.json 记录的不同 (S differs)")
        return None
    v.checked.append(f"S = {s.hex()}")
    return s


def _items_recorded(manifest: dict[str, Any], expected: list[dict[str, Any]], v: Verification) -> None:
    if manifest.get("items") != expected:
        v.differences.append("manifest.json 的各事项合计（items）与重算不同 (per-item totals differ)")
    else:
        v.checked.append(f"各事项合计一致：{len(expected)} 个事项 (per-item totals reproduced)")


def _rebuild(rule: DrawRule, dataset: Dataset, recorded_d: str, v: Verification) -> Frames | None:
    """The frame rebuilt from the rosters, if its D is the committed one."""
    rebuilt = build_frames(rule, dataset.enterprises, dataset.history)
    d = frame_digest(rebuilt)
    if d.hex() != recorded_d:
        v.differences.append(f"由名录库重算的抽取名单 SHA-256 为 {d.hex()}，与公布的 D 不同 (frame rebuilt from the rosters differs)")
        return None
    v.checked.append("由名录库重算的抽取名单与公布的 D 一致 (frame rebuilt from the rosters)")
    return rebuilt


# --------------------------------------------------------------------------- public folder


def _ratio_bounds(ratios: dict[str, Any], population: int) -> tuple[int, int]:
    """The n a frame of *population* can have, whatever its split by class:
    ⌈r_min·N⌉ ≤ n ≤ min(N, ⌈r_max·N⌉ + 3)."""
    rs = [Fraction(r) for r in ratios.values()]
    return math.ceil(min(rs) * population), min(population, math.ceil(max(rs) * population) + 3)


def _public_rows(rule: DrawRule, data: bytes, s: bytes, v: Verification) -> dict[str, int]:
    """Check every row of the public selection.csv; return rows per item."""
    agency = {item.code: item.agency for item in rule.items}
    lines = data.decode("utf-8", "replace").split("\n")
    if lines[0] != PUBLIC_SELECTION_HEADER or lines[-1] != "":
        v.differences.append(f"selection.csv 的表头应为 {PUBLIC_SELECTION_HEADER}，并以换行结尾 (selection.csv format)")
        if lines[0].startswith("item,credit_class"):
            v.differences.append("selection.csv 含信用风险分类，不应公开 (the public selection must not carry classes)")
        return {}
    counts: dict[str, int] = defaultdict(int)
    bad: dict[str, list[str]] = defaultdict(list)
    seen: set[tuple[str, str]] = set()
    keys = []
    for n, line in enumerate(lines[1:-1], start=2):
        parts = line.split(",")
        if len(parts) != 4 or parts[0] not in agency or len(parts[2]) != 18:
            v.differences.append(f"selection.csv 第 {n} 行格式错误或事项不在 plan.json 中 (row {n})")
            continue
        item, ag, uscc, tk = parts
        counts[item] += 1
        keys.append((item.encode("utf-8"), tk, uscc))
        if ag != agency[item]:
            bad[item].append(f"第 {n} 行部门应为 {agency[item]}")
        if (item, uscc) in seen:
            bad[item].append(f"第 {n} 行 {uscc} 重复")
        seen.add((item, uscc))
        expected = ticket(s, uscc, item if rule.independent else None).hex()
        if tk != expected:
            bad[item].append(f"第 {n} 行 {uscc} 的票号应为 {expected}")
    for item, problems in sorted(bad.items()):
        v.differences.append(f"事项 {item}：{'；'.join(problems[:3])}（共 {len(problems)} 处）(selection.csv rows differ)")
    if keys != sorted(keys):
        v.differences.append("selection.csv 未按事项、票号排序 (selection.csv order)")
    if not bad and keys == sorted(keys):
        v.checked.append(f"selection.csv 的 {len(keys)} 个票号均由 S 重算一致，排序正确 (every published ticket reproduced)")
    return counts


def _public_totals(rule: DrawRule, manifest: dict[str, Any], counts: dict[str, int], v: Verification) -> None:
    recorded = manifest.get("items")
    if not isinstance(recorded, list) or [x.get("item") for x in recorded if isinstance(x, dict)] != [i.code for i in rule.items]:
        v.differences.append("manifest.json 的各事项合计（items）与 plan.json 的事项不对应 (per-item totals missing)")
        return
    problems = []
    for item, rec in zip(rule.items, recorded, strict=True):
        N, n = rec.get("N"), rec.get("n")
        if not isinstance(N, int) or not isinstance(n, int):
            problems.append(f"事项 {item.code}：N、n 不是整数")
            continue
        low, high = _ratio_bounds(item.ratios, N)
        if n != counts.get(item.code, 0):
            problems.append(f"事项 {item.code}：manifest.json 记录抽中 {n} 户，selection.csv 有 {counts.get(item.code, 0)} 户")
        if not low <= n <= high:
            problems.append(f"事项 {item.code}：N={N} 时按各分类比例抽中户数应在 {low}–{high} 之间，记录为 {n}")
        if rec.get("agency") != item.agency:
            problems.append(f"事项 {item.code}：部门应为 {item.agency}")
    if sum(r.get("N", 0) for r in recorded if isinstance(r.get("N"), int)) != manifest.get("frame_rows"):
        problems.append("各事项 N 之和与 frame_rows 不同")
    v.differences += [f"{p} (per-item totals)" for p in problems]
    if not problems:
        v.checked.append(f"各事项抽中户数与名单一致，且在比例允许的范围内：{len(recorded)} 个事项 (per-item totals)")


def verify_public(folder: Path, dataset: Dataset | None = None) -> Verification:
    v = Verification(kind="public")
    read = _read(folder, PUBLIC_FILES, v)
    if read is None:
        return v
    rule, manifest, plan_bytes = read
    leaked = [k for k in ("strata", "public") if k in manifest]
    if leaked or manifest.get("folder") != "public":
        v.differences.append("公开的 manifest.json 含封存内容（分层数据），不应公开 (the public manifest carries sealed data)")
    try:
        d = bytes.fromhex(str(manifest.get("frame_sha256", "")))
    except ValueError:
        d = b""
    if len(d) != 32:
        v.differences.append("manifest.json 缺少抽取名单的承诺值 D (frame_sha256)")
        return v
    v.checked.append(f"D = {d.hex()}（抽取名单已封存，此为其承诺值 commitment to the sealed frame）")
    s = _seed(rule, manifest, digest(plan_bytes), d, v)
    if s is None:
        return v
    selection_bytes = (folder / "selection.csv").read_bytes()
    counts = _public_rows(rule, selection_bytes, s, v)
    _public_totals(rule, manifest, counts, v)
    if dataset is None:
        v.unchecked.extend(PUBLIC_LIMITS)
        return v
    rebuilt = _rebuild(rule, dataset, d.hex(), v)
    if rebuilt is not None:
        selection = select(rule, rebuilt, s)
        if public_selection_csv(rule, selection) != selection_bytes:
            v.differences.append("selection.csv 与由名录库重算的抽取结果不一致 (selection differs from the rosters' draw)")
        else:
            v.checked.append(f"selection.csv 与由名录库重算的抽取结果完全一致：{len(selection.rows)} 行 (selection reproduced)")
        _items_recorded(manifest, item_totals(rule, selection), v)
    return v


# --------------------------------------------------------------------------- sealed folder


def _frame_diff(published: Frames, rebuilt: Frames) -> list[str]:
    """Per stratum, which enterprises the sealed frame adds or lacks."""
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
    """The rows of a sealed selection.csv grouped by stratum, in file order."""
    rows: dict[tuple[str, str], list[str]] = defaultdict(list)
    for line in data.decode("utf-8", "replace").splitlines()[1:]:
        parts = line.split(",")
        rows[(parts[0], parts[1] if len(parts) > 1 else "")].append(line)
    return rows


def _strata(manifest: dict[str, Any], selection: Selection, v: Verification) -> None:
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


def _sealed_selection(selection: Selection, data: bytes, v: Verification) -> None:
    expected = selection_csv(selection)
    if expected == data:
        v.checked.append(f"selection.csv 完全一致：{len(selection.rows)} 行，{len(selection.strata)} 层 (selection reproduced)")
        return
    got, want = _rows_by_stratum(data), _rows_by_stratum(expected)
    bad = sorted(k for k in set(got) | set(want) if got.get(k) != want.get(k))
    for item, cls in bad:
        v.differences.append(f"事项 {item} / {cls} 类：selection.csv 与重算的抽取结果不一致 (stratum {item}/{cls}: selection differs)")
    if not bad:
        v.differences.append("selection.csv 的表头或格式与规范不同 (selection.csv format differs)")


def _public_link(folder: Path, rule: DrawRule, manifest: dict[str, Any], selection: Selection, v: Verification) -> None:
    """The public files this sealed folder goes with: their recorded SHA-256,
    and the published files themselves when the folder sits in a draw folder."""
    public = {"manifest.json": canonical_json(public_manifest(manifest)),
              "selection.csv": public_selection_csv(rule, selection)}
    recorded = manifest.get("public", {})
    for name, key in (("manifest.json", "manifest_sha256"), ("selection.csv", "selection_sha256")):
        if digest(public[name]).hex() != recorded.get(key):
            v.differences.append(f"manifest.json 记录的公开 {name} 的 SHA-256 与重算不同 (public {name} hash differs)")
    parent = folder.parent
    if folder.name == SEALED_DIR and all((parent / n).is_file() for n in PUBLIC_FILES):
        public["plan.json"] = (folder / "plan.json").read_bytes()
        differ = [n for n in PUBLIC_FILES if (parent / n).read_bytes() != public[n]]
        if differ:
            v.differences.append("公开文件与封存文件夹不对应 (public files differ from the sealed folder)：" + "、".join(differ))
        else:
            v.checked.append("公开文件（plan.json、manifest.json、selection.csv）与封存文件夹逐字节对应 (public files match)")


def verify_sealed(folder: Path, dataset: Dataset | None = None) -> Verification:
    v = Verification(kind="sealed")
    read = _read(folder, SEALED_FILES, v)
    if read is None:
        return v
    rule, manifest, plan_bytes = read
    frame_bytes = (folder / "frame.csv").read_bytes()
    d = digest(frame_bytes)
    if d.hex() != manifest.get("frame_sha256"):
        v.differences.append(f"frame.csv 的 SHA-256 为 {d.hex()}，与 manifest.json 记录的 D 不同 (D differs)")
    else:
        v.checked.append(f"D = {d.hex()}")

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

    s = _seed(rule, manifest, digest(plan_bytes), d, v)
    if s is None:
        return v
    selection = select(rule, published, s)
    _strata(manifest, selection, v)
    _items_recorded(manifest, item_totals(rule, selection), v)
    _sealed_selection(selection, (folder / "selection.csv").read_bytes(), v)
    _public_link(folder, rule, manifest, selection, v)
    return v
