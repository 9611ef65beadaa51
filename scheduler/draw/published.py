"""A published draw as the next stage takes it: the rule, the manifest (and
its SHA-256, which the plan records so that a schedule provably uses what
was published) and the selection, per enterprise.

Built straight from a :class:`~scheduler.draw.run.DrawResult` or loaded from
a published draw folder; both give equal objects for the same draw.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scheduler.draw.publish import public_manifest
from scheduler.draw.rule import DrawRule, RuleError, canonical_json, parse_rule
from scheduler.draw.run import DrawResult


class DrawFolderError(ValueError):
    """The folder is not a readable published draw; the message is for people."""


@dataclass(frozen=True)
class PublishedDraw:
    rule: DrawRule
    manifest: Mapping[str, Any]
    manifest_sha256: str  # hex SHA-256 of manifest.json as published
    selection: Mapping[str, tuple[str, ...]]  # uscc -> drawn item codes (sorted), USCC order

    @property
    def seed(self) -> bytes:
        return bytes.fromhex(str(self.manifest["seed"]))

    @classmethod
    def from_result(cls, result: DrawResult) -> PublishedDraw:
        """As :meth:`load` reads the folder ``write_draw`` publishes: the
        public manifest (no credit classes) and its hash."""
        manifest_bytes = canonical_json(public_manifest(result.manifest()))
        return cls(
            rule=result.rule,
            manifest=json.loads(manifest_bytes),
            manifest_sha256=hashlib.sha256(manifest_bytes).hexdigest(),
            selection={u: tuple(items) for u, items in result.selection.by_enterprise().items()},
        )

    @classmethod
    def load(cls, folder: Path) -> PublishedDraw:
        """Read a published draw folder.  Raises :class:`DrawFolderError`."""
        files = {name: folder / name for name in ("plan.json", "manifest.json", "selection.csv")}
        missing = [name for name, path in files.items() if not path.is_file()]
        if missing:
            raise DrawFolderError(f"{folder} 不是抽取结果文件夹：缺少 {'、'.join(missing)}（请先运行 onevisit draw）")
        try:
            plan_bytes = files["plan.json"].read_bytes()
            manifest_bytes = files["manifest.json"].read_bytes()
            selection_text = files["selection.csv"].read_text(encoding="utf-8")
            manifest = json.loads(manifest_bytes)
            rule = parse_rule(plan_bytes)
        except (OSError, UnicodeDecodeError, json.JSONDecodeError, RuleError) as exc:
            raise DrawFolderError(f"无法读取抽取结果 {folder}：{exc}") from None
        if not isinstance(manifest, dict) or "seed" not in manifest:
            raise DrawFolderError(f"{folder / 'manifest.json'} 缺少随机数种子 seed")
        if manifest.get("plan_sha256") != hashlib.sha256(plan_bytes).hexdigest():
            raise DrawFolderError(f"{folder}：plan.json 与 manifest.json 记录的 P 不符（文件被改动过？请用 onevisit verify 复核）")
        per: dict[str, set[str]] = {}
        lines = selection_text.splitlines()
        for n, line in enumerate(lines[1:], start=2):
            parts = line.split(",")
            if len(parts) < 3:
                raise DrawFolderError(f"{folder / 'selection.csv'} 第 {n} 行格式错误")
            item, uscc = parts[0], parts[-2] if len(parts) >= 4 else parts[-1]
            per.setdefault(uscc, set()).add(item)
        return cls(
            rule=rule,
            manifest=manifest,
            manifest_sha256=hashlib.sha256(manifest_bytes).hexdigest(),
            selection={u: tuple(sorted(per[u])) for u in sorted(per)},
        )
