"""The draw: rules, reveals, reproducibility, properties, verification."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
from builders import enterprise_rows, write_folder
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from scheduler.cli import app
from scheduler.domain import CreditClass
from scheduler.draw import Reveal, RuleError, build_rule, run_draw, verify, write_draw
from scheduler.draw.run import seed_secrets
from scheduler.draw.seed import commitment, lp, seed
from scheduler.draw.select import sample_size
from scheduler.io import Inputs, Report, load

runner = CliRunner()
ROUND = """name = "测试轮次"
lead_agency = "市场监管"
[window]
start = 2026-11-02
end = 2026-11-27
[exclusions]
cooldown_days = 30
"""


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Inputs:
    folder = write_folder(tmp_path_factory.mktemp("small"), enterprises=enterprise_rows(60))
    (folder / "round.toml").write_text(ROUND, encoding="utf-8")
    report = Report()
    inputs = load([folder], report)
    assert inputs is not None and inputs.round is not None, [str(p) for p in report]
    return inputs


@pytest.fixture(scope="module")
def sample_inputs(sample_dir: Path) -> Inputs:
    inputs = load([sample_dir], Report())
    assert inputs is not None
    return inputs


DEMO = [Reveal("示例县市场监督管理局", "demo-secret-scjg-2026q4"), Reveal("示例县公证处", "demo-secret-notary-2026q4")]


@pytest.mark.parametrize(
    ("ratio", "population", "n"),
    [("0.03", 100, 3), ("0.03", 101, 4), ("0.05", 20, 1), ("0.05", 21, 2), ("1", 7, 7), ("0", 50, 0),
     ("0.1", 30, 3), ("0.61", 100, 61), ("0.333333", 3, 1), ("0.07", 0, 0)],
)
def test_sample_size_is_exact_ceiling(ratio: str, population: int, n: int) -> None:
    # 0.1 * 30 is 3.0000000000000004 in floating point; the ceiling must still be 3.
    assert sample_size(Decimal(ratio), population) == n


def test_zero_ratio_is_refused_unless_the_round_allows_it(small: Inputs) -> None:
    assert small.round is not None
    item = small.dataset.items[0]
    zero = replace(item, ratios=item.ratios | {CreditClass.A: Decimal(0)})
    dataset = replace(small.dataset, items=(zero, *small.dataset.items[1:]))
    with pytest.raises(RuleError, match="SCJG-001 的 A 类抽查比例为 0：不搞免于抽查"):
        build_rule(small.round, dataset)
    allowed = replace(small.round, exclusions=replace(small.round.exclusions, allow_zero_ratio=True))
    assert build_rule(allowed, dataset).items[0].ratios["A"] == 0


def test_reveals_are_checked_against_commitments(sample_inputs: Inputs) -> None:
    assert sample_inputs.round is not None
    rule = build_rule(sample_inputs.round, sample_inputs.dataset)
    assert [r.party for r in seed_secrets(rule, list(reversed(DEMO)))] == ["示例县市场监督管理局", "示例县公证处"]
    with pytest.raises(RuleError, match="揭示的秘密值与公布的承诺不符"):
        seed_secrets(rule, [DEMO[0], Reveal("示例县公证处", "guess")])
    with pytest.raises(RuleError, match="缺少承诺方「示例县公证处」"):
        seed_secrets(rule, [DEMO[0]])
    with pytest.raises(RuleError, match="请用 --seed"):
        seed_secrets(replace(rule, commitments=()), [])


def test_the_draw_is_a_pure_function(small: Inputs) -> None:
    assert small.round is not None
    rule = build_rule(small.round, small.dataset)
    a = run_draw(rule, small.dataset, "", [Reveal("seed", "42")])
    b = run_draw(rule, small.dataset, "", [Reveal("seed", "42")])
    c = run_draw(rule, small.dataset, "", [Reveal("seed", "43")])
    assert a.seed == b.seed and a.selection.rows == b.selection.rows
    assert a.seed != c.seed and a.selection.rows != c.selection.rows


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.randoms(use_true_random=False))
def test_shuffling_roster_rows_changes_nothing(small: Inputs, rnd: object) -> None:
    assert small.round is not None
    rule = build_rule(small.round, small.dataset)
    base = run_draw(rule, small.dataset, "b", [Reveal("seed", "7")])
    order = list(range(len(small.dataset.enterprises)))
    rnd.shuffle(order)  # type: ignore[attr-defined]
    shuffled = replace(small.dataset, enterprises=small.dataset.enterprises.iloc[order].reset_index(drop=True))
    again = run_draw(rule, shuffled, "b", [Reveal("seed", "7")])
    assert again.frame_digest == base.frame_digest
    assert again.seed == base.seed
    assert again.selection.rows == base.selection.rows


PARTS = st.sampled_from(["plan", "frame", "beacon", "secret"])


@given(part=PARTS, position=st.integers(min_value=0, max_value=63), delta=st.integers(min_value=1, max_value=255))
def test_changing_any_one_byte_of_any_input_changes_the_seed(part: str, position: int, delta: int) -> None:
    inputs = {"plan": bytearray(b"P" * 32), "frame": bytearray(b"D" * 32),
              "beacon": bytearray(b"03 07 12 19 25 31 + 09"), "secret": bytearray("秘密值 secret".encode())}
    reference = seed(bytes(inputs["plan"]), bytes(inputs["frame"]), inputs["beacon"].decode(), [inputs["secret"].decode()])
    target = inputs[part]
    target[position % len(target)] = (target[position % len(target)] + delta) % 256
    changed = seed(bytes(inputs["plan"]), bytes(inputs["frame"]), bytes(inputs["beacon"]), [bytes(inputs["secret"])])
    assert changed != reference


def test_length_prefixes_keep_fields_apart() -> None:
    assert lp("abc") == b"\x00\x00\x00\x03abc"
    assert seed(b"P", b"D", "ab", ["c"]) != seed(b"P", b"D", "a", ["bc"])
    assert seed(b"P", b"D", "", ["a", "b"]) != seed(b"P", b"D", "", ["ab"])
    assert commitment("demo-secret-scjg-2026q4") == "778e81b7ec5cf7a7ddac237f8e1eb56d57117b554d908cc4dffbf410fd0f4e88"


@pytest.fixture(scope="module")
def published(sample_inputs: Inputs, tmp_path_factory: pytest.TempPathFactory) -> Path:
    assert sample_inputs.round is not None
    rule = build_rule(sample_inputs.round, sample_inputs.dataset)
    result = run_draw(rule, sample_inputs.dataset, "03 07 12 19 25 31 + 09", DEMO)
    out = tmp_path_factory.mktemp("draw") / "draw"
    write_draw(result, sample_inputs.dataset, out)
    return out


def test_sample_draw_verifies_and_coordination_needs_fewer_visits(published: Path, sample_inputs: Inputs) -> None:
    result = verify(published, sample_inputs.dataset)
    assert result.ok, result.differences
    assert result.kind == "public+sealed"
    manifest = json.loads((published / "封存" / "manifest.json").read_text(encoding="utf-8"))
    coordinated, independent = manifest["coordination"]["coordinated"], manifest["coordination"]["independent"]
    assert coordinated["item_inspections"] == independent["item_inspections"]  # identical stratum sizes
    assert coordinated["visits"] < independent["visits"]
    assert coordinated["joint_share"] > independent["joint_share"]
    # Every stratum's threshold separates the selected from the rest.
    selection = (published / "封存" / "selection.csv").read_text(encoding="utf-8").splitlines()[1:]
    top: dict[tuple[str, str], str] = {}
    for line in selection:
        item, cls, _, ticket = line.split(",")
        top[(item, cls)] = max(top.get((item, cls), ""), ticket)
    for stratum in manifest["strata"]:
        assert stratum["threshold"] == top.get((stratum["item"], stratum["credit_class"]))


def test_each_folder_verifies_alone_and_says_what_it_cannot_check(published: Path, tmp_path: Path) -> None:
    public = tmp_path / "public"
    shutil.copytree(published, public, ignore=shutil.ignore_patterns("封存"))
    alone = verify(public)
    assert alone.ok and alone.kind == "public", alone.differences
    assert any("every published ticket reproduced" in c for c in alone.checked)
    assert alone.unchecked and "监督方" in alone.unchecked[0]
    sealed = verify(published / "封存")
    assert sealed.ok and sealed.kind == "sealed", sealed.differences
    assert any("public files match" in c for c in sealed.checked)


def _tampered(published: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "copy"
    shutil.copytree(published, copy)
    return copy


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(row=st.integers(min_value=1, max_value=800), how=st.sampled_from(["drop", "swap-uscc", "ticket"]))
def test_a_tampered_sealed_selection_fails_and_names_the_stratum(published: Path, tmp_path_factory: pytest.TempPathFactory,
                                                                  row: int, how: str) -> None:
    copy = _tampered(published, tmp_path_factory.mktemp("t")) / "封存"
    lines = (copy / "selection.csv").read_text(encoding="utf-8").splitlines()
    item, cls, uscc, ticket = lines[row].split(",")
    if how == "drop":
        del lines[row]
    elif how == "swap-uscc":
        frame = (copy / "frame.csv").read_text(encoding="utf-8").splitlines()
        other = next(f.split(",")[2] for f in frame[1:] if f.startswith(f"{item},{cls},") and f.split(",")[2] != uscc
                     and f"{item},{cls},{f.split(',')[2]}," not in "\n".join(lines))
        lines[row] = f"{item},{cls},{other},{ticket}"
    else:
        lines[row] = f"{item},{cls},{uscc},{'0' * 64}"
    (copy / "selection.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = verify(copy)
    assert not result.ok
    assert any(f"事项 {item} / {cls} 类" in d for d in result.differences), result.differences


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(row=st.integers(min_value=1, max_value=800), how=st.sampled_from(["drop", "swap-uscc", "ticket", "agency"]))
def test_a_tampered_public_selection_fails_and_names_the_item(published: Path, tmp_path_factory: pytest.TempPathFactory,
                                                               row: int, how: str) -> None:
    copy = _tampered(published, tmp_path_factory.mktemp("p"))
    shutil.rmtree(copy / "封存")
    lines = (copy / "selection.csv").read_text(encoding="utf-8").splitlines()
    item, agency, uscc, ticket = lines[row].split(",")
    if how == "drop":
        del lines[row]
    elif how == "swap-uscc":  # another enterprise put in its place, with the ticket it would have
        lines[row] = f"{item},{agency},{'9' * 17}1,{ticket}"
    elif how == "ticket":
        lines[row] = f"{item},{agency},{uscc},{'0' * 64}"
    else:
        lines[row] = f"{item},XXXX,{uscc},{ticket}"
    (copy / "selection.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = verify(copy)
    assert not result.ok
    assert any(f"事项 {item}" in d for d in result.differences), result.differences


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(row=st.integers(min_value=1, max_value=70_000))
def test_a_tampered_frame_fails_and_names_the_stratum(published: Path, sample_inputs: Inputs,
                                                       tmp_path_factory: pytest.TempPathFactory, row: int) -> None:
    copy = _tampered(published, tmp_path_factory.mktemp("f")) / "封存"
    lines = (copy / "frame.csv").read_bytes().split(b"\n")
    item, cls, _ = lines[row].decode().split(",")
    del lines[row]
    (copy / "frame.csv").write_bytes(b"\n".join(lines))
    for dataset in (None, sample_inputs.dataset):
        result = verify(copy, dataset)
        assert not result.ok
        assert any("D differs" in d for d in result.differences)
        assert any(f"事项 {item} / {cls} 类" in d for d in result.differences), result.differences


def test_rosters_that_do_not_give_the_committed_frame_fail_the_public_check(published: Path, sample_inputs: Inputs,
                                                                             tmp_path: Path) -> None:
    public = tmp_path / "public"
    shutil.copytree(published, public, ignore=shutil.ignore_patterns("封存"))
    assert verify(public, sample_inputs.dataset).ok
    enterprises = sample_inputs.dataset.enterprises.copy()
    first = enterprises.index[enterprises["credit_class"] == "A"][0]
    enterprises.loc[first, "credit_class"] = "D"  # one class changed: a different frame
    changed = verify(public, replace(sample_inputs.dataset, enterprises=enterprises))
    assert any("frame rebuilt from the rosters differs" in d for d in changed.differences), changed.differences


def test_a_changed_plan_or_seed_input_fails(published: Path, tmp_path: Path) -> None:
    copy = _tampered(published, tmp_path)
    plan = (copy / "plan.json").read_text(encoding="utf-8").replace('"A": "0.008"', '"A": "0.009"', 1)
    (copy / "plan.json").write_text(plan, encoding="utf-8")
    assert any("P differs" in d for d in verify(copy).differences)
    copy2 = _tampered(published, tmp_path / "2")
    manifest = json.loads((copy2 / "manifest.json").read_text(encoding="utf-8"))
    manifest["seed_inputs"]["beacon"] = "03 07 12 19 25 31 + 10"
    (copy2 / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    assert any("S differs" in d for d in verify(copy2).differences)


def test_a_public_manifest_with_strata_is_flagged(published: Path, tmp_path: Path) -> None:
    copy = _tampered(published, tmp_path)
    shutil.rmtree(copy / "封存")
    sealed = json.loads((published / "封存" / "manifest.json").read_text(encoding="utf-8"))
    manifest = json.loads((copy / "manifest.json").read_text(encoding="utf-8"))
    (copy / "manifest.json").write_text(json.dumps(manifest | {"strata": sealed["strata"]}, ensure_ascii=False), encoding="utf-8")
    assert any("the public manifest carries sealed data" in d for d in verify(copy).differences)


PUBLISHED_FILES = ["manifest.json", "plan.json", "selection.csv", "封存/frame.csv", "封存/manifest.json", "封存/plan.json",
                   "封存/selection.csv", "封存/visits.csv"]


def test_cli_draw_and_verify(sample_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "draw"
    args = ["draw", "--data", str(sample_dir), "--out", str(out), "--beacon", "03 07 12 19 25 31 + 09",
            "--reveal", "示例县市场监督管理局=demo-secret-scjg-2026q4", "--reveal", "示例县公证处=demo-secret-notary-2026q4"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "协同抽取 coordinated" in result.output and "各自抽取 independent" in result.output
    assert "跨部门联合抽查占比" in result.output
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file() and not p.name.startswith(".")) \
        == PUBLISHED_FILES
    check = runner.invoke(app, ["verify", str(out), "--data", str(sample_dir)])
    assert check.exit_code == 0, check.output
    assert "复核通过：抽取结果已完全复现。 (Verified: the draw is reproduced exactly.)" in check.output
    # The same inputs publish the same bytes.
    out2 = tmp_path / "draw2"
    assert runner.invoke(app, [*args[:4], str(out2), *args[5:]]).exit_code == 0
    for name in PUBLISHED_FILES:
        assert (out / name).read_bytes() == (out2 / name).read_bytes(), name


def test_cli_draw_refuses_a_wrong_reveal_and_writes_nothing(sample_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "draw"
    result = runner.invoke(app, ["draw", "--data", str(sample_dir), "--out", str(out), "--beacon", "1 2 3",
                                 "--reveal", "示例县市场监督管理局=demo-secret-scjg-2026q4", "--reveal", "示例县公证处=wrong"])
    assert result.exit_code == 1
    assert "承诺方「示例县公证处」揭示的秘密值与公布的承诺不符" in result.output
    assert not out.exists()
    plain = runner.invoke(app, ["draw", "--data", str(sample_dir), "--out", str(out), "--seed", "1"])
    assert plain.exit_code == 1 and "本轮次已公布承诺值" in plain.output and not out.exists()


def test_cli_verify_reports_failure(published: Path, tmp_path: Path) -> None:
    copy = _tampered(published, tmp_path)
    lines = (copy / "selection.csv").read_text(encoding="utf-8").splitlines()
    item = lines[3].split(",")[0]
    del lines[3]
    (copy / "selection.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["verify", str(copy)])
    assert result.exit_code == 1
    assert "复核未通过" in result.output and f"事项 {item}" in result.output
