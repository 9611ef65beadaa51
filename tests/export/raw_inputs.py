"""Raw inputs for export content tests: the plan as JSON and the rosters as
the county's files have them (read with pandas / openpyxl), so expected
cells are built independently of the exporters and of ExportContext."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd

WEEKDAY_NAMES = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")  # date.weekday() order


@dataclass(frozen=True)
class Officer:
    id: str
    name: str
    agency: str  # code
    cert_no: str
    phone: str


@dataclass(frozen=True)
class Raw:
    plan: dict[str, Any]
    enterprises: dict[str, dict[str, str]]  # uscc -> 企业名称, 乡镇街道, 地址, 信用风险分类 …
    items: dict[str, tuple[str, str]]  # code -> (name, agency code), in file order
    officers: dict[str, Officer]
    short: dict[str, str]  # agency code -> 部门名称
    full: dict[str, str]  # agency code -> 部门全称
    townships: list[str]
    rule: dict[str, Any]  # the draw's plan.json
    manifest: dict[str, Any]
    results: pd.DataFrame  # the demo's results CSV

    def visits(self) -> list[dict[str, Any]]:
        """Scheduled visits in print order: date, township, visit id."""
        return sorted(self.plan["visits"], key=lambda v: (v["date"], v["township"], v["visit_id"]))

    def leader(self, visit: dict[str, Any]) -> Officer:
        (m,) = [m for m in visit["team"] if m["role"] == "带队"]
        return self.officers[m["inspector_id"]]


def _sheet(path: Path, sheet: str | None = None) -> list[list[str]]:
    wb = openpyxl.load_workbook(path, read_only=True)
    ws = wb[sheet] if sheet else wb.worksheets[0]
    return [["" if c is None else str(c) for c in row] for row in ws.iter_rows(values_only=True)]


def _table(rows: list[list[str]], first: str) -> list[dict[str, str]]:
    top = next(n for n, r in enumerate(rows) if r and r[0] == first)
    head = rows[top]
    return [dict(zip(head, r, strict=False)) for r in rows[top + 1:] if any(r)]


def load_raw(demo: Path, sample_dir: Path) -> Raw:
    agencies = pd.read_csv(sample_dir / "agencies.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    short = dict(zip(agencies["部门代码"], agencies["部门名称"], strict=True))
    code_of = {name: code for code, name in short.items()}
    ent = pd.read_csv(sample_dir / "enterprises.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    enterprises = {r["统一社会信用代码"]: r for r in ent.to_dict("records")}
    items = {r["事项编码"]: (r["事项名称"], code_of[r["部门"]])
             for r in _table(_sheet(sample_dir / "items.xlsx"), "事项编码")}
    officers = {r["人员编号"]: Officer(r["人员编号"], r["姓名"], code_of[r["部门"]], r["执法证号"], r["电话"])
                for r in _table(_sheet(sample_dir / "inspectors.xlsx"), "人员编号")}
    results = pd.read_csv(next((demo / "results").glob("*.csv")), dtype=str, keep_default_na=False,
                          encoding="utf-8-sig")
    return Raw(
        plan=json.loads((demo / "schedule" / "plan.json").read_text(encoding="utf-8")),
        enterprises=enterprises, items=items, officers=officers, short=short,
        full=dict(zip(agencies["部门代码"], agencies["部门全称"], strict=True)),
        townships=sorted(set(ent["乡镇街道"])),
        rule=json.loads((demo / "draw" / "plan.json").read_text(encoding="utf-8")),
        manifest=json.loads((demo / "draw" / "manifest.json").read_text(encoding="utf-8")),
        results=results,
    )


def cells(ws: Any, first_row: int = 3) -> list[list[object]]:
    """A sheet's rows from *first_row* on, as values."""
    return [[c.value for c in row] for row in ws.iter_rows(min_row=first_row)]


def verification_rows(raw: Raw) -> list[list[object]]:
    """The 抽取复核 sheet without its four how-to rows, from the draw folder."""
    m, seed = raw.manifest, raw.rule["seed"]
    return [
        ["抽取结果清单（manifest.json）的 SHA-256", raw.plan["audit"]["draw_manifest_sha256"]],
        ["随机数种子 S", m["seed"]], ["抽取算法", m["algorithm"]], ["抽取规则 plan.json 的 SHA-256（P）", m["plan_sha256"]],
        ["抽取名单 frame.csv 的 SHA-256（D）", m["frame_sha256"]], ["符合条件的检查对象（户）", m["eligible_enterprises"]],
        ["公开随机源", m["seed_inputs"]["beacon"]], ["公开随机源说明", seed["beacon_description"]],
        *[[f"事先公布的承诺值：{c['party']}", c["sha256"]] for c in seed["commitments"]],
        *[[f"揭示的秘密值：{s['party']}", s["secret"]] for s in m["seed_inputs"]["secrets"]],
    ]
