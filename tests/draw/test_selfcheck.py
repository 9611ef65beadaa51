"""An enterprise's self-check: its own ticket and outcome, from the public or the sealed folder."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import reference_draw as ref

from scheduler.draw import Reveal, build_rule, run_draw, self_check, write_draw
from scheduler.io import Report, load

DEMO = [Reveal("示例县市场监督管理局", "demo-secret-scjg-2026q4"), Reveal("示例县公证处", "demo-secret-notary-2026q4")]


@pytest.fixture(scope="module")
def draw(sample_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    inputs = load([sample_dir], Report())
    assert inputs is not None and inputs.round is not None
    result = run_draw(build_rule(inputs.round, inputs.dataset), inputs.dataset, "03 07 12 19 25 31 + 09", DEMO)
    out = tmp_path_factory.mktemp("sc") / "draw"
    write_draw(result, inputs.dataset, out)
    return out


def rows(path: Path) -> list[list[str]]:
    return [line.split(",") for line in path.read_text(encoding="utf-8").splitlines()[1:]]


def test_a_drawn_enterprise_sees_its_ticket_and_items_in_the_public_folder(draw: Path) -> None:
    public = rows(draw / "selection.csv")
    uscc = public[0][2]
    mine = sorted(r[0] for r in public if r[2] == uscc)
    seed = bytes.fromhex(json.loads((draw / "manifest.json").read_text(encoding="utf-8"))["seed"])
    check = self_check(draw, f"  {uscc.lower()} ")  # typed as people type it
    assert check.ok and check.kind == "public" and check.uscc == uscc
    assert check.drawn_for == mine
    assert {o.ticket for o in check.items} == {ref.ticket(seed, uscc).hex()}  # coordinated: one ticket
    assert all(o.in_frame is None and o.credit_class is None for o in check.items)  # nothing sealed is shown
    assert any("监督方" in line for line in check.lines())


def test_the_sealed_folder_confirms_drawn_and_not_drawn_against_the_class_threshold(draw: Path) -> None:
    sealed = draw / "封存"
    frame = rows(sealed / "frame.csv")
    drawn = {(r[0], r[2]) for r in rows(sealed / "selection.csv")}
    not_drawn = next(r for r in frame if (r[0], r[2]) not in drawn)
    check = self_check(sealed, not_drawn[2])
    assert check.ok and check.kind == "sealed"
    outcome = next(o for o in check.items if o.item == not_drawn[0])
    assert outcome.in_frame and not outcome.drawn and outcome.credit_class == not_drawn[1]
    assert outcome.threshold is not None and outcome.ticket > outcome.threshold
    drawn_one = self_check(sealed, next(iter(sorted(drawn)))[1])
    assert drawn_one.ok and all(o.consistent for o in drawn_one.items)


def test_a_wrong_published_ticket_or_threshold_is_caught(draw: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(draw, copy)
    lines = (copy / "selection.csv").read_text(encoding="utf-8").splitlines()
    item, agency, uscc, _ = lines[1].split(",")
    lines[1] = f"{item},{agency},{uscc},{'0' * 64}"
    (copy / "selection.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    check = self_check(copy, uscc)
    assert not check.ok and any("ticket differs" in p for p in check.problems)
    # A sealed manifest whose threshold for the enterprise's stratum is too low
    sealed = copy / "封存"
    manifest = json.loads((sealed / "manifest.json").read_text(encoding="utf-8"))
    first = rows(sealed / "selection.csv")[0]
    for s in manifest["strata"]:
        if (s["item"], s["credit_class"]) == (first[0], first[1]):
            s["threshold"] = "0" * 64
    (sealed / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    wrong = self_check(sealed, first[2])
    assert not wrong.ok
    assert any("与规则不一致" in line for line in wrong.lines())


def test_a_missing_folder_is_a_message_not_a_traceback(tmp_path: Path) -> None:
    check = self_check(tmp_path / "nowhere", "913307991874449975")
    assert not check.ok and "无法读取抽取结果文件夹" in check.problems[0]
