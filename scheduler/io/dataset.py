"""Load a county's rosters from a folder or a list of files.

Files are recognised by name (English or Chinese) and, failing that, by
their header row.  Every file is read and checked before anything is
returned, so one run reports every problem in every file.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePath

from scheduler.agencies import AgencyDirectory
from scheduler.domain import Dataset, Inspector, Item, Round
from scheduler.io import schemas
from scheduler.io.calendar_file import read_calendar
from scheduler.io.problems import Report, shown
from scheduler.io.rosters import RosterCodes, read_agencies, read_enterprises, read_history, read_inspectors, read_items_with_rows
from scheduler.io.source import Source, SourceLike, label_of, name_of, stem_of, suffix_of
from scheduler.io.table import CSV_SUFFIXES, EXCEL_SUFFIXES, find_header, read_sheets
from scheduler.io.workbook import TableError
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


def role_of(source: SourceLike) -> str | None:
    """The role of a file, by its name, else by the header row of any of its
    sheets."""
    suffix = suffix_of(source)
    if suffix == ".toml":
        return "round"
    name = name_of(source)
    if suffix not in TABLE_SUFFIXES or name.startswith(("~$", ".")):
        return None
    stem = stem_of(source).lower()
    for role, pattern in _NAME_PATTERNS.items():
        if re.search(pattern, stem):
            return role
    try:
        sheets = read_sheets(source)
    except TableError:  # unreadable: reported later only if the file is needed
        return None
    best, score = None, 1
    for role, columns in _SCHEMAS.items():
        for sheet in sheets:
            found = len(find_header(sheet.frame, columns)[1])
            if found > score:
                best, score = role, found
    return best


def _candidates(source: SourceLike, report: Report) -> tuple[list[SourceLike], bool]:
    """The files named by *source* (a folder's files, not recursively) and
    whether it was a folder."""
    if isinstance(source, Source):
        return [source], False
    if not source.exists():
        report.error(str(source), None, None, "文件或文件夹不存在")
        return [], False
    if source.is_dir():
        return [f for f in sorted(source.iterdir()) if f.is_file()], True
    return [source], False


def discover(sources: Iterable[SourceLike], report: Report) -> dict[str, SourceLike]:
    """Map roles to files; folders are searched (not recursively).  A
    :class:`Source` (name and bytes) is recognised exactly as a file of that
    name would be."""
    found: dict[str, list[SourceLike]] = {}
    for source in sources:
        files, folder = _candidates(source, report)
        for file in files:
            role = role_of(file)
            if role is not None:
                found.setdefault(role, []).append(file)
            elif not folder:
                report.error(name_of(file), None, None, "无法识别文件用途（应为检查对象、抽查事项、执法人员等名录）")
    out: dict[str, SourceLike] = {}
    for role, role_files in found.items():
        if len(role_files) > 1:
            report.error(", ".join(name_of(f) for f in role_files), None, None,
                         f"找到多个{ROLE_LABELS[role]}文件，请只保留一个")
        else:
            out[role] = role_files[0]
    for role in ("enterprises", "items", "inspectors"):
        if role not in out and role not in found:
            report.error("（输入）", None, None, f"缺少{ROLE_LABELS[role]}文件（{role}.xlsx 或 {role}.csv）")
    return out


def load(sources: Iterable[SourceLike], report: Report, *, round_file: SourceLike | None = None) -> Inputs | None:
    """Read and check every input; ``None`` if any error was found.

    *sources* are folders, files or in-memory :class:`Source` objects (an
    upload: name and bytes); the result and the messages are the same for a
    file and for a :class:`Source` of the same name and bytes."""
    files = discover(list(sources), report)
    if round_file is not None:
        files["round"] = round_file
    directory = AgencyDirectory()
    if "agencies" in files:
        for agency in read_agencies(files["agencies"], report):
            directory.add(agency)
    enterprises = read_enterprises(files["enterprises"], report) if "enterprises" in files else None
    townships = frozenset(enterprises["township"].unique().tolist()) - {""} if enterprises is not None else None
    usccs = RosterCodes(enterprises["uscc"]) if enterprises is not None else None
    item_rows = read_items_with_rows(files["items"], directory, report) if "items" in files else []
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
        items=tuple(item for item, _ in item_rows),
        inspectors=tuple(inspectors),
        agencies=directory,
        history=history,
        sources={role: label_of(source) for role, source in files.items()},
    )
    cross_check(dataset, report, round_, calendar, item_rows={item.code: row for item, row in item_rows})
    if not report.ok:
        return None
    return Inputs(dataset, calendar, round_)


def round_items(round_: Round, items: Iterable[Item]) -> list[Item]:
    """The items a round inspects: ``round.items`` when given, else every
    item of ``round.agencies`` (of every agency when empty) — the selection
    of :func:`scheduler.draw.rule.build_rule`."""
    items = list(items)
    if round_.items:
        wanted = set(round_.items)
        return [i for i in items if i.code in wanted]
    agencies = set(round_.agencies) or {i.agency for i in items}
    return [i for i in items if i.agency in agencies]


def check_staffing(dataset: Dataset, report: Report, round_: Round | None, item_rows: dict[str, int]) -> None:
    """An item whose agency has no inspectors (or only inspectors whose
    certificate expires before the window starts) cannot be inspected: an
    error when the round includes it, else a warning."""
    items_file = PurePath(dataset.sources.get("items", "items")).name
    names = dataset.agencies.names()
    staff: dict[str, list[Inspector]] = {}
    for inspector in dataset.inspectors:
        staff.setdefault(inspector.agency, []).append(inspector)
    in_round = {i.code for i in round_items(round_, dataset.items)} if round_ is not None else set()
    unstaffed = sorted({i.agency for i in dataset.items if i.code not in in_round and not staff.get(i.agency)})
    for code in unstaffed:
        report.warning(items_file, None, None, f"部门「{names[code]}」有抽查事项，但执法检查人员名录库中没有该部门人员")
    if round_ is None:
        return
    for item in dataset.items:
        if item.code not in in_round:
            continue
        people = staff.get(item.agency, [])
        row = item_rows.get(item.code)
        if not people:
            report.error(items_file, row, None,
                         f"部门「{names[item.agency]}」没有执法检查人员，本轮次无法检查事项 {item.code}")
        elif all(p.cert_expiry < round_.start for p in people):
            report.error(items_file, row, None,
                         f"部门「{names[item.agency]}」全部执法检查人员的执法证在实施期限开始（{round_.start}）前已过期，"
                         f"本轮次无法检查事项 {item.code}")


def cross_check(
    dataset: Dataset,
    report: Report,
    round_: Round | None,
    calendar: WorkCalendar,
    *,
    item_rows: dict[str, int] | None = None,
) -> None:
    """Checks that need more than one file."""
    items_file = PurePath(dataset.sources.get("items", "items")).name
    all_tags = {t for tags in dataset.enterprises["tags"].unique().tolist() for t in tags.split(";") if t}
    quals = {q for i in dataset.inspectors for q in i.qualifications}
    names = dataset.agencies.names()
    for item in dataset.items:
        for tag in sorted(item.target_tags - set(all_tags)):
            report.warning(items_file, None, None, f"事项 {item.code} 的检查对象标签「{shown(tag)}」在检查对象名录库中没有企业")
        if item.qualification and item.qualification not in quals:
            report.warning(items_file, None, None,
                           f"事项 {item.code} 要求资格「{shown(item.qualification)}」，但没有执法人员具备该资格")
    check_staffing(dataset, report, round_, item_rows or {})
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
