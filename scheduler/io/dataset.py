"""Load a county's rosters from a folder or a list of files.

Files are recognised by name (English or Chinese) and, failing that, by
their header row.  Every file is read and checked before anything is
returned, so one run reports every problem in every file.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from scheduler.agencies import AgencyDirectory
from scheduler.domain import Dataset, Round
from scheduler.io import schemas
from scheduler.io.calendar_file import read_calendar
from scheduler.io.problems import Report
from scheduler.io.rosters import read_agencies, read_enterprises, read_history, read_inspectors, read_items
from scheduler.io.table import CSV_SUFFIXES, EXCEL_SUFFIXES, match_headers, read_raw
from scheduler.roundfile import read_round
from scheduler.workdays import WorkCalendar

ROLES = ("enterprises", "items", "inspectors", "history", "agencies", "calendar", "round")
ROLE_LABELS = {
    "enterprises": "检查对象名录库",
    "items": "抽查事项清单",
    "inspectors": "执法检查人员名录库",
    "history": "检查记录",
    "agencies": "部门名录",
    "calendar": "节假日调休表",
    "round": "抽查轮次配置",
}
_NAME_PATTERNS = {
    "enterprises": r"enterprise|target|检查对象|主体名录|企业名录",
    "inspectors": r"inspector|officer|执法.*人员|人员名录|检查人员",
    "items": r"^items?\b|item_list|抽查事项|事项清单",
    "history": r"history|检查记录|历史",
    "agencies": r"agenc|部门名录|^部门",
    "calendar": r"calendar|holiday|节假日|日历|调休",
}
_SCHEMAS = {
    "enterprises": schemas.ENTERPRISE_COLUMNS,
    "items": schemas.ITEM_COLUMNS,
    "inspectors": schemas.INSPECTOR_COLUMNS,
    "history": schemas.HISTORY_COLUMNS,
    "agencies": schemas.AGENCY_COLUMNS,
    "calendar": schemas.CALENDAR_COLUMNS,
}
TABLE_SUFFIXES = EXCEL_SUFFIXES | CSV_SUFFIXES


@dataclass
class Inputs:
    """Everything read from a data folder."""

    dataset: Dataset
    calendar: WorkCalendar
    round: Round | None = None


def role_of(path: Path) -> str | None:
    """The role of a file, by its name, else by its header row."""
    if path.suffix.lower() == ".toml":
        return "round"
    if path.suffix.lower() not in TABLE_SUFFIXES or path.name.startswith(("~$", ".")):
        return None
    stem = path.stem.lower()
    for role, pattern in _NAME_PATTERNS.items():
        if re.search(pattern, stem):
            return role
    try:
        raw = read_raw(path).head(10)
    except Exception:  # unreadable: reported later only if the file is needed
        return None
    best, score = None, 1
    for role, columns in _SCHEMAS.items():
        for r in range(len(raw)):
            found = len(match_headers([str(c) for c in raw.iloc[r].tolist()], columns))
            if found > score:
                best, score = role, found
    return best


def discover(paths: Iterable[Path], report: Report) -> dict[str, Path]:
    """Map roles to files; folders are searched (not recursively)."""
    found: dict[str, list[Path]] = {}
    for path in paths:
        if not path.exists():
            report.error(str(path), None, None, "文件或文件夹不存在")
            continue
        candidates = sorted(path.iterdir()) if path.is_dir() else [path]
        for file in candidates:
            if file.is_file():
                role = role_of(file)
                if role is not None:
                    found.setdefault(role, []).append(file)
                elif not path.is_dir():
                    report.error(file.name, None, None, "无法识别文件用途（应为检查对象、抽查事项、执法人员等名录）")
    out: dict[str, Path] = {}
    for role, files in found.items():
        if len(files) > 1:
            report.error(", ".join(f.name for f in files), None, None,
                         f"找到多个{ROLE_LABELS[role]}文件，请只保留一个")
        else:
            out[role] = files[0]
    for role in ("enterprises", "items", "inspectors"):
        if role not in out and role not in found:
            report.error("（输入）", None, None, f"缺少{ROLE_LABELS[role]}文件（{role}.xlsx 或 {role}.csv）")
    return out


def load(paths: Iterable[Path], report: Report, *, round_file: Path | None = None) -> Inputs | None:
    """Read and check every input; ``None`` if any error was found."""
    files = discover(list(paths), report)
    if round_file is not None:
        files["round"] = round_file
    directory = AgencyDirectory()
    if "agencies" in files:
        for agency in read_agencies(files["agencies"], report):
            directory.add(agency)
    enterprises = read_enterprises(files["enterprises"], report) if "enterprises" in files else None
    townships = frozenset(enterprises["township"]) - {""} if enterprises is not None else None
    usccs = frozenset(enterprises["uscc"]) if enterprises is not None else None
    items = read_items(files["items"], directory, report) if "items" in files else []
    inspectors = (
        read_inspectors(files["inspectors"], directory, report, townships=townships, usccs=usccs)
        if "inspectors" in files else []
    )
    history = read_history(files["history"], directory, report) if "history" in files else None
    calendar = read_calendar(files["calendar"], report) if "calendar" in files else WorkCalendar()
    round_ = read_round(files["round"], directory, report) if "round" in files else None
    if enterprises is None or not report.ok:
        return None
    dataset = Dataset(
        enterprises=enterprises,
        items=tuple(items),
        inspectors=tuple(inspectors),
        agencies=directory,
        history=history,
        sources={role: str(path) for role, path in files.items()},
    )
    cross_check(dataset, report, round_, calendar)
    if not report.ok:
        return None
    return Inputs(dataset, calendar, round_)


def cross_check(dataset: Dataset, report: Report, round_: Round | None, calendar: WorkCalendar) -> None:
    """Checks that need more than one file."""
    items_file = Path(dataset.sources.get("items", "items")).name
    all_tags = Counter(t for tags in dataset.enterprises["tags"] for t in tags.split(";") if t)
    quals = {q for i in dataset.inspectors for q in i.qualifications}
    staffed = {i.agency for i in dataset.inspectors}
    names = dataset.agencies.names()
    for item in dataset.items:
        for tag in sorted(item.target_tags - set(all_tags)):
            report.warning(items_file, None, None, f"事项 {item.code} 的检查对象标签「{tag}」在检查对象名录库中没有企业")
        if item.qualification and item.qualification not in quals:
            report.warning(items_file, None, None,
                           f"事项 {item.code} 要求资格「{item.qualification}」，但没有执法人员具备该资格")
    for code in sorted({i.agency for i in dataset.items} - staffed):
        report.warning(items_file, None, None, f"部门「{names[code]}」有抽查事项，但执法检查人员名录库中没有该部门人员")
    if round_ is None:
        return
    known = {i.code for i in dataset.items}
    for code in round_.items:
        if code not in known:
            report.error(round_.source, None, "[items]", f"抽查事项清单中没有事项编码「{code}」")
    item_agencies = {i.agency for i in dataset.items}
    for code in (round_.lead_agency, *round_.agencies):
        if code not in item_agencies:
            report.warning(round_.source, None, "[agencies]", f"部门「{names[code]}」在抽查事项清单中没有事项")
    for year in calendar.uncovered_years(round_.start, round_.end):
        report.warning(round_.source, None, "[window]",
                       f"{year} 年的节假日安排未知（chinese-calendar 未收录，也没有 calendar.csv）：按周一至周五计算工作日")
