"""Use cases: the draw (first random), its publication and its verification."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from scheduler.app.errors import DrawRefused, UnreadableFile
from scheduler.app.outputs import output_folder
from scheduler.draw import DrawResult, Reveal, RuleError, build_rule, run_draw, verify, write_draw
from scheduler.draw.publish import SEALED_DIR
from scheduler.draw.published import DrawFolderError, PublishedDraw
from scheduler.draw.run import PLAIN_SEED_PARTY
from scheduler.draw.selfcheck import SelfCheck
from scheduler.draw.selfcheck import self_check as draw_self_check
from scheduler.draw.verify import Verification
from scheduler.io import Inputs
from scheduler.uscc import normalise, problem


def parse_reveals(values: Sequence[str]) -> list[Reveal]:
    """``party=secret`` strings as reveals."""
    out = []
    for value in values:
        party, sep, secret = value.partition("=")
        if not sep or not party.strip():
            raise DrawRefused(f"--reveal 应写成「承诺方=秘密值」(party=secret)，实际为「{value[:60]}」")
        out.append(Reveal(party.strip(), secret))
    return out


def draw(inputs: Inputs, *, mode: str = "coordinated", beacon: str = "", reveals: Sequence[Reveal] = (),
         seed: str | None = None) -> DrawResult:
    """Draw the round of *inputs*.  A plain *seed* is for rounds without
    commitments.  Raises :class:`DrawRefused` with the reasons."""
    if inputs.round is None:
        raise DrawRefused("缺少抽查轮次配置：请用 --round 指定 round.toml (no round file)")
    if seed is not None and (reveals or beacon):
        raise DrawRefused("--seed 不能与 --beacon/--reveal 同时使用 (use either a plain seed or beacon + reveals)")
    declared = inputs.round.seed
    if seed is not None and declared.commitments:
        parties = "、".join(c.party for c in declared.commitments)
        raise DrawRefused(f"本轮次已公布承诺值（{parties}）：请填写公开随机源的值（命令行 --beacon，接口 beacon），"
                          "并揭示各方秘密值（命令行 --reveal，接口 reveals）；"
                          "--seed 只用于轮次配置中没有 [[seed.commitments]] 的轮次 (this round has commitments: use --beacon and --reveal)")
    if seed is None and declared.beacon_description and not beacon.strip():
        raise DrawRefused(f"本轮次公布的公开随机源为「{declared.beacon_description[:300]}」：请按说明填写其值"
                          "（命令行 --beacon，接口 beacon 字段）"
                          "(the round declares a public beacon: give its value with --beacon)")
    given = [Reveal(PLAIN_SEED_PARTY, seed)] if seed is not None else list(reveals)
    try:
        rule = build_rule(inputs.round, inputs.dataset, mode)
        return run_draw(rule, inputs.dataset, beacon, given)
    except RuleError as exc:
        raise DrawRefused("无法抽取 (the draw cannot run):", str(exc).splitlines()) from None


def publish_draw(result: DrawResult, inputs: Inputs, out: Path, *, force: bool = False) -> Path:
    """Write the draw folder atomically (refusing to replace what is not ours)."""
    with output_folder(out, "draw", force) as stage:
        write_draw(result, inputs.dataset, stage)
    return out


def load_draw(folder: Path) -> PublishedDraw:
    try:
        return PublishedDraw.load(folder)
    except DrawFolderError as exc:
        raise UnreadableFile(str(exc)) from None


def self_check(folder: Path, uscc: str) -> SelfCheck:
    """An enterprise's own ticket and outcome in a draw folder (its sealed
    part when the folder has one: that also confirms non-selection)."""
    code = normalise(uscc)
    wrong = problem(code)
    if wrong is not None:
        raise DrawRefused(f"统一社会信用代码「{uscc[:40]}」{wrong}：请核对后重试 (invalid USCC)")
    if not (folder / "plan.json").is_file():
        raise UnreadableFile(f"{folder} 不是抽取结果文件夹：缺少 plan.json")
    sealed = folder / SEALED_DIR
    return draw_self_check(sealed if (sealed / "frame.csv").is_file() else folder, code)


def verify_draw(folder: Path, inputs: Inputs | None = None) -> Verification:
    if not folder.is_dir():
        raise UnreadableFile(f"找不到抽取结果文件夹 {folder}")
    return verify(folder, inputs.dataset if inputs is not None else None)
