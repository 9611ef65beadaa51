"""The draw's verification data (抽取复核信息) as printed in the master
workbook and in the public notice: the hashes, the seed, the randomness
sources and how anyone re-runs the draw.  Nothing here names an inspector,
and nothing gives a credit class: only the public manifest's keys are shown."""

from __future__ import annotations

from scheduler.export.checkpoint import checkpoint_rows
from scheduler.export.context import ExportContext

HOW_TO_VERIFY = (
    "1. 下载公布的抽取结果文件夹（plan.json、manifest.json、selection.csv）。企业的信用风险分类不公开："
    "含分类的抽取名单 frame.csv 已封存，交监督方（公证处、纪检）保管，此处公布其 SHA-256（D）作为承诺值。",
    "2. 核对 plan.json 的 SHA-256 与上表的 P 一致；核对各方揭示的秘密值的 SHA-256 与事先公布的承诺值一致。",
    "3. 运行 onevisit verify <抽取结果文件夹>（开源软件 OneVisit），或按公开的抽取规则说明（docs/draw-spec.md）"
    "自行编程：由 P、D、公开随机源和秘密值算出种子 S，再核对名单中每户企业的 SHA-256 票号、排序和各事项抽中户数。",
    "4. 企业可用 S 和本企业统一社会信用代码算出本企业的票号，核对是否抽中；各信用风险分类内是否恰好抽取票号最小的 n 户"
    "（n = min(N, ⌈比例 × N⌉)），由监督方用封存文件夹复核。",
)


def verification_rows(ctx: ExportContext, *, checkpoint: bool = False) -> list[list[object]]:
    """(项目, 内容) rows: what was published and how to check it; with
    *checkpoint* (the public notice) also the audit log checkpoint, when the
    context has one."""
    rows: list[list[object]] = [["抽取结果清单（manifest.json）的 SHA-256", ctx.verification],
                                ["随机数种子 S", ctx.plan.audit.seed]]
    m = ctx.manifest
    if m is not None:
        rows += [["抽取算法", m["algorithm"]], ["抽取规则 plan.json 的 SHA-256（P）", m["plan_sha256"]],
                 ["抽取名单 frame.csv 的 SHA-256（D）", m["frame_sha256"]],
                 ["符合条件的检查对象（户）", m["eligible_enterprises"]],
                 ["公开随机源", m["seed_inputs"]["beacon"] or "（无）"]]
    if ctx.rule is not None:
        if ctx.rule.beacon_description:
            rows.append(["公开随机源说明", ctx.rule.beacon_description])
        rows += [[f"事先公布的承诺值：{c.party}", c.sha256] for c in ctx.rule.commitments]
    if m is not None:
        rows += [[f"揭示的秘密值：{s['party']}", s["secret"]] for s in m["seed_inputs"]["secrets"]]
    else:
        rows.append(["说明", "导出时未提供抽取结果文件夹（--draw），此处仅列出清单哈希和种子。"])
    if checkpoint:
        rows += checkpoint_rows(ctx.checkpoint)
    rows += [["如何复核" if n == 0 else "", step] for n, step in enumerate(HOW_TO_VERIFY)]
    return rows
