"""Readers for the rosters (检查对象名录库, 抽查事项清单, 执法检查人员名录库,
检查记录, 部门名录).  Each reader turns a :class:`Table` into domain records
and puts every problem it finds into the :class:`Report`; it never stops at
the first problem."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Container, Iterable
from decimal import Decimal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from scheduler import uscc as usccmod
from scheduler.agencies import Agency, AgencyDirectory
from scheduler.domain import ACTIVE_STATUSES, CreditClass, Inspector, Item
from scheduler.io import schemas, strings
from scheduler.io.fields import (
    canonical_status,
    parse_column,
    parse_credit_class,
    parse_date,
    parse_date_ranges,
    parse_distinct,
    parse_floats,
    parse_positive_int,
    parse_ratio,
    split_list,
    split_tags,
)
from scheduler.io.problems import Report, shown
from scheduler.io.source import SourceLike
from scheduler.io.strings import StrColumn
from scheduler.io.table import Table, read_table
from scheduler.vocabulary import DEFAULT_MAX_VISITS_PER_DAY

KNOWN_STATUSES = ACTIVE_STATUSES | {"注销", "吊销", "迁出", "撤销", "停业", "歇业", "清算"}


def _col(table: Table, key: str) -> StrColumn:
    """A column's cells as an arrow string column ("" for a missing column)."""
    if key in table.data:
        return strings.column(table.data[key])
    return strings.empty(len(table.data))


def _report_duplicates(table: Table, keys: StrColumn | list[str], key: str, what: str, report: Report) -> None:
    column = strings.column(keys)
    if strings.strictly_increasing(column):
        return
    candidates = np.flatnonzero(strings.maybe_repeated(column))
    if not len(candidates):
        return
    codes, uniques = strings.encode(column.take(pa.array(candidates)))
    counts = np.bincount(codes, minlength=len(uniques))
    repeated = strings.nonempty(pa.chunked_array([uniques])) & (counts > 1)
    first_row: dict[str, int] = {}
    for k in np.flatnonzero(repeated[codes]).tolist():
        value = str(uniques[int(codes[k])].as_py())
        row = table.row(int(candidates[k]))
        if value in first_row:
            report.error(table.file, row, table.header(key), f"{what}「{shown(value)}」重复（与第 {first_row[value]} 行相同）")
        else:
            first_row[value] = row


def _mapped(col: StrColumn, canon: Callable[[str], str]) -> StrColumn:
    """``canon(cell)`` of every cell, each distinct value once (the column
    itself when *canon* changes nothing)."""
    codes, uniques = strings.factorize(col)
    mapped = [canon(u) for u in uniques]
    if mapped == uniques:
        return col
    return pa.chunked_array([pa.array(mapped, pa.string()).take(pa.array(codes))], type=pa.string())


def _tag_text(text: str) -> str:
    """Canonical tag string: split on ；;,，、, stripped, sorted, joined by ";"."""
    return ";".join(sorted(set(split_tags(text))))


def read_enterprises(path: SourceLike, report: Report) -> pd.DataFrame | None:
    """Read the target roster into a frame with canonical columns
    (:data:`scheduler.domain.ENTERPRISE_COLUMNS`) plus kept extra columns.

    Every check is vectorised over the columns (arrow), so a roster of
    millions of rows reads in seconds; text columns are pandas ``str``
    columns backed by arrow."""
    table = read_table(path, schemas.ENTERPRISE_COLUMNS, report, need_rows=True)
    if table is None:
        return None
    n = len(table.data)
    file = table.file
    codes = usccmod.normalise_column(_col(table, "uscc"))
    valid = usccmod.valid_column(codes)
    if not valid.all():
        bad = np.flatnonzero(~valid)
        for i, code in zip(bad.tolist(), codes.take(pa.array(bad)).to_pylist(), strict=True):
            report.error(file, table.row(i), table.header("uscc"), usccmod.problem(code) or "无效")
    _report_duplicates(table, codes, "uscc", "统一社会信用代码", report)

    for key, what in (("name", "企业名称"), ("township", "乡镇街道")):
        for i in np.flatnonzero(strings.equals(_col(table, key), "")).tolist():
            report.error(file, table.row(i), table.header(key), f"{what}为空")

    classes = parse_distinct(table, "credit_class", parse_credit_class, report)
    for i in np.flatnonzero(strings.equals(_col(table, "credit_class"), "")).tolist():
        report.error(file, table.row(i), table.header("credit_class"), "信用风险分类为空")
    class_text = pa.array([c.value if c is not None else "" for c in classes.values], pa.string())
    credit_class = pa.chunked_array([class_text.take(pa.array(classes.codes % len(classes.values)))], type=pa.string())

    if "status" not in table.data:
        report.warning(file, None, None, "没有「登记状态」列：全部按存续处理")
        status = pa.chunked_array([pa.repeat("存续", n)], type=pa.string()) if n else strings.empty(0)
    else:
        status = _mapped(_col(table, "status"), canonical_status)
        status_codes, status_values = strings.factorize(status)
        for value in sorted(set(status_values) - KNOWN_STATUSES - {""}):
            rows = table.rows[status_codes == status_values.index(value)]
            report.warning(file, int(rows[0]), table.header("status"),
                           f"未知登记状态「{shown(value)}」（共 {len(rows)} 行），不参与抽取")
        if "" in status_values:
            for i in np.flatnonzero(status_codes == status_values.index("")).tolist():
                report.warning(file, table.row(i), table.header("status"), "登记状态为空，不参与抽取")

    coords: dict[str, np.ndarray] = {}
    for key, lo, hi, what in (("lon", 73.0, 136.0, "经度"), ("lat", 3.0, 54.0, "纬度")):
        if key not in table.data:
            coords[key] = np.full(n, np.nan)
            continue
        values, present = parse_floats(table, key, report)
        with np.errstate(invalid="ignore"):
            outside = present & ~((values >= lo) & (values <= hi))
        for i in np.flatnonzero(outside).tolist():
            report.error(file, table.row(i), table.header(key), f"{what} {values[i]} 不在中国境内范围（{lo}–{hi}）")
        values[outside] = np.nan
        coords[key] = values

    last = (parse_distinct(table, "last_inspected", parse_date, report).objects() if "last_inspected" in table.data
            else np.full(n, None, dtype=object))

    frame = pd.DataFrame({
        "uscc": strings.series(codes),
        "name": strings.series(_col(table, "name")),
        "township": strings.series(_col(table, "township")),
        "address": strings.series(_col(table, "address")),
        "lon": coords["lon"],
        "lat": coords["lat"],
        "industry": strings.series(_col(table, "industry")),
        "credit_class": strings.series(credit_class),
        "tags": strings.series(_mapped(_col(table, "tags"), _tag_text)),
        "status": strings.series(status),
        "last_inspected": last,
        "row": table.rows,
    })
    for extra in table.data.columns:
        if extra.startswith("extra:"):
            frame[extra] = table.data[extra].to_numpy(dtype=object)
    frame.attrs["file"] = file
    frame.attrs["headers"] = table.headers
    return frame


class RosterCodes:
    """The USCCs of the target roster, asked for a few codes at a time (the
    回避企业 of the inspector roster) without a Python set of millions."""

    def __init__(self, codes: pd.Series) -> None:
        self._codes = strings.column(codes)

    def among(self, wanted: Iterable[str]) -> frozenset[str]:
        """Those of *wanted* that are in the roster."""
        value_set = pa.array(sorted(set(wanted)), pa.string())
        if not len(value_set):
            return frozenset()
        found = self._codes.filter(pc.is_in(self._codes, value_set=value_set))
        return frozenset(found.unique().to_pylist())


def read_agencies(path: SourceLike, report: Report) -> list[Agency]:
    table = read_table(path, schemas.AGENCY_COLUMNS, report)
    if table is None:
        return []
    out = []
    codes, names, aliases, full = table.column("code"), table.column("name"), table.column("aliases"), table.column("full_name")
    _report_duplicates(table, codes, "code", "部门代码", report)
    for i, (code, name) in enumerate(zip(codes, names, strict=True)):
        if not code or not name:
            report.error(table.file, table.row(i), None, "部门代码和部门名称不能为空")
            continue
        out.append(Agency(code, name, tuple(split_list(aliases[i])), full_name=full[i]))
    return out


def _resolve_agencies(table: Table, directory: AgencyDirectory, report: Report) -> list[str | None]:
    out: list[str | None] = []
    for i, text in enumerate(table.column("agency")):
        agency = directory.resolve(text)
        if agency is None:
            msg = "部门为空" if not text else f"未知部门「{shown(text)}」（可在 agencies.csv 部门名录中登记）"
            report.error(table.file, table.row(i), table.header("agency"), msg)
            out.append(None)
        else:
            out.append(agency.code)
    return out


def read_items(path: SourceLike, directory: AgencyDirectory, report: Report) -> list[Item]:
    return [item for item, _ in read_items_with_rows(path, directory, report)]


def read_items_with_rows(path: SourceLike, directory: AgencyDirectory, report: Report) -> list[tuple[Item, int]]:
    """The items and the spreadsheet row of each."""
    table = read_table(path, schemas.ITEM_COLUMNS, report, need_rows=True)
    if table is None:
        return []
    file = table.file
    missing = [k for k in ("ratio_A", "ratio_B", "ratio_C", "ratio_D") if k not in table.data]
    for key in missing:
        report.error(file, None, None, f"缺少列「{key[-1]}类抽查比例」（{key}）")
    if missing:
        return []
    codes, names = table.column("item_code"), table.column("name")
    tags, quals = table.column("target_tags"), table.column("qualification")
    _report_duplicates(table, codes, "item_code", "事项编码", report)
    agencies = _resolve_agencies(table, directory, report)
    ratios = {
        cls: parse_column(table, f"ratio_{cls.value}", parse_ratio, report) for cls in CreditClass
    }
    raw_ratios = {cls: table.column(f"ratio_{cls.value}") for cls in CreditClass}
    officers: list[int | None] = (
        parse_column(table, "officers", parse_positive_int, report) if "officers" in table.data else [None] * len(codes)
    )
    items: list[tuple[Item, int]] = []
    for i in range(len(table.data)):
        row = table.row(i)
        ok = True
        for key, value, what in (("item_code", codes[i], "事项编码"), ("name", names[i], "事项名称")):
            if not value:
                report.error(file, row, table.header(key), f"{what}为空")
                ok = False
        for cls in CreditClass:
            if not raw_ratios[cls][i]:
                report.error(file, row, table.header(f"ratio_{cls.value}"),
                             f"{cls.value}类抽查比例为空（不搞免于抽查：如确需为 0 请填写 0 并在轮次文件中允许）")
                ok = False
            elif ratios[cls][i] is None:
                ok = False
        agency = agencies[i]
        if not ok or agency is None:
            continue
        items.append((Item(
            code=codes[i],
            agency=agency,
            name=names[i],
            ratios={cls: ratios[cls][i] or Decimal(0) for cls in CreditClass},
            target_tags=frozenset(split_tags(tags[i])),
            officers=officers[i] or 1,
            qualification=quals[i],
        ), row))
    return items


def read_inspectors(
    path: SourceLike,
    directory: AgencyDirectory,
    report: Report,
    *,
    townships: frozenset[str] | None = None,
    usccs: Container[str] | RosterCodes | None = None,
) -> list[Inspector]:
    """Read the inspector roster.  With *townships* (from the target roster),
    an unknown 所在乡镇 is an error; with *usccs*, a 回避企业 that is not in
    the target roster is a warning."""
    table = read_table(path, schemas.INSPECTOR_COLUMNS, report, need_rows=True)
    if table is None:
        return []
    file = table.file
    n = len(table.data)
    ids, certs = table.column("inspector_id"), table.column("cert_no")
    names, quals = table.column("name"), table.column("qualifications")
    towns, conflict_cells, phones = table.column("base_township"), table.column("conflicts"), table.column("phone")
    expiry_cells = table.column("cert_expiry")
    _report_duplicates(table, ids, "inspector_id", "人员编号", report)
    _report_duplicates(table, certs, "cert_no", "执法证号", report)
    if isinstance(usccs, RosterCodes):
        usccs = usccs.among(usccmod.normalise(raw) for cell in conflict_cells for raw in split_list(cell))
    agencies = _resolve_agencies(table, directory, report)
    expiry = parse_column(table, "cert_expiry", parse_date, report)
    per_day: list[int | None] = (
        parse_column(table, "max_visits_per_day", parse_positive_int, report)
        if "max_visits_per_day" in table.data else [None] * n
    )
    leave: list[tuple[tuple[dt.date, dt.date], ...] | None] = (
        parse_column(table, "unavailable", parse_date_ranges, report) if "unavailable" in table.data else [None] * n
    )
    out: list[Inspector] = []
    for i in range(n):
        row = table.row(i)
        ok = agencies[i] is not None
        for key, value, what in (("inspector_id", ids[i], "人员编号"), ("name", names[i], "姓名"),
                                 ("cert_no", certs[i], "执法证号"), ("cert_expiry", expiry_cells[i], "执法证有效期")):
            if not value:
                msg = f"{what}为空" + ("（无执法证的人员不得从事检查）" if key == "cert_no" else "")
                report.error(file, row, table.header(key), msg)
                ok = False
        conflicts: list[str] = []
        for raw in split_list(conflict_cells[i]):
            code = usccmod.normalise(raw)
            bad = usccmod.problem(code)
            if bad:
                report.error(file, row, table.header("conflicts"), f"回避企业代码「{shown(raw)}」{bad}")
                ok = False
            elif usccs is not None and code not in usccs:
                report.warning(file, row, table.header("conflicts"), f"回避企业「{shown(code)}」不在检查对象名录库中")
            conflicts.append(code)
        township = towns[i]
        if township and townships is not None and township not in townships:
            report.error(file, row, table.header("base_township"),
                         f"未知乡镇「{shown(township)}」（检查对象名录库中没有该乡镇街道）")
            ok = False
        cert_expiry = expiry[i]
        if not ok or cert_expiry is None:
            continue
        agency = agencies[i]
        assert agency is not None
        out.append(Inspector(
            id=ids[i],
            name=names[i],
            agency=agency,
            cert_no=certs[i],
            cert_expiry=cert_expiry,
            qualifications=frozenset(split_list(quals[i])),
            base_township=township,
            max_visits_per_day=per_day[i] or DEFAULT_MAX_VISITS_PER_DAY,
            unavailable=leave[i] or (),
            conflicts=frozenset(conflicts),
            phone=phones[i],
        ))
    return out


def read_history(path: SourceLike, directory: AgencyDirectory, report: Report) -> pd.DataFrame | None:
    table = read_table(path, schemas.HISTORY_COLUMNS, report)
    if table is None:
        return None
    codes = usccmod.normalise_column(_col(table, "uscc"))
    valid = usccmod.valid_column(codes)
    if not valid.all():
        bad = np.flatnonzero(~valid)
        for i, code in zip(bad.tolist(), codes.take(pa.array(bad)).to_pylist(), strict=True):
            report.error(table.file, table.row(i), table.header("uscc"), usccmod.problem(code) or "无效")
    dates = parse_distinct(table, "date", parse_date, report).objects()
    for i in np.flatnonzero(strings.equals(_col(table, "date"), "")).tolist():
        report.error(table.file, table.row(i), table.header("date"), "检查日期为空")
    agencies = np.full(len(codes), None, dtype=object)
    if "agency" in table.data:
        agency_codes, agency_texts = strings.factorize(_col(table, "agency"))
        resolved = [directory.resolve(text) if text else None for text in agency_texts]
        unknown = np.array([bool(text) and agency is None for text, agency in zip(agency_texts, resolved, strict=True)], dtype=bool)
        for i in np.flatnonzero(unknown[agency_codes]).tolist() if unknown.any() else []:
            text = agency_texts[agency_codes[i]]
            report.error(table.file, table.row(i), table.header("agency"), f"未知部门「{shown(text)}」")
        known = np.empty(len(resolved), dtype=object)
        for j, agency in enumerate(resolved):
            known[j] = agency.code if agency is not None else None
        agencies = known[agency_codes]
    return pd.DataFrame({
        "uscc": strings.series(codes),
        "date": dates,
        "agency": agencies,
        "inspectors": strings.series(_mapped(_col(table, "inspectors"), lambda t: ";".join(split_list(t)))),
        "row": table.rows,
    })
