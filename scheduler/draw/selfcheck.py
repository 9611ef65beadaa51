"""An enterprise checks its own ticket and outcome (docs/draw-spec.md §7.3).

``self_check(folder, uscc)`` recomputes S from the folder's seed inputs and the
enterprise's ticket, and says for which items it was drawn.  On the **public**
folder that is all it can say: whether an enterprise that was not drawn was in
an item's frame, and under which class threshold, is sealed.  On the **sealed**
folder (the oversight party answering an enterprise's question) it also gives,
per item, whether the enterprise was in the frame, its class and the class's
threshold, and checks that it was drawn exactly when its ticket ≤ threshold.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from scheduler.draw.publish import SEALED_DIR
from scheduler.draw.rule import RuleError, digest, parse_rule
from scheduler.draw.run import seed_secrets
from scheduler.draw.seed import Reveal, seed, ticket
from scheduler.draw.verify import folder_kind
from scheduler.uscc import normalise


@dataclass(frozen=True, slots=True)
class ItemOutcome:
    item: str
    name: str
    agency_name: str
    ticket: str  # hex; the same for every item in coordinated mode
    drawn: bool
    # Only from the sealed folder (None on the public folder):
    in_frame: bool | None = None
    credit_class: str | None = None
    threshold: str | None = None  # the class's threshold, None when n = 0

    @property
    def consistent(self) -> bool | None:
        """Drawn exactly when in the frame with ticket ≤ threshold (sealed only)."""
        if self.in_frame is None:
            return None
        should = bool(self.in_frame and self.threshold is not None and self.ticket <= self.threshold)
        return should == self.drawn


@dataclass
class SelfCheck:
    uscc: str
    kind: str  # "public" or "sealed"
    items: list[ItemOutcome] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and all(o.consistent is not False for o in self.items)

    @property
    def drawn_for(self) -> list[str]:
        return [o.item for o in self.items if o.drawn]

    def lines(self) -> list[str]:
        """What the CLI prints, in Chinese."""
        out = [f"统一社会信用代码 {self.uscc}（{'封存文件夹' if self.kind == 'sealed' else '公开文件夹'}）"]
        out += [f"✗ {p}" for p in self.problems]
        for o in self.items:
            head = f"{o.item} {o.name}（{o.agency_name}）：{'抽中' if o.drawn else '未抽中'}，票号 {o.ticket}"
            if o.in_frame is None:
                out.append(head)
            elif not o.in_frame:
                out.append(head + "；不在该事项的抽取名单中（不符合条件或无对应监管标签）")
            else:
                limit = o.threshold or "无（该分类未抽取）"
                verdict = "✓ 与规则一致" if o.consistent else "✗ 与规则不一致"
                out.append(head + f"；信用风险分类 {o.credit_class}，门槛票号 {limit}，{verdict}")
        if self.kind == "public" and not self.problems:
            out.append("未抽中的事项：是否在抽取名单中以及所在分类的门槛票号已封存，可请监督方（公证处、纪检）用封存文件夹核对。"
                       " (non-selection is confirmed by the oversight party from the sealed folder)")
        return out


def self_check(folder: Path, uscc: str) -> SelfCheck:
    """The enterprise *uscc*'s ticket and outcome in the draw *folder* (public or sealed)."""
    code = normalise(uscc)
    kind = folder_kind(folder)
    result = SelfCheck(uscc=code, kind=kind)
    try:
        plan_bytes = (folder / "plan.json").read_bytes()
        rule = parse_rule(plan_bytes)
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        selection = (folder / "selection.csv").read_text(encoding="utf-8").splitlines()[1:]
        frame = (folder / "frame.csv").read_text(encoding="utf-8").splitlines()[1:] if kind == "sealed" else []
        d = digest((folder / "frame.csv").read_bytes()) if kind == "sealed" else bytes.fromhex(manifest["frame_sha256"])
        inputs = manifest["seed_inputs"]
        secrets = seed_secrets(rule, [Reveal(s["party"], s["secret"]) for s in inputs["secrets"]])
    except (OSError, ValueError, KeyError, TypeError, RuleError) as exc:
        hint = f"（公开文件夹中的 {SEALED_DIR}/ 为封存文件夹）" if (folder / SEALED_DIR).is_dir() else ""
        result.problems.append(f"无法读取抽取结果文件夹 {folder}{hint}：{exc}")
        return result
    s = seed(digest(plan_bytes), d, inputs.get("beacon", ""), [r.secret for r in secrets])
    if s.hex() != manifest.get("seed"):
        result.problems.append(f"重算的种子 S = {s.hex()} 与公布的不同，抽取结果不可信 (S differs)")
        return result
    # Public rows: item,agency,uscc,ticket; sealed rows: item,credit_class,uscc,ticket.
    published = {(parts[0], parts[2]): parts[3] for parts in (line.split(",") for line in selection) if len(parts) == 4}
    members = {(parts[0], parts[2]): parts[1] for parts in (line.split(",") for line in frame) if len(parts) == 3}
    thresholds = {(x["item"], x["credit_class"]): x["threshold"] for x in manifest.get("strata", [])}
    for item in rule.items:
        mine = ticket(s, code, item.code if rule.independent else None).hex()
        recorded = published.get((item.code, code))
        if recorded is not None and recorded != mine:
            result.problems.append(f"事项 {item.code}：公布的票号 {recorded} 与重算的 {mine} 不同 (ticket differs)")
        cls = members.get((item.code, code))
        result.items.append(ItemOutcome(
            item=item.code, name=item.name, agency_name=item.agency_name, ticket=mine, drawn=recorded is not None,
            in_frame=None if kind == "public" else cls is not None,
            credit_class=cls, threshold=thresholds.get((item.code, cls)) if cls else None,
        ))
    return result
