"""The round file: the sample parses; mistakes are reported by key."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from scheduler.agencies import AgencyDirectory
from scheduler.domain import DEFAULT_MAX_DAYS_PER_WEEK, Workload
from scheduler.io import Report
from scheduler.roundfile import read_round


def test_sample_round_file(sample_dir: Path) -> None:
    report = Report()
    r = read_round(sample_dir / "round.toml", AgencyDirectory(), report)
    assert report.ok, [str(p) for p in report]
    assert r is not None
    assert r.name == "2026年第四季度跨部门联合抽查"
    assert (r.start, r.end) == (dt.date(2026, 10, 12), dt.date(2026, 12, 25))
    assert r.lead_agency == "SCJG"
    assert r.exclusions.cooldown_days == 180 and r.exclusions.yearly_cap == 2
    assert not r.exclusions.allow_zero_ratio
    assert r.avoid_home_township
    assert [c.party for c in r.seed.commitments] == ["示例县市场监督管理局", "示例县公证处"]


def test_round_file_mistakes_are_reported_by_key(tmp_path: Path) -> None:
    path = tmp_path / "round.toml"
    path.write_text(
        'name = ""\nlead_agency = "宣传部"\nagencies = ["生态环境局", "统战部"]\n'
        '[window]\nstart = "2026-12-01"\nend = 2026-11-01\n'
        "[exclusions]\ncooldown_days = -3\n"
        '[[seed.commitments]]\nparty = "公证处"\nsha256 = "abc"\n',
        encoding="utf-8",
    )
    report = Report()
    assert read_round(path, AgencyDirectory(), report) is None
    assert [str(p) for p in report] == [
        "round.toml [name]: 缺少轮次名称 name（如「2026年第四季度跨部门联合抽查」）",
        "round.toml [window.end]: 结束日期 2026-11-01 早于开始日期 2026-12-01",
        "round.toml [lead_agency]: 未知部门「宣传部」",
        "round.toml [agencies[1]]: 未知部门「统战部」",
        "round.toml [exclusions.cooldown_days]: 应为不小于 0 的整数（天）",
        "round.toml [seed.commitments[0].sha256]: 应为 64 位十六进制 SHA-256 摘要",
    ]


def test_toml_syntax_error(tmp_path: Path) -> None:
    path = tmp_path / "round.toml"
    path.write_text('name = "x\n', encoding="utf-8")
    report = Report()
    assert read_round(path, AgencyDirectory(), report) is None
    assert report.errors[0].message.startswith("TOML 格式错误")
    assert report.errors[0].row == 1 and "第 1 行" in report.errors[0].message


def test_a_misspelt_key_is_an_error_naming_the_key_it_meant(sample_dir: Path, tmp_path: Path) -> None:
    text = (sample_dir / "round.toml").read_text(encoding="utf-8")
    cases = {
        text.replace("cooldown_days", "cooldown_dayz"): ("exclusions.cooldown_dayz", "cooldown_days"),
        text.replace("avoid_home_township", "avoid_home_town"): ("assignment.avoid_home_town", "avoid_home_township"),
        text.replace("party =", "partie =", 1): ("seed.commitments[0].partie", "party"),
        'agencie = ["卫生健康"]\n' + text: ("agencie", "agencies"),
    }
    for wrong, (key, meant) in cases.items():
        path = tmp_path / "round.toml"
        path.write_text(wrong, encoding="utf-8")
        report = Report()
        assert read_round(path, AgencyDirectory(), report) is None, key
        unknown = [p for p in report.errors if "未知的键" in p.message]
        assert [p.column for p in unknown] == [f"[{key}]"] and f"「{meant}」" in unknown[0].message
    path = tmp_path / "round.toml"
    path.write_text(text, encoding="utf-8")
    report = Report()
    assert read_round(path, AgencyDirectory(), report) is not None and report.ok


def test_workload_rule_defaults_and_values(sample_dir: Path, tmp_path: Path) -> None:
    base = 'name = "x"\nlead_agency = "市场监管"\n[window]\nstart = 2026-11-02\nend = 2026-11-13\n'
    path = tmp_path / "round.toml"
    path.write_text(base, encoding="utf-8")
    r = read_round(path, AgencyDirectory(), Report())
    assert r is not None and r.workload == Workload(DEFAULT_MAX_DAYS_PER_WEEK, None) == Workload(3, None)
    path.write_text(base + "[workload]\nmax_days_per_week = 2\nmax_days_per_month = 6\n", encoding="utf-8")
    r = read_round(path, AgencyDirectory(), Report())
    assert r is not None and r.workload == Workload(2, 6)
    sample = read_round(sample_dir / "round.toml", AgencyDirectory(), Report())
    assert sample is not None and sample.workload == Workload(3, None)


def test_workload_mistakes_are_reported_by_key(tmp_path: Path) -> None:
    base = 'name = "x"\nlead_agency = "市场监管"\n[window]\nstart = 2026-11-02\nend = 2026-11-13\n'
    path = tmp_path / "round.toml"
    path.write_text(base + '[workload]\nmax_days_per_week = 0\nmax_days_per_month = "十"\n', encoding="utf-8")
    report = Report()
    assert read_round(path, AgencyDirectory(), report) is None
    assert [str(p) for p in report] == [
        "round.toml [workload.max_days_per_week]: 应为 1 至 7 的整数（每名执法人员每周最多检查日数），实际为「0」",
        "round.toml [workload.max_days_per_month]: 应为 1 至 31 的整数（每名执法人员每月最多检查日数），实际为「\"十\"」（加了引号的文字：数字不要加引号）",
    ]
    path.write_text(base + '[workload]\nmax_days_per_week = "3"\nmax_days_per_month = true\n', encoding="utf-8")
    report = Report()
    assert read_round(path, AgencyDirectory(), report) is None
    assert [p.message for p in report] == [  # a quoted number is text: say so; TOML spells booleans in lower case
        "应为 1 至 7 的整数（每名执法人员每周最多检查日数），实际为「\"3\"」（加了引号的文字：数字不要加引号）",
        "应为 1 至 31 的整数（每名执法人员每月最多检查日数），实际为「true」",
    ]
    path.write_text(base + "[workload]\nmax_day_per_week = 2\n", encoding="utf-8")
    report = Report()
    assert read_round(path, AgencyDirectory(), report) is None
    assert "「max_days_per_week」" in report.errors[0].message and report.errors[0].column == "[workload.max_day_per_week]"
