"""Column schemas of the rosters: canonical keys, Chinese labels, aliases.

Headers are matched after :func:`scheduler.io.table.header_key`
normalisation, so "统一社会信用代码*", " USCC " and "统一社会信用代码（18位）"
all name the same column.
"""

from __future__ import annotations

from scheduler.io.table import Column

ENTERPRISE_COLUMNS = (
    Column("uscc", "统一社会信用代码", ("社会信用代码", "信用代码", "统一代码", "credit_code", "unified_social_credit_code"), True),
    Column("name", "企业名称", ("名称", "主体名称", "市场主体名称", "单位名称", "enterprise_name", "company"), True),
    Column("township", "乡镇街道", ("乡镇", "街道", "乡镇（街道）", "所属乡镇", "所在乡镇", "属地", "town"), True),
    Column("address", "地址", ("住所", "经营场所", "住所（经营场所）", "注册地址", "经营地址")),
    Column("lon", "经度", ("longitude", "lng")),
    Column("lat", "纬度", ("latitude",)),
    Column("industry", "行业代码", ("国民经济行业代码", "行业", "industry_code")),
    Column("credit_class", "信用风险分类", ("信用风险分类结果", "信用分类", "风险分类", "信用等级", "class", "credit"), True),
    Column("tags", "监管标签", ("标签", "检查对象标签", "tag")),
    Column("status", "登记状态", ("经营状态", "企业状态", "状态")),
    Column("last_inspected", "上次检查日期", ("最近检查日期", "上次抽查日期", "最近一次检查日期", "last_inspection")),
)

ITEM_COLUMNS = (
    Column("item_code", "事项编码", ("抽查事项编码", "编码", "事项代码", "code"), True),
    Column("agency", "部门", ("检查部门", "实施部门", "所属部门", "执法部门"), True),
    Column("name", "事项名称", ("抽查事项", "抽查事项名称", "检查事项", "item"), True),
    Column("target_tags", "检查对象标签", ("对象标签", "标签", "检查对象", "tags")),
    Column("ratio_A", "A类抽查比例", ("A类比例", "比例A", "抽查比例A", "ratio_a", "A")),
    Column("ratio_B", "B类抽查比例", ("B类比例", "比例B", "抽查比例B", "ratio_b", "B")),
    Column("ratio_C", "C类抽查比例", ("C类比例", "比例C", "抽查比例C", "ratio_c", "C")),
    Column("ratio_D", "D类抽查比例", ("D类比例", "比例D", "抽查比例D", "ratio_d", "D")),
    Column("officers", "每户所需人数", ("所需人数", "每户人数", "检查人数", "officers_per_visit")),
    Column("qualification", "资格要求", ("资质要求", "人员资格要求", "qualification_required")),
)

INSPECTOR_COLUMNS = (
    Column("inspector_id", "人员编号", ("编号", "工号", "执法人员编号", "id"), True),
    Column("name", "姓名", ("执法人员姓名", "人员姓名"), True),
    Column("agency", "部门", ("所属部门", "执法部门", "单位", "所在单位"), True),
    Column("cert_no", "执法证号", ("执法证件号", "执法证件号码", "执法证编号", "证件号", "certificate"), True),
    Column("cert_expiry", "执法证有效期", ("有效期", "有效期至", "证件有效期", "执法证有效期至", "certificate_expiry"), True),
    Column("qualifications", "资格", ("资质", "执法资格", "执法领域", "专业资格")),
    Column("base_township", "所在乡镇", ("乡镇", "常驻乡镇", "所属乡镇", "驻地", "township")),
    Column("max_visits_per_day", "每日最多检查户数", ("每日最多户数", "每日上限", "max_per_day")),
    Column("unavailable", "不可用日期", ("请假日期", "不可用", "休假日期", "unavailable_dates")),
    Column("conflicts", "回避企业", ("回避", "回避对象", "利害关系企业", "conflict_uscc")),
    Column("phone", "电话", ("联系电话", "手机", "手机号", "mobile")),
)

HISTORY_COLUMNS = (
    Column("uscc", "统一社会信用代码", ("社会信用代码", "信用代码"), True),
    Column("date", "检查日期", ("日期", "检查时间", "inspected_on"), True),
    Column("agency", "部门", ("检查部门", "检查实施机关", "实施机关")),
    Column("inspectors", "检查人员编号", ("检查人员", "执法人员编号", "inspector_ids")),
)

AGENCY_COLUMNS = (
    Column("code", "部门代码", ("代码", "agency_code"), True),
    Column("name", "部门名称", ("部门", "名称", "agency"), True),
    Column("aliases", "别名", ("其他名称", "又称")),
    Column("full_name", "部门全称", ("全称", "机关全称", "单位全称", "full_name")),
)

CALENDAR_COLUMNS = (
    Column("date", "日期", ("日期或区间",), True),
    Column("kind", "类型", ("放假/上班", "休/班", "type"), True),
    Column("name", "名称", ("节日", "节假日名称", "说明")),
)

RESULT_COLUMNS = (
    Column("uscc", "统一社会信用代码", ("社会信用代码", "信用代码", "统一代码", "credit_code"), True),
    Column("item_code", "事项编码", ("抽查事项编码", "事项代码", "item_code")),
    Column("item_name", "抽查事项", ("检查事项", "事项名称", "抽查事项名称", "item")),
    Column("result", "检查结果", ("抽查结果", "结果", "result"), True),
    Column("date", "实际检查日期", ("检查日期", "检查时间", "inspected_on")),
    Column("note", "备注", ("说明", "note")),
)
