"""One vocabulary: the rule words and numbers every stage uses.

The solver, the plan writer, the exports and the independent checker read
these names and numbers from here (the checker may import this module: it
holds words and numbers only, no rule logic), so a rule word is spelt once.
"""

from __future__ import annotations

#: Team roles: exactly one 带队 (team leader) per visit, the others 成员.
LEADER = "带队"
MEMBER = "成员"
ROLES = (LEADER, MEMBER)

#: 行政处罚法 第四十二条: 执法人员不得少于两人 — a round may ask for more, never fewer.
MIN_TEAM_SIZE = 2

#: 每日最多检查户数 when the inspector roster leaves it blank.
DEFAULT_MAX_VISITS_PER_DAY = 4

#: Weekday names, Monday first (``date.weekday()`` indexes them).
WEEKDAYS = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")

#: 登记状态 values that make an enterprise eligible for a draw.
ACTIVE_STATUSES = frozenset({"存续", "在业", "开业"})

# Inspection results (检查结果): the national enterprise credit publicity
# system's result values and the aliases people type.

NO_PROBLEM = "未发现问题"

#: The result values, in the order the public record lists them.  The
#: spellings are those of the publicity system's result list.
VOCABULARY: tuple[str, ...] = (
    NO_PROBLEM,
    "未发现开展本次抽查涉及的经营活动",
    "发现问题经责令已改正",
    "发现问题待后续处理",
    "未按规定公示应当公示的信息",
    "公示信息隐瞒真实情况弄虚作假",
    "通过登记的住所（经营场所）无法联系",
    "不配合检查情节严重",
    "已关闭停业或正在组织清算",
    "违反其他部门相关规定",
    "注销",
    "被吊销",
    "被撤销",
    "迁出",
)

#: Other spellings people type, mapped to the vocabulary.
ALIASES: dict[str, str] = {
    "正常": NO_PROBLEM,
    "合格": NO_PROBLEM,
    "无问题": NO_PROBLEM,
    "未发现违法违规问题": NO_PROBLEM,
    "发现问题已责令改正": "发现问题经责令已改正",
    "发现问题已整改": "发现问题经责令已改正",
    "公示信息隐瞒真实情况、弄虚作假": "公示信息隐瞒真实情况弄虚作假",
    "通过登记的住所无法联系": "通过登记的住所（经营场所）无法联系",
    "已注销": "注销",
    "已吊销": "被吊销",
    "吊销": "被吊销",
    "已迁出": "迁出",
}
