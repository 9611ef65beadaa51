"""The round file (抽查轮次配置, TOML): what a joint round draws and when.

See ``data/sample/round.toml`` for a commented example and
``docs/inputs.md`` for every key.  Problems are reported with the key path.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import tomllib
from collections.abc import Callable
from typing import Any

from scheduler.agencies import AgencyDirectory
from scheduler.domain import Commitment, Exclusions, Round, SeedSources, Workload
from scheduler.io.fields import FieldError, parse_date
from scheduler.io.problems import Report
from scheduler.io.source import SourceLike, name_of, read_bytes

_KNOWN_TOP = {"name", "code", "lead_agency", "agencies", "items", "window", "exclusions", "assignment", "workload", "seed"}
#: The keys each table may hold; any other is an error (a misspelt key would
#: otherwise fall back to its default and change the draw without a word).
_KNOWN_IN = {
    "window": {"start", "end"},
    "exclusions": {"cooldown_days", "yearly_cap", "allow_zero_ratio"},
    "assignment": {"avoid_home_township"},
    "workload": {"max_days_per_week", "max_days_per_month"},
    "seed": {"beacon_description", "commitments"},
    "seed.commitments": {"party", "sha256"},
}
_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")


def unknown_keys(doc: dict[str, Any]) -> list[tuple[str, str]]:
    """(key path, message) for every key the round file does not know; a
    close known spelling is suggested."""
    found = []

    def check(table: Any, where: str, known: set[str]) -> None:
        if not isinstance(table, dict):
            return
        for key in sorted(set(table) - known):
            path = f"{where}.{key}" if where else key
            close = difflib.get_close_matches(key, sorted(known), n=1)
            hint = f"（是否应为「{close[0]}」？）" if close else f"（可用的键：{'、'.join(sorted(known))}）"
            found.append((path, f"未知的键 {path}{hint}：拼错的键不会生效，请改正后重试 (unknown key)"))

    check(doc, "", _KNOWN_TOP)
    for table, known in _KNOWN_IN.items():
        if "." in table:
            continue
        check(doc.get(table), table, known)
    seed = doc.get("seed")
    if isinstance(seed, dict):
        for i, c in enumerate(seed.get("commitments", []) or []):
            check(c, f"seed.commitments[{i}]", _KNOWN_IN["seed.commitments"])
    return found


def toml_error(exc: tomllib.TOMLDecodeError) -> tuple[int | None, str]:
    """The line and a Chinese message for a TOML syntax error."""
    text = str(exc)
    match = _TOML_POSITION.search(text)
    if match is None:
        return None, f"TOML 格式错误：{text}"
    line, column = int(match.group(1)), int(match.group(2))
    reason = text[: match.start()].strip()
    return line, (f"TOML 格式错误：第 {line} 行第 {column} 列附近写法不对（{reason}）；"
                  "常见原因：字符串缺少引号或引号不成对、日期写法不对、[表名] 缺少方括号")


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        return parse_date(value)
    raise FieldError(f"应为日期，实际为「{value}」")


def read_round(path: SourceLike, directory: AgencyDirectory, report: Report) -> Round | None:
    """Read and check a round file; ``None`` when it has errors."""
    file = name_of(path)
    errors_before = len(report.errors)

    def err(key: str, message: str) -> None:
        report.error(file, None, f"[{key}]", message)

    try:
        doc = tomllib.loads(read_bytes(path).decode("utf-8-sig"))
    except FileNotFoundError:
        report.error(file, None, None, "文件不存在")
        return None
    except UnicodeDecodeError:
        report.error(file, None, None, "无法读取文件：不是 UTF-8 编码的文本文件")
        return None
    except OSError as exc:
        report.error(file, None, None, f"无法读取文件：{exc.strerror or exc}")
        return None
    except tomllib.TOMLDecodeError as exc:
        line, message = toml_error(exc)
        report.error(file, line, None, message)
        return None

    for key, message in unknown_keys(doc):
        err(key, message)

    name = str(doc.get("name", "")).strip()
    if not name:
        err("name", "缺少轮次名称 name（如「2026年第四季度跨部门联合抽查」）")

    window = doc.get("window", {})
    start = end = None
    for key in ("start", "end"):
        if key not in window:
            err(f"window.{key}", "缺少实施期限" + ("开始日期" if key == "start" else "结束日期"))
            continue
        try:
            value = _date(window[key])
        except FieldError as exc:
            err(f"window.{key}", str(exc))
            continue
        if key == "start":
            start = value
        else:
            end = value
    if start and end and end < start:
        err("window.end", f"结束日期 {end} 早于开始日期 {start}")

    def agency_code(key: str, text: Any) -> str | None:
        agency = directory.resolve(str(text))
        if agency is None:
            err(key, f"未知部门「{text}」")
            return None
        return agency.code

    lead = agency_code("lead_agency", doc.get("lead_agency", "")) if doc.get("lead_agency") else None
    if not doc.get("lead_agency"):
        err("lead_agency", "缺少发起部门 lead_agency")
    agencies = tuple(
        code for i, a in enumerate(doc.get("agencies", []) or [])
        if (code := agency_code(f"agencies[{i}]", a)) is not None
    )
    if lead and agencies and lead not in agencies:
        agencies = (lead, *agencies)
    items = tuple(str(i).strip() for i in doc.get("items", []) or [])

    ex = doc.get("exclusions", {})
    cooldown = ex.get("cooldown_days", 0)
    cap = ex.get("yearly_cap")
    if not isinstance(cooldown, int) or cooldown < 0:
        err("exclusions.cooldown_days", "应为不小于 0 的整数（天）")
        cooldown = 0
    if cap is not None and (not isinstance(cap, int) or cap < 1):
        err("exclusions.yearly_cap", "应为不小于 1 的整数（次/年）")
        cap = None
    allow_zero = ex.get("allow_zero_ratio", False)
    if not isinstance(allow_zero, bool):
        err("exclusions.allow_zero_ratio", "应为 true 或 false")
        allow_zero = False

    assignment = doc.get("assignment", {})
    avoid_home = assignment.get("avoid_home_township", False)
    if not isinstance(avoid_home, bool):
        err("assignment.avoid_home_township", "应为 true 或 false")
        avoid_home = False

    workload = _workload(doc.get("workload", {}), err)

    seed = doc.get("seed", {})
    commitments = []
    for i, c in enumerate(seed.get("commitments", []) or []):
        party = str(c.get("party", "")).strip()
        digest = str(c.get("sha256", "")).strip().lower()
        if not party:
            err(f"seed.commitments[{i}].party", "缺少承诺方名称 party")
        if not re.fullmatch(r"[0-9a-f]{64}", digest):
            err(f"seed.commitments[{i}].sha256", "应为 64 位十六进制 SHA-256 摘要")
        commitments.append(Commitment(party, digest))
    parties = [c.party for c in commitments]
    if len(set(parties)) != len(parties):
        err("seed.commitments", "承诺方名称重复")

    if len(report.errors) > errors_before or start is None or end is None or lead is None:
        return None
    return Round(
        name=name,
        code=str(doc.get("code", "")).strip(),
        start=start,
        end=end,
        lead_agency=lead,
        agencies=agencies,
        items=items,
        exclusions=Exclusions(cooldown_days=cooldown, yearly_cap=cap, allow_zero_ratio=allow_zero),
        avoid_home_township=avoid_home,
        workload=workload,
        seed=SeedSources(str(seed.get("beacon_description", "")).strip(), tuple(commitments)),
        source=file,
    )


def _workload(table: Any, err: Callable[[str, str], None]) -> Workload:
    """The ``[workload]`` table: 每周最多检查日 (1–7, default
    :data:`~scheduler.domain.DEFAULT_MAX_DAYS_PER_WEEK`) and 每月最多检查日
    (1–31, absent = no monthly limit)."""
    default = Workload()
    if not isinstance(table, dict):
        err("workload", "应为表 [workload]")
        return default
    week = table.get("max_days_per_week", default.max_days_per_week)
    if isinstance(week, bool) or not isinstance(week, int) or not 1 <= week <= 7:
        err("workload.max_days_per_week", f"应为 1 至 7 的整数（每名执法人员每周最多检查日数），实际为{_written(week)}")
        week = default.max_days_per_week
    month = table.get("max_days_per_month")
    if month is not None and (isinstance(month, bool) or not isinstance(month, int) or not 1 <= month <= 31):
        err("workload.max_days_per_month", f"应为 1 至 31 的整数（每名执法人员每月最多检查日数），实际为{_written(month)}")
        month = None
    return Workload(week, month)


def _written(value: Any) -> str:
    """A TOML value as the user wrote it, with a hint for text in quotes."""
    if isinstance(value, bool):
        return f"「{'true' if value else 'false'}」"
    if isinstance(value, str):
        return f"「\"{value}\"」（加了引号的文字：数字不要加引号）"
    return f"「{value}」"
