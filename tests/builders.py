"""Small, valid roster files for tests, in any format, with hooks to break them."""

from __future__ import annotations

import csv
import datetime as dt
import importlib.util
import io
import sys
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

import openpyxl

from scheduler.plan import Audit, Plan, PlanRound, ScheduledVisit, Statistics, Team, TeamMember, Unassigned
from scheduler.uscc import check_char, org_check_char
from scheduler.vocabulary import LEADER

ENTERPRISE_HEADER = ["统一社会信用代码", "企业名称", "乡镇街道", "地址", "信用风险分类", "监管标签", "登记状态", "上次检查日期"]
ITEM_HEADER = ["事项编码", "部门", "事项名称", "检查对象标签", "A类抽查比例", "B类抽查比例", "C类抽查比例", "D类抽查比例", "每户所需人数", "资格要求"]
INSPECTOR_HEADER = ["人员编号", "姓名", "部门", "执法证号", "执法证有效期", "资格", "所在乡镇", "每日最多检查户数", "不可用日期", "回避企业", "电话"]


def make_uscc(n: int) -> str:
    """A valid USCC for integer n (distinct n give distinct codes)."""
    body8 = f"{n:08d}"
    body17 = "91330799" + body8 + org_check_char(body8)
    return body17 + check_char(body17)


def enterprise_rows(n: int = 12) -> list[list[str]]:
    towns = ["城关镇", "东城街道", "清河镇"]
    classes = ["A", "B", "C", "D"]
    tags = ["食品生产", "餐饮服务；公共场所", "", "危险化学品"]
    return [
        [make_uscc(i + 1), f"示例企业{i + 1}有限公司", towns[i % 3], f"示例县人民路{i + 1}号",
         classes[i % 4], tags[i % 4], "存续" if i % 7 else "在业", "2026-03-0" + str(1 + i % 9) if i % 5 == 0 else ""]
        for i in range(n)
    ]


def item_rows() -> list[list[str]]:
    return [
        ["SCJG-001", "市场监管", "企业公示信息抽查", "", "3%", "5%", "20%", "60%", "", ""],
        ["SCJG-002", "县市场监督管理局", "食品生产企业监督检查", "食品生产", "0.05", "0.1", "0.3", "1", "1", ""],
        ["YJGL-001", "应急管理局", "危险化学品企业安全生产检查", "危险化学品", "5%", "10%", "30%", "100%", "2", "危险化学品安全监管"],
        ["WSJK-001", "卫健委", "公共场所卫生监督检查", "公共场所", "5%", "10%", "30%", "80%", "", ""],
    ]


def inspector_rows() -> list[list[str]]:
    return [
        ["SCJG0001", "张伟", "市场监管", "示执SC00000001", "2028-06-30", "食品安全", "城关镇", "", "", "", "13900000001"],
        ["SCJG0002", "王芳", "市场监督管理局", "示执SC00000002", "2027/12/31", "", "东城街道", "3", "2026-11-02~2026-11-06；2026-11-18", "", ""],
        ["YJGL0001", "李强", "应急管理", "示执YJ00000001", "2029年1月1日", "危险化学品安全监管", "清河镇", "5", "", make_uscc(4), ""],
        ["YJGL0002", "刘洋", "应急管理", "示执YJ00000002", "2029-01-01", "危险化学品安全监管；工贸", "城关镇", "", "", "", ""],
        ["WSJK0001", "陈静", "卫生健康", "示执WJ00000001", "2030-05-01", "", "东城街道", "", "", "", ""],
    ]


def write_csv(path: Path, header: Sequence[str], rows: Sequence[Sequence[str]], *,
              encoding: str = "utf-8", title: str | None = None) -> Path:
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\n")
    if title is not None:
        writer.writerow([title])
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


def write_xlsx(path: Path, header: Sequence[str], rows: Sequence[Sequence[object]], *,
               title: str | None = None) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    if title is not None:
        ws.append([title])
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    ws.append(list(header))
    for row in rows:
        ws.append(list(row))
    wb.save(path)
    return path


def write_folder(folder: Path, *, enterprises: list[list[str]] | None = None,
                 items: list[list[str]] | None = None, inspectors: list[list[str]] | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    write_csv(folder / "enterprises.csv", ENTERPRISE_HEADER, enterprises if enterprises is not None else enterprise_rows())
    write_csv(folder / "items.csv", ITEM_HEADER, items if items is not None else item_rows())
    write_csv(folder / "inspectors.csv", INSPECTOR_HEADER, inspectors if inspectors is not None else inspector_rows())
    return folder


def tiny_plan(visits: Sequence[tuple[str, Sequence[str], str]], unassigned: Sequence[tuple[str, Sequence[str]]] = (),
              window: tuple[str, str] = ("2026-10-12", "2026-12-25")) -> Plan:
    """A minimal typed plan: (uscc, item codes, date) per scheduled visit,
    (uscc, item codes) per unassigned one; ids V0001…, one-officer teams."""
    def agencies(items: Sequence[str]) -> tuple[str, ...]:
        return tuple(sorted({i.split("-")[0] for i in items}))

    scheduled = tuple(
        ScheduledVisit(f"V{n:04d}", uscc, f"企业{n}", "城关镇", tuple(items), agencies(items), dt.date.fromisoformat(day),
                       Team((TeamMember("SCJG0001", "张三", "SCJG", LEADER, True, 0),)))
        for n, (uscc, items, day) in enumerate(visits, start=1))
    missing = tuple(
        Unassigned(f"V{n:04d}", uscc, f"企业{n}", "清河镇", tuple(items), agencies(items), ("x",))
        for n, (uscc, items) in enumerate(unassigned, start=len(visits) + 1))
    return Plan(
        round=PlanRound("测试", "", dt.date.fromisoformat(window[0]), dt.date.fromisoformat(window[1]), "SCJG", False),
        visits=scheduled, unassigned=missing,
        statistics=Statistics(len(scheduled) + len(missing), len(scheduled), len(missing), 1.0, 1.0, 0, 0, 0.0, 0, {}, {}, ()),
        audit=Audit("", "", {}, {}),
    )


def load_by_path(name: str, relative: str) -> ModuleType:
    """Import a repository file that is not in a package (data/, benchmarks/)
    as module *name*, once."""
    if name in sys.modules:
        return sys.modules[name]
    path = Path(__file__).resolve().parents[1] / relative
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look the module up while it loads
    spec.loader.exec_module(module)
    return module


def load_generator() -> ModuleType:
    """Import data/generate_county.py (data/ is not a package)."""
    return load_by_path("generate_county", "data/generate_county.py")


def break_inspectors(county: Path) -> None:
    """An expiry date that is no date in the second inspector row (spreadsheet row 3)."""
    path = county / "inspectors.csv"
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    cells = lines[2].split(",")
    cells[4] = "不是日期"
    lines[2] = ",".join(cells)
    path.write_text("\ufeff" + "\n".join(lines) + "\n", encoding="utf-8")
