"""Generate a synthetic county (示例县) for OneVisit: the bundled sample and benchmarks.

Writes the three rosters (两库一单) and an inspection history:

* ``enterprises.csv`` — 检查对象名录库 (UTF-8 with BOM, sorted by 统一社会信用代码)
* ``items.xlsx`` / ``items.csv`` — 抽查事项清单
* ``inspectors.xlsx`` / ``inspectors.csv`` — 执法检查人员名录库
* ``history.csv`` — 检查记录 (2026-01-05 … 2026-09-30)

Everything is drawn from ``numpy.random.Generator(PCG64(...))`` seeded from
``seed``: the same arguments give byte-identical CSV files and workbooks with
identical content (the workbook zip is normalised, so those are byte-identical
too with the same openpyxl version).  Enterprises are generated with numpy
arrays only and written in chunks, so five million rows take well under a
minute; only per-inspector and per-item work uses Python loops.

Usage::

    python data/generate_county.py --out data/sample            # the bundled sample
    python data/generate_county.py --out /tmp/big --enterprises 5000000 --csv
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # running as ``python data/generate_county.py``
    sys.path.insert(0, str(ROOT))

from scheduler.agencies import BUILTIN, TITLES, Agency  # noqa: E402
from scheduler.uscc import ALPHABET, check_chars_bytes  # noqa: E402

IntArray = npt.NDArray[np.int64]
ObjArray = npt.NDArray[np.object_]

# ---------------------------------------------------------------------------
# Fixed vocabularies
# ---------------------------------------------------------------------------

TOWNSHIPS = (
    "城关镇", "东城街道", "西城街道", "南湖街道", "北山镇", "清河镇", "白沙镇", "石桥镇",
    "柳林乡", "高坪镇", "新华街道", "龙泉镇", "桃源乡", "金山镇", "永安镇", "双溪乡",
    "马头镇", "青龙镇", "大洋镇", "花园乡", "黄土岭镇", "云峰镇", "横塘镇", "下洋乡",
    "湖山镇", "新塘镇", "三溪乡", "梅林镇", "凤凰镇", "长乐镇",
)

# 26 supervision tags; items target these exact strings.
TAGS = (
    "食品生产", "食品销售", "餐饮服务", "特种设备使用", "产品质量", "计量器具", "广告发布",
    "重点排污单位", "危险废物", "危险化学品", "工贸企业", "公共场所", "医疗机构", "职业病危害",
    "建筑施工", "房地产开发", "道路运输", "机动车维修", "娱乐场所", "旅行社", "网吧",
    "消防安全重点单位", "人员密集场所", "农药经营", "农产品生产", "商贸流通",
)
TAG_BIT = {t: i for i, t in enumerate(TAGS)}
# Tags any business may carry regardless of its industry (probability).
EXTRA_TAGS = {"特种设备使用": 0.02, "广告发布": 0.01, "计量器具": 0.01, "消防安全重点单位": 0.001}

# ~200 common 字号 characters (duplicates in the literal are dropped).
ZIHAO = tuple(dict.fromkeys(
    "鑫华泰兴盛源康达丰顺隆昌宏伟恒瑞祥福益利通发金鼎嘉和佳信诚德仁安宁永远新天龙凤海峰"
    "山川明光辉耀星辰阳春晨旭东南中大正方圆成立创汇聚联合力众鸿鹏飞腾跃骏豪杰英博文雅美"
    "锦绣荣贵富旺财宝玉晶银铭精艺科智慧思卓越优品尚高长久洲港湖江河泉溪林森松竹梅兰禾田"
    "农谷家乐欣悦喜庆吉万千百亿舜尧禹弘宇乾坤泽润涛浩瀚茂轩广振开元亨协诺启航逸展运驰捷"
    "迅奥凯威盈邦仕锐峻拓进同亚欧义志伦豪斯特普惠众诚笃厚朗"
))

ENT_SUFFIXES = ("有限公司", "有限责任公司", "股份有限公司")
ENT_SUFFIX_P = (0.93, 0.06, 0.01)
ENT_MODS = ("科技", "实业", "发展", "科技发展", "实业发展", "贸易")  # for duplicate names
IND_MODS = ("记", "家", "阁", "轩", "坊")

URBAN_ROADS = (
    "人民路", "建设路", "解放路", "新华路", "中山路", "文化路", "胜利路", "和平路", "振兴路",
    "环城东路", "环城西路", "环城南路", "环城北路", "府前街", "学府路", "东风路", "长安路",
    "滨江路", "望江路", "朝阳路", "光明路", "育才路", "青年路", "健康路", "迎宾大道",
)
TOWN_ROADS = (
    "人民路", "建设路", "解放路", "新华路", "老街", "新街", "商贸街", "集镇路", "站前路",
    "镇前路", "兴旺路", "和平街", "文化街", "幸福路", "农贸路",
)
VILLAGES = (
    "东村", "西村", "南村", "北村", "上村", "下村", "新村", "前村", "后村", "中心村", "桥头村",
    "山下村", "溪口村", "塘头村",
)
INDUSTRIAL_ROADS = (
    "工业园区纬一路", "工业园区纬二路", "工业园区纬三路", "工业园区纬四路", "工业园区经一路",
    "工业园区经二路", "工业园区经三路", "工业大道", "创业大道", "兴业路", "科创路", "园区路",
)

CLASSES = ("A", "B", "C", "D")
CLASS_P = (0.58, 0.32, 0.07, 0.03)
STATUSES = ("存续", "在业", "开业", "注销", "吊销", "迁出")
STATUS_P = (0.86, 0.07, 0.02, 0.03, 0.015, 0.005)
ACTIVE_STATUSES = 3  # the first three are eligible for a draw

SURNAMES = (
    ("王", 72), ("李", 70), ("张", 68), ("刘", 52), ("陈", 46), ("杨", 32), ("黄", 25), ("赵", 22),
    ("吴", 21), ("周", 20), ("徐", 17), ("孙", 16), ("马", 15), ("朱", 14), ("胡", 13), ("郭", 12),
    ("何", 12), ("林", 11), ("高", 11), ("罗", 10), ("郑", 10), ("梁", 9), ("谢", 8), ("宋", 7),
    ("唐", 7), ("许", 7), ("韩", 6), ("冯", 6), ("邓", 6), ("曹", 6), ("彭", 5), ("曾", 5),
    ("肖", 5), ("田", 5), ("董", 5), ("袁", 5), ("潘", 4), ("于", 4), ("蒋", 4), ("蔡", 4),
    ("余", 4), ("杜", 4), ("叶", 4), ("程", 4), ("苏", 3), ("魏", 3), ("吕", 3), ("丁", 3),
    ("任", 3), ("沈", 3), ("姚", 3), ("卢", 3), ("姜", 3), ("崔", 3), ("钟", 3), ("谭", 3),
    ("陆", 3), ("汪", 3), ("范", 3), ("金", 3), ("石", 3), ("廖", 3), ("贾", 2), ("夏", 2),
    ("韦", 2), ("方", 2), ("白", 2), ("邹", 2), ("孟", 2), ("熊", 2), ("秦", 2), ("邱", 2),
    ("江", 2), ("尹", 2), ("薛", 2), ("段", 2), ("雷", 2), ("侯", 2), ("龙", 2), ("史", 2),
    ("陶", 2), ("黎", 2), ("贺", 2), ("顾", 2), ("毛", 2), ("郝", 2), ("龚", 2), ("邵", 2),
    ("万", 2), ("钱", 2), ("严", 2), ("戴", 2), ("莫", 1), ("孔", 1), ("向", 1), ("汤", 1),
)
GIVEN_MALE = tuple(dict.fromkeys(
    "伟强磊军洋勇杰涛明超辉鹏斌宇浩凯健俊帆晨阳亮林峰志文博彬波宁东海卫建国平刚德昌成立"
    "新宏诚义忠民安永胜利坤泽润嘉豪飞鸿祥荣鑫瑞晓春云华轩"
))
GIVEN_FEMALE = tuple(dict.fromkeys(
    "芳娜敏静丽艳娟秀英慧桂兰玉萍红霞琳欣怡婷雪梅倩颖佳晶燕丹琴馨悦雯蕾菲璐露莹蓉薇琪彤"
    "萱梓涵晓春云华思"
))

# 2026 public holidays that fall on Monday–Friday (State Council schedule).
HOLIDAYS_2026 = (
    "2026-01-01", "2026-01-02", "2026-02-16", "2026-02-17", "2026-02-18", "2026-02-19",
    "2026-02-20", "2026-02-23", "2026-04-06", "2026-05-01", "2026-05-04", "2026-05-05",
    "2026-06-19", "2026-09-25", "2026-10-01", "2026-10-02", "2026-10-05", "2026-10-06",
    "2026-10-07",
)
HISTORY_START, HISTORY_END = dt.date(2026, 1, 5), dt.date(2026, 9, 30)
OLD_START, OLD_END = dt.date(2023, 1, 1), dt.date(2025, 12, 31)
WINDOW_START, WINDOW_END = dt.date(2026, 10, 12), dt.date(2026, 12, 25)  # the sample round
COOLDOWN_DAYS = 180  # as in data/sample/round.toml, for the printed estimate
YEARLY_CAP = 2
FIXED_TIME = dt.datetime(2026, 11, 1, 9, 0, 0)  # workbook metadata and zip timestamps


def round_toml(name: str) -> str:
    """A round file for a generated county: the sample round's window,
    cool-down, yearly cap, home-township and workload rules, led by 市场监管,
    with no commitments (a plain seed draws it)."""
    return (f'name = "{name}"\nlead_agency = "市场监管"\n'
            f"[window]\nstart = {WINDOW_START.isoformat()}\nend = {WINDOW_END.isoformat()}\n"
            f"[exclusions]\ncooldown_days = {COOLDOWN_DAYS}\nyearly_cap = {YEARLY_CAP}\n"
            "[assignment]\navoid_home_township = true\n"
            "[workload]\nmax_days_per_week = 3\n")


@dataclass(frozen=True)
class Industry:
    """A GB/T 4754-2017 class (小类) with how businesses in it look."""

    code: str
    label: str
    kind: str  # agri / mfg / build / trade / transport / service
    ent_weight: float  # share among companies (企业), percent
    ind_weight: float  # share among 个体工商户, percent
    words: tuple[str, ...]  # 行业词 in company names
    shops: tuple[str, ...]  # 个体工商户 name endings
    tags: tuple[tuple[str, float], ...]  # (tag, probability); 1.0 = always


def _i(code: str, label: str, kind: str, ent: float, ind: float, words: str, shops: str,
       **tags: float) -> Industry:
    return Industry(code, label, kind, ent, ind, tuple(words.split()), tuple(shops.split()),
                    tuple(tags.items()))


# Codes and labels are GB/T 4754-2017 classes (小类).
INDUSTRIES: tuple[Industry, ...] = (
    _i("0141", "蔬菜种植", "agri", 2.0, 4.0, "农业开发 生态农业 蔬菜种植", "家庭农场 蔬菜种植场",
       农产品生产=1.0),
    _i("0313", "猪的饲养", "agri", 0.8, 2.0, "牧业 生猪养殖 畜牧", "养殖场 生猪养殖场",
       农产品生产=1.0, 重点排污单位=0.25),
    _i("1392", "豆制品制造", "mfg", 0.8, 1.0, "食品 豆制品", "豆腐坊 豆制品加工坊",
       食品生产=1.0, 工贸企业=1.0, 特种设备使用=0.3),
    _i("1431", "米、面制品制造", "mfg", 0.8, 0.0, "食品 米业 面业", "",
       食品生产=1.0, 工贸企业=1.0, 特种设备使用=0.3),
    _i("1469", "其他调味品、发酵制品制造", "mfg", 0.5, 0.0, "调味品 酿造 食品", "",
       食品生产=1.0, 工贸企业=1.0, 特种设备使用=0.4, 重点排污单位=0.1),
    _i("1514", "黄酒制造", "mfg", 0.5, 0.0, "酒业 酿酒 黄酒", "",
       食品生产=1.0, 工贸企业=1.0, 特种设备使用=0.6, 重点排污单位=0.15),
    _i("1713", "棉印染精加工", "mfg", 0.8, 0.0, "印染 纺织印染", "",
       产品质量=0.6, 工贸企业=1.0, 重点排污单位=0.5, 危险废物=0.4, 职业病危害=0.6, 特种设备使用=0.5),
    _i("1819", "其他机织服装制造", "mfg", 2.5, 0.0, "服饰 服装", "",
       产品质量=0.8, 工贸企业=1.0, 职业病危害=0.2, 人员密集场所=0.2, 消防安全重点单位=0.05),
    _i("2110", "木质家具制造", "mfg", 1.5, 0.0, "家具 木业", "",
       产品质量=1.0, 工贸企业=1.0, 职业病危害=0.6, 危险废物=0.3, 消防安全重点单位=0.05),
    _i("2614", "有机化学原料制造", "mfg", 0.5, 0.0, "化工 化学", "",
       危险化学品=1.0, 产品质量=0.5, 重点排污单位=0.6, 危险废物=0.9, 职业病危害=0.9,
       特种设备使用=0.9, 消防安全重点单位=0.6),
    _i("2662", "专项化学用品制造", "mfg", 0.6, 0.0, "化工 新材料", "",
       危险化学品=0.7, 产品质量=0.6, 重点排污单位=0.4, 危险废物=0.8, 职业病危害=0.8,
       特种设备使用=0.7, 工贸企业=0.3),
    _i("2710", "化学药品原料药制造", "mfg", 0.3, 0.0, "药业 制药", "",
       危险化学品=0.5, 重点排污单位=0.7, 危险废物=0.9, 职业病危害=0.7, 特种设备使用=0.8,
       消防安全重点单位=0.3),
    _i("2927", "日用塑料制品制造", "mfg", 1.5, 0.0, "塑料制品 塑业", "",
       产品质量=1.0, 工贸企业=1.0, 职业病危害=0.3, 特种设备使用=0.2),
    _i("3311", "金属结构制造", "mfg", 2.0, 0.0, "钢结构 金属结构", "",
       产品质量=0.7, 工贸企业=1.0, 职业病危害=0.6, 特种设备使用=0.6),
    _i("3360", "金属表面处理及热处理加工", "mfg", 0.6, 0.0, "表面处理 电镀", "",
       工贸企业=1.0, 重点排污单位=0.8, 危险废物=0.95, 危险化学品=0.3, 职业病危害=0.8),
    _i("3484", "机械零部件加工", "mfg", 3.0, 0.0, "机械 机械制造 精密机械", "",
       产品质量=0.8, 工贸企业=1.0, 职业病危害=0.4, 特种设备使用=0.4),
    _i("4710", "住宅房屋建筑", "build", 3.5, 0.0, "建设 建筑工程", "",
       建筑施工=1.0, 特种设备使用=0.3),
    _i("4812", "公路工程建筑", "build", 1.2, 0.0, "路桥工程 交通建设", "", 建筑施工=1.0),
    _i("5012", "住宅装饰和装修", "build", 4.0, 3.0, "装饰工程 装饰设计 建筑装饰", "装修队 装饰工作室",
       建筑施工=0.4),
    _i("5167", "农药批发", "trade", 0.8, 2.0, "农资 农业生产资料", "农资店 农药店",
       农药经营=1.0, 商贸流通=0.6),
    _i("5211", "百货零售", "trade", 5.0, 3.0, "百货 商贸", "百货店 日杂店",
       商贸流通=1.0, 食品销售=0.6, 计量器具=0.4, 人员密集场所=0.3, 消防安全重点单位=0.05),
    _i("5212", "超级市场零售", "trade", 2.0, 5.0, "超市 商业连锁", "超市",
       食品销售=1.0, 商贸流通=1.0, 计量器具=0.9, 人员密集场所=0.4, 消防安全重点单位=0.1),
    _i("5213", "便利店零售", "trade", 1.5, 8.0, "便利店 便利连锁", "便利店 小卖部",
       食品销售=1.0, 计量器具=0.4, 商贸流通=0.3),
    _i("5221", "粮油零售", "trade", 2.0, 5.0, "粮油 粮油贸易", "粮油店 米行",
       食品销售=1.0, 计量器具=0.9),
    _i("5224", "肉、禽、蛋、奶及水产品零售", "trade", 1.5, 8.0, "生鲜 水产 食品", "鲜肉店 水产店 禽蛋店",
       食品销售=1.0, 计量器具=1.0),
    _i("5251", "西药零售", "trade", 1.5, 2.0, "大药房 医药连锁", "药店", 商贸流通=0.5),
    _i("5265", "机动车燃油零售", "trade", 0.4, 0.0, "石油 能源 加油站", "",
       危险化学品=1.0, 消防安全重点单位=1.0, 计量器具=1.0, 特种设备使用=0.4, 商贸流通=0.5),
    _i("5281", "五金零售", "trade", 3.0, 6.0, "五金 五金机电", "五金店 五金建材店",
       商贸流通=0.8, 计量器具=0.2),
    _i("5431", "普通货物道路运输", "transport", 4.0, 4.0, "物流 运输 货运", "货运部 运输部",
       道路运输=1.0),
    _i("5435", "危险货物道路运输", "transport", 0.3, 0.0, "危险品运输 危货运输", "",
       道路运输=1.0, 危险化学品=0.3),
    _i("6110", "旅游饭店", "service", 0.4, 0.0, "大酒店 酒店管理", "",
       公共场所=1.0, 人员密集场所=1.0, 消防安全重点单位=0.8, 特种设备使用=0.9, 餐饮服务=0.7),
    _i("6129", "其他一般旅馆", "service", 1.0, 2.0, "宾馆 酒店 旅馆", "旅馆 宾馆 招待所",
       公共场所=1.0, 人员密集场所=0.3, 特种设备使用=0.2, 消防安全重点单位=0.05),
    _i("6130", "民宿服务", "service", 0.8, 3.0, "民宿 民宿管理", "民宿 客栈", 公共场所=0.8),
    _i("6210", "正餐服务", "service", 4.0, 6.0, "餐饮管理 餐饮 酒楼", "饭店 菜馆 酒家",
       餐饮服务=1.0, 人员密集场所=0.3, 特种设备使用=0.05),
    _i("6220", "快餐服务", "service", 2.0, 6.0, "快餐 餐饮管理", "快餐店 盒饭店", 餐饮服务=1.0),
    _i("6291", "小吃服务", "service", 1.5, 12.0, "小吃 餐饮", "小吃店 面馆 早餐店 馄饨店 包子铺",
       餐饮服务=1.0),
    _i("7010", "房地产开发经营", "service", 1.2, 0.0, "房地产开发 置业 房地产", "", 房地产开发=1.0),
    _i("7020", "物业管理", "service", 1.5, 0.0, "物业管理 物业服务", "",
       特种设备使用=0.6, 消防安全重点单位=0.1),
    _i("7259", "其他广告服务", "service", 4.0, 0.0, "文化传媒 广告 广告传媒", "", 广告发布=0.9),
    _i("7291", "旅行社及相关服务", "service", 0.6, 0.0, "旅行社 旅行社 旅行社 国际旅行社", "", 旅行社=1.0),
    _i("8040", "理发及美容服务", "service", 2.0, 8.0, "美容美发 美业", "理发店 美发店 美容院 发型工作室",
       公共场所=1.0),
    _i("8051", "洗浴服务", "service", 0.4, 1.0, "洗浴 浴场", "浴室",
       公共场所=1.0, 人员密集场所=0.5, 特种设备使用=0.5),
    _i("8111", "汽车修理与维护", "service", 2.5, 4.0, "汽车维修 汽车服务", "汽修店 汽车修理部 汽车美容店",
       机动车维修=1.0, 危险废物=0.3),
    _i("8411", "综合医院", "service", 0.2, 0.0, "医院", "",
       医疗机构=1.0, 人员密集场所=1.0, 消防安全重点单位=1.0, 危险废物=1.0, 特种设备使用=1.0,
       职业病危害=0.6),
    _i("8425", "门诊部（所）", "service", 0.6, 1.0, "门诊部 诊所", "诊所 中医诊所",
       医疗机构=1.0, 危险废物=0.3),
    _i("9011", "歌舞厅娱乐活动", "service", 0.4, 0.0, "娱乐 文化娱乐", "",
       娱乐场所=1.0, 公共场所=1.0, 人员密集场所=1.0, 消防安全重点单位=0.4),
    _i("9013", "网吧活动", "service", 0.4, 1.0, "网络会所 网咖", "网吧",
       网吧=1.0, 公共场所=0.5, 人员密集场所=0.8),
)

# Ratios in tenths of a percent for classes A, B, C, D (5 = 0.5 %).
TIERS: dict[str, tuple[int, int, int, int]] = {
    "all": (2, 5, 10, 30),      # general item, every enterprise
    "large": (4, 8, 20, 60),    # tags held by thousands
    "medium": (8, 15, 40, 120),
    "small": (25, 40, 120, 300),  # tags held by a few hundred
}


@dataclass(frozen=True)
class ItemSpec:
    name: str
    tag: str  # "" = every enterprise
    tier: str
    officers: int = 1
    qualification: str = ""


ITEM_SPECS: dict[str, tuple[ItemSpec, ...]] = {
    "SCJG": (
        ItemSpec("企业公示信息抽查", "", "all"),
        ItemSpec("食品生产企业监督检查", "食品生产", "medium"),
        ItemSpec("食品销售经营者监督检查", "食品销售", "large"),
        ItemSpec("餐饮服务食品安全监督检查", "餐饮服务", "large"),
        ItemSpec("特种设备使用单位监督检查", "特种设备使用", "large", 1, "特种设备安全监察"),
        ItemSpec("产品质量监督抽查", "产品质量", "large"),
        ItemSpec("计量器具使用情况检查", "计量器具", "large"),
        ItemSpec("广告发布行为检查", "广告发布", "medium"),
    ),
    "STHJ": (
        ItemSpec("排污许可证执行情况检查", "重点排污单位", "small"),
        ItemSpec("危险废物规范化环境管理检查", "危险废物", "medium"),
        ItemSpec("建筑施工扬尘污染防治检查", "建筑施工", "medium"),
    ),
    "YJGL": (
        ItemSpec("危险化学品企业安全生产检查", "危险化学品", "small", 2, "危险化学品安全监管"),
        ItemSpec("工贸企业安全生产检查", "工贸企业", "large"),
        ItemSpec("商贸企业安全生产检查", "商贸流通", "large"),
    ),
    "WSJK": (
        ItemSpec("公共场所卫生监督检查", "公共场所", "large"),
        ItemSpec("医疗机构依法执业检查", "医疗机构", "small", 1, "医疗卫生监督"),
        ItemSpec("职业卫生监督检查", "职业病危害", "medium"),
        ItemSpec("放射诊疗监督检查", "医疗机构", "medium", 2, "医疗卫生监督"),
    ),
    "ZFJS": (
        ItemSpec("建筑施工安全检查", "建筑施工", "medium", 2),
        ItemSpec("房地产开发企业资质检查", "房地产开发", "small"),
        ItemSpec("建筑市场行为检查", "建筑施工", "medium"),
    ),
    "JTYS": (
        ItemSpec("道路运输企业监督检查", "道路运输", "medium"),
        ItemSpec("机动车维修经营检查", "机动车维修", "medium"),
        ItemSpec("道路货运源头治超检查", "道路运输", "medium"),
    ),
    "WHLY": (
        ItemSpec("娱乐场所监督检查", "娱乐场所", "small"),
        ItemSpec("旅行社经营检查", "旅行社", "small"),
        ItemSpec("互联网上网服务营业场所检查", "网吧", "small"),
    ),
    "XFJY": (
        ItemSpec("消防安全重点单位检查", "消防安全重点单位", "small", 2),
        ItemSpec("人员密集场所消防安全检查", "人员密集场所", "medium"),
        ItemSpec("公共娱乐场所消防安全检查", "娱乐场所", "small"),
    ),
    "NYNC": (
        ItemSpec("农药经营单位监督检查", "农药经营", "small"),
        ItemSpec("农产品质量安全检查", "农产品生产", "medium"),
    ),
    "SWJ": (
        ItemSpec("单用途商业预付卡检查", "商贸流通", "large"),
        ItemSpec("零售商促销行为检查", "商贸流通", "large"),
    ),
    "SLJ": (ItemSpec("水利工程建设质量安全检查", "建筑施工", "medium"),),
    "JYJ": (ItemSpec("学校周边经营场所检查", "网吧", "small"),),
    "RSJ": (ItemSpec("劳动保障监察", "", "all"),),
    "ZRZY": (ItemSpec("房地产项目用地情况检查", "房地产开发", "small"),),
    "SWJJ": (ItemSpec("发票使用情况检查", "", "all"),),
}

# Inspector roster: share of the roster (relative) and qualifications (share of the agency).
ROSTER_WEIGHT = {"SCJG": 26, "XFJY": 14, "YJGL": 11, "WSJK": 10, "STHJ": 10, "ZFJS": 10,
                 "JTYS": 10, "WHLY": 9, "NYNC": 8, "SWJ": 6}
QUALIFICATIONS: dict[str, tuple[tuple[str, float], ...]] = {
    "SCJG": (("特种设备安全监察", 0.30), ("食品安全", 0.35)),
    "YJGL": (("危险化学品安全监管", 0.50),),
    "WSJK": (("医疗卫生监督", 0.50), ("职业卫生", 0.25)),
    "STHJ": (("环境监察", 0.40),),
    "ZFJS": (("建设工程质量安全", 0.30),),
    "XFJY": (("消防监督检查", 0.60),),
    "JTYS": (("道路运输执法", 0.30),),
    "WHLY": (("文化市场综合执法", 0.40),),
    "NYNC": (("农产品质量安全", 0.40),),
}

ENTERPRISE_HEADER = ("统一社会信用代码", "企业名称", "乡镇街道", "地址", "经度", "纬度", "行业代码",
                     "信用风险分类", "监管标签", "登记状态", "上次检查日期")
HISTORY_HEADER = ("统一社会信用代码", "检查日期", "部门", "检查人员编号")
ITEM_HEADER = ("事项编码", "部门", "事项名称", "检查对象标签", "A类抽查比例", "B类抽查比例",
               "C类抽查比例", "D类抽查比例", "每户所需人数", "资格要求")
INSPECTOR_HEADER = ("人员编号", "姓名", "部门", "执法证号", "执法证有效期", "资格", "所在乡镇",
                    "每日最多检查户数", "不可用日期", "回避企业", "电话")

CHUNK = 250_000  # rows per CSV chunk
SEP = "；"

# ---------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------


def _rng(seed: int, stream: int) -> np.random.Generator:
    """An independent PCG64 stream per part, so parts do not shift each other."""
    return np.random.Generator(np.random.PCG64([seed, stream]))


def township_names(k: int) -> list[str]:
    """The first *k* township names (beyond 30: 第31镇, 第32镇, …)."""
    return list(TOWNSHIPS[:k]) + [f"第{i}镇" for i in range(len(TOWNSHIPS) + 1, k + 1)]


def township_short(name: str) -> str:
    for suffix in ("街道", "镇", "乡"):
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


def _day(d: dt.date) -> int:
    return (d - dt.date(1970, 1, 1)).days


def _workdays(start: dt.date, end: dt.date, holidays: Sequence[str] = ()) -> IntArray:
    """Monday–Friday day numbers (days since 1970-01-01) in [start, end], minus holidays."""
    days = np.arange(_day(start), _day(end) + 1, dtype=np.int64)
    weekday = (days + 3) % 7  # 1970-01-01 was a Thursday (weekday 3)
    days = days[weekday < 5]
    if holidays:
        off = np.array([_day(dt.date.fromisoformat(h)) for h in holidays], dtype=np.int64)
        days = days[~np.isin(days, off)]
    return days


def _date_strings(days: IntArray) -> ObjArray:
    """ISO strings for day numbers; -1 gives an empty string."""
    out = np.full(days.shape, "", dtype=object)
    has = days >= 0
    if has.any():
        lo, hi = int(days[has].min()), int(days[has].max())
        vocab = np.datetime_as_string(np.arange(lo, hi + 1).astype("datetime64[D]")).astype(object)
        out[has] = vocab[days[has] - lo]
    return out


def _iso(day: int) -> str:
    return str(np.datetime64(int(day), "D"))


class _MicroFormat:
    """Formats integer micro-degrees as ``118.612345`` (exact, 6 decimals).

    For big arrays the strings of the whole value range are made once.
    """

    def __init__(self, values: IntArray) -> None:
        self.lo = int(values.min()) if values.size else 0
        span = int(values.max()) - self.lo + 1 if values.size else 0
        self.vocab: ObjArray | None = None
        if values.size > 500_000 and span < 2 * values.size:
            self.vocab = np.array([self._one(v) for v in range(self.lo, self.lo + span)], dtype=object)

    @staticmethod
    def _one(v: int) -> str:
        return f"{v // 1_000_000}.{v % 1_000_000:06d}"

    def __call__(self, values: IntArray) -> list[str]:
        if self.vocab is not None:
            return list(self.vocab[values - self.lo].tolist())
        return [self._one(v) for v in values.tolist()]


def _sorted_unique(values: IntArray) -> IntArray:
    out = np.sort(values)
    if out.size > 1:
        out = out[np.concatenate([[True], out[1:] != out[:-1]])]
    return out


def _distinct_ints(rng: np.random.Generator, n: int, high: int) -> IntArray:
    """*n* distinct integers in [0, high), sorted."""
    out = _sorted_unique(rng.integers(0, high, n, dtype=np.int64))
    while out.size < n:
        extra = rng.integers(0, high, n - out.size + 16, dtype=np.int64)
        out = _sorted_unique(np.concatenate([out, extra]))
    if out.size > n:
        out = np.delete(out, rng.choice(out.size, out.size - n, replace=False))
    return out


def _rank_within(keys: IntArray) -> IntArray:
    """0 for the first row with a key, 1 for the second … (in row order)."""
    order = np.argsort(keys, kind="stable")
    sk = keys[order]
    start = np.ones(sk.size, dtype=bool)
    start[1:] = sk[1:] != sk[:-1]
    first = np.maximum.accumulate(np.where(start, np.arange(sk.size), 0))
    rank = np.empty(keys.size, dtype=np.int64)
    rank[order] = np.arange(sk.size) - first
    return rank


def _dedupe(rng: np.random.Generator, zz: IntArray, base: IntArray, n_zz: int, rounds: int = 4) -> IntArray:
    """Redraw *zz* (in place) where ``(base, zz)`` repeats; return the final ranks."""
    previous = base.size + 1
    for _ in range(rounds):
        rank = _rank_within(base * n_zz + zz)
        dup = rank > 0
        count = int(dup.sum())
        if count == 0 or count > 0.7 * previous:  # done, or the name space is full
            return rank
        zz[dup] = rng.integers(0, n_zz, count, dtype=np.int64)
        previous = count
    return _rank_within(base * n_zz + zz)


def _largest_remainder(total: int, weights: Sequence[float], minimum: int) -> list[int]:
    w = np.asarray(weights, dtype=float)
    k = len(w)
    base = np.full(k, minimum, dtype=np.int64)
    rest = total - minimum * k
    if rest < 0:
        raise ValueError("too few to give every group its minimum")
    exact = w / w.sum() * rest
    floor = np.floor(exact).astype(np.int64)
    left = rest - int(floor.sum())
    order = np.argsort(-(exact - floor), kind="stable")
    floor[order[:left]] += 1
    return [int(x) for x in base + floor]


# ---------------------------------------------------------------------------
# 统一社会信用代码
# ---------------------------------------------------------------------------

_ALPHA_BYTES = np.frombuffer(ALPHABET.encode("ascii"), dtype=np.uint8)
_ORG_WEIGHTS = np.array((3, 7, 9, 10, 5, 8, 4, 2), dtype=np.int64)
# GB 11714: r = 11 - (sum mod 11); r = 10 -> X, r = 11 -> 0, else the digit.
_ORG_CHECK = np.frombuffer(b"?123456789X0", dtype=np.uint8)
_DIVISION = np.frombuffer(b"330799", dtype=np.uint8)
_MA_BASE = (ALPHABET.index("M") * 31 + ALPHABET.index("A")) * 31**6


def _org_bodies(rng: np.random.Generator, n: int) -> IntArray:
    """*n* distinct 8-character organisation code bodies as base-31 integers, sorted.

    ~70 % are new-style ``MA`` + 6 characters, the rest old-style 8 digits.
    """
    n_ma = int(rng.binomial(n, 0.7))
    ma = _distinct_ints(rng, n_ma, 31**6) + _MA_BASE
    digits = _distinct_ints(rng, n - n_ma, 9 * 10**7) + 10**7  # 8 digits, no leading zero
    old = np.zeros(digits.size, dtype=np.int64)
    rest = digits.copy()
    for i in range(8):
        old += (rest % 10) * 31**i
        rest //= 10
    return np.sort(np.concatenate([old, ma]))


def uscc_bytes(individual: npt.NDArray[np.bool_], bodies: IntArray) -> npt.NDArray[np.uint8]:
    """``(m, 18)`` ASCII bytes of the codes ``9 1|2 330799 body8 org-check check``."""
    m = bodies.size
    out = np.empty((m, 18), dtype=np.uint8)
    out[:, 0] = ord("9")
    out[:, 1] = np.where(individual, ord("2"), ord("1"))
    out[:, 2:8] = _DIVISION
    vals = np.empty((m, 8), dtype=np.int64)
    rest = bodies.copy()
    for i in range(7, -1, -1):
        vals[:, i] = rest % 31
        rest //= 31
    out[:, 8:16] = _ALPHA_BYTES[vals]
    out[:, 16] = _ORG_CHECK[11 - (vals @ _ORG_WEIGHTS) % 11]
    out[:, 17] = check_chars_bytes(out[:, :17])
    return out


def uscc_strings(individual: npt.NDArray[np.bool_], bodies: IntArray) -> list[str]:
    raw = uscc_bytes(individual, bodies).tobytes().decode("ascii")
    return [raw[i: i + 18] for i in range(0, len(raw), 18)]


# ---------------------------------------------------------------------------
# The county
# ---------------------------------------------------------------------------


@dataclass
class County:
    names: list[str]
    weights: npt.NDArray[np.float64]
    lon: npt.NDArray[np.float64]
    lat: npt.NDArray[np.float64]
    urban: npt.NDArray[np.bool_]  # 城关镇 and 街道


def _make_county(rng: np.random.Generator, k: int) -> County:
    names = township_names(k)
    weights = np.empty(k)
    lon = np.empty(k)
    lat = np.empty(k)
    urban = np.zeros(k, dtype=bool)
    for i, name in enumerate(names):
        if i == 0:  # 城关镇: the county seat
            weights[i], lon[i], lat[i], urban[i] = 9.0, 118.60, 29.80, True
            continue
        if name.endswith("街道"):
            w, r = rng.uniform(4.0, 6.0), rng.uniform(0.015, 0.04)
            urban[i] = True
        elif name.endswith("乡"):
            w, r = rng.uniform(0.8, 1.4), rng.uniform(0.12, 0.40)
        else:
            w, r = rng.uniform(1.6, 3.0), rng.uniform(0.08, 0.38)
        angle = rng.uniform(0.0, 2 * np.pi)
        weights[i] = w
        lon[i] = 118.60 + r * np.cos(angle) / np.cos(np.radians(29.8))
        lat[i] = 29.80 + r * np.sin(angle)
    return County(names, weights / weights.sum(), lon, lat, urban)


# ---------------------------------------------------------------------------
# Enterprises
# ---------------------------------------------------------------------------


@dataclass
class Enterprises:
    bodies: IntArray
    individual: npt.NDArray[np.bool_]
    township: IntArray
    industry: IntArray
    credit: IntArray
    status: IntArray
    tags: IntArray  # bit mask over TAGS
    name_parts: tuple[IntArray, IntArray, IntArray, IntArray, IntArray]
    road: IntArray
    number: IntArray
    lon: IntArray  # micro-degrees
    lat: IntArray
    last: IntArray  # day number, -1 = never

    @property
    def n(self) -> int:
        return int(self.bodies.size)

    @property
    def active(self) -> npt.NDArray[np.bool_]:
        return self.status < ACTIVE_STATUSES


class _Vocab:
    """Strings used to assemble names and addresses from integer parts."""

    def __init__(self, county: str, townships: list[str]) -> None:
        self.words = list(dict.fromkeys(w for ind in INDUSTRIES for w in ind.words))
        self.shops = list(dict.fromkeys(s for ind in INDUSTRIES for s in ind.shops))
        self.roads = list(dict.fromkeys(URBAN_ROADS + TOWN_ROADS + VILLAGES + INDUSTRIAL_ROADS))
        nz = len(ZIHAO)
        self.zz = np.array([a + b for a in ZIHAO for b in ZIHAO], dtype=object)
        assert self.zz.size == nz * nz
        # name = county + p1 + zz + p2 + p3 + p4
        self.p1 = np.array([""] + [township_short(t) for t in townships], dtype=object)
        self.p2 = np.array(["", *self.words, *IND_MODS], dtype=object)
        self.p3 = np.array(["", *ENT_MODS, *self.shops], dtype=object)
        self.p4 = np.array(["", *ENT_SUFFIXES], dtype=object)
        self.town_prefix = np.array([county + t for t in townships], dtype=object)
        self.road = np.array(self.roads, dtype=object)
        self.number = np.array([f"{k}号" for k in range(1000)], dtype=object)
        self.townships = np.array(townships, dtype=object)
        self.county = county


def _industry_tables() -> dict[str, Any]:
    k = len(INDUSTRIES)
    probs = np.zeros((len(TAGS), k))
    for j, ind in enumerate(INDUSTRIES):
        for tag, p in ind.tags:
            probs[TAG_BIT[tag], j] = p
    return {
        "ent_p": np.array([i.ent_weight for i in INDUSTRIES]) / sum(i.ent_weight for i in INDUSTRIES),
        "ind_p": np.array([i.ind_weight for i in INDUSTRIES]) / sum(i.ind_weight for i in INDUSTRIES),
        "probs": probs,
    }


def _make_enterprises(rng: np.random.Generator, n: int, county: County, vocab: _Vocab) -> Enterprises:
    tables = _industry_tables()
    k_town = len(county.names)

    bodies = _org_bodies(rng, n)
    # 个体工商户 (char 2 = '2') ~12 %; rows are ordered 91… then 92…, each sorted,
    # which is exactly the order of the codes.
    is_ind = rng.random(n) < 0.12
    bodies = np.concatenate([bodies[~is_ind], bodies[is_ind]])
    n_ind = int(is_ind.sum())
    individual = np.zeros(n, dtype=bool)
    individual[n - n_ind:] = True
    n_ent = n - n_ind

    industry = np.concatenate([
        rng.choice(len(INDUSTRIES), n_ent, p=tables["ent_p"]),
        rng.choice(len(INDUSTRIES), n_ind, p=tables["ind_p"]),
    ]).astype(np.int64)
    township = rng.choice(k_town, n, p=county.weights).astype(np.int64)
    credit = rng.choice(4, n, p=CLASS_P).astype(np.int64)
    status = rng.choice(len(STATUSES), n, p=STATUS_P).astype(np.int64)

    # 监管标签: industry tags (individuals less likely to carry the big-company ones)
    tags = np.zeros(n, dtype=np.int64)
    probs = tables["probs"]
    for bit, tag in enumerate(TAGS):
        p = probs[bit][industry]
        p = np.where(individual & (p < 1.0), p * 0.4, p)
        p = p + EXTRA_TAGS.get(tag, 0.0)
        if not p.any():
            continue
        hit = rng.random(n, dtype=np.float32) < p
        tags |= hit.astype(np.int64) << bit

    # names
    nz = len(ZIHAO)
    zz = rng.integers(0, nz * nz, n, dtype=np.int64)
    word_index = {w: i for i, w in enumerate(vocab.words)}
    shop_index = {s: i for i, s in enumerate(vocab.shops)}
    n_words = np.array([len(ind.words) for ind in INDUSTRIES])
    n_shops = np.array([max(len(ind.shops), 1) for ind in INDUSTRIES])
    word_lut = np.full((len(INDUSTRIES), int(n_words.max())), -1, dtype=np.int64)
    shop_lut = np.full((len(INDUSTRIES), int(n_shops.max())), -1, dtype=np.int64)
    for j, ind in enumerate(INDUSTRIES):
        word_lut[j, : len(ind.words)] = [word_index[w] for w in ind.words]
        shop_lut[j, : len(ind.shops)] = [shop_index[s] for s in ind.shops]
    u_pick = rng.random(n)
    word = word_lut[industry, (u_pick * n_words[industry]).astype(np.int64)]
    shop = shop_lut[industry, (u_pick * n_shops[industry]).astype(np.int64)]
    suffix = rng.choice(len(ENT_SUFFIXES), n, p=ENT_SUFFIX_P).astype(np.int64)

    n_wd, n_sh = len(vocab.words), len(vocab.shops)
    # duplicate names get a new 字号 (a few rounds); what is left (only in huge
    # counties) gets a modifier such as 科技/实业 (个体: 记/家…)
    rank = np.zeros(n, dtype=np.int64)
    rank[:n_ent] = _dedupe(rng, zz[:n_ent], word[:n_ent] * len(ENT_SUFFIXES) + suffix[:n_ent], nz * nz)
    rank[n_ent:] = _dedupe(rng, zz[n_ent:], township[n_ent:] * n_sh + shop[n_ent:], nz * nz)
    ent_mod = np.where((rank > 0) & (rank <= len(ENT_MODS)), rank, 0)
    ind_mod = np.where((rank > 0) & (rank <= len(IND_MODS)), rank, 0)
    p1 = np.where(individual, township + 1, 0)
    p2 = np.where(individual, np.where(ind_mod > 0, n_wd + ind_mod, 0), 1 + word)
    p3 = np.where(individual, 1 + len(ENT_MODS) + shop, ent_mod)
    p4 = np.where(individual, 0, 1 + suffix)

    # addresses: 城关镇/街道 urban roads, towns their own roads, villages for farms,
    # industrial-park roads for most factories
    kind = np.array([ind.kind for ind in INDUSTRIES])[industry]
    road_index = {r: i for i, r in enumerate(vocab.roads)}
    urban_ids = np.array([road_index[r] for r in URBAN_ROADS])
    town_ids = np.array([road_index[r] for r in TOWN_ROADS])
    village_ids = np.array([road_index[r] for r in VILLAGES])
    park_ids = np.array([road_index[r] for r in INDUSTRIAL_ROADS])
    u = rng.random(n)
    urban = county.urban[township]
    road = np.where(urban, urban_ids[(u * urban_ids.size).astype(np.int64)],
                    town_ids[(u * town_ids.size).astype(np.int64)])
    v = rng.random(n)
    to_village = ((kind == "agri") & (v < 0.85)) | (~urban & (kind != "mfg") & (v < 0.15))
    to_park = ((kind == "mfg") & (v < 0.75)) | ((kind == "transport") & (v < 0.3))
    u2 = rng.random(n)
    road = np.where(to_village, village_ids[(u2 * village_ids.size).astype(np.int64)], road)
    road = np.where(to_park, park_ids[(u2 * park_ids.size).astype(np.int64)], road)
    number = np.minimum(1 + np.floor(np.exp(rng.uniform(0.0, np.log(400.0), n))), 999).astype(np.int64)

    spread = np.where(urban, 0.008, 0.014)
    lon = np.rint((county.lon[township] + rng.normal(0.0, 1.0, n) * spread) * 1e6).astype(np.int64)
    lat = np.rint((county.lat[township] + rng.normal(0.0, 1.0, n) * spread) * 1e6).astype(np.int64)

    return Enterprises(
        bodies=bodies, individual=individual, township=township, industry=industry,
        credit=credit, status=status, tags=tags, name_parts=(p1, zz, p2, p3, p4),
        road=road, number=number, lon=lon, lat=lat, last=np.full(n, -1, dtype=np.int64),
    )


def _tag_strings(masks: IntArray) -> ObjArray:
    uniq, inverse = np.unique(masks, return_inverse=True)
    texts = np.array([SEP.join(t for b, t in enumerate(TAGS) if (int(m) >> b) & 1) for m in uniq],
                     dtype=object)
    return texts[inverse.reshape(-1)]


# ---------------------------------------------------------------------------
# Items
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    code: str
    agency: Agency
    spec: ItemSpec

    @property
    def ratios(self) -> tuple[int, int, int, int]:
        return TIERS[self.spec.tier]


def _make_items(agencies: Sequence[Agency]) -> list[Item]:
    items = []
    for agency in agencies:
        for k, spec in enumerate(ITEM_SPECS.get(agency.code, ()), start=1):
            items.append(Item(f"{agency.code}-{k:03d}", agency, spec))
    return items


def _ratio_percent(tenths: int) -> str:
    return f"{Decimal(tenths).scaleb(-1).normalize():f}%"


def _ratio_decimal(tenths: int) -> str:
    return f"{Decimal(tenths).scaleb(-3).normalize():f}"


def _item_rows(items: Sequence[Item], percent: bool) -> list[list[Any]]:
    fmt = _ratio_percent if percent else _ratio_decimal
    return [[it.code, it.agency.name, it.spec.name, it.spec.tag, *(fmt(r) for r in it.ratios),
             it.spec.officers, it.spec.qualification] for it in items]


# ---------------------------------------------------------------------------
# Inspectors
# ---------------------------------------------------------------------------


@dataclass
class Inspector:
    ident: str
    name: str
    agency: int  # index into the agency list
    cert_no: str
    expiry: int  # day number
    qualifications: list[str]
    township: int
    max_per_day: int | None
    unavailable: str
    conflicts: list[int]  # enterprise row indices
    phone: str


def _person_names(rng: np.random.Generator, m: int) -> list[str]:
    surnames = [s for s, _ in SURNAMES]
    weights = np.array([w for _, w in SURNAMES], dtype=float)
    weights /= weights.sum()
    seen: set[str] = set()
    names: list[str] = []
    for _ in range(m):
        for _attempt in range(100):
            pool = GIVEN_MALE if rng.random() < 0.62 else GIVEN_FEMALE
            given_len = 2 if rng.random() < 0.72 else 1
            name = surnames[int(rng.choice(len(surnames), p=weights))] + "".join(
                pool[int(g)] for g in rng.integers(0, len(pool), given_len))
            if name not in seen:
                break
        seen.add(name)
        names.append(name)
    return names


def _leave(rng: np.random.Generator) -> str:
    """1–2 leave periods in the round's window, weekdays, within one week each."""
    weeks = np.arange(_day(WINDOW_START), _day(WINDOW_END) + 1, 7)  # Mondays (window starts Mon)
    k = 1 if rng.random() < 0.75 else 2
    chosen = np.sort(rng.choice(weeks.size, k, replace=False))
    parts = []
    for w in chosen:
        monday = int(weeks[w])
        if rng.random() < 0.45:
            day = monday + int(rng.integers(0, 5))
            parts.append(_iso(day))
        else:
            first = int(rng.integers(0, 4))
            last = int(rng.integers(first + 1, 5))
            parts.append(f"{_iso(monday + first)}~{_iso(monday + last)}")
    return SEP.join(parts)


def _make_inspectors(rng: np.random.Generator, m: int, agencies: Sequence[Agency], county: County,
                     ent: Enterprises, cert_prefix: str) -> list[Inspector]:
    weights = [ROSTER_WEIGHT.get(a.code, 6) for a in agencies]
    counts = _largest_remainder(m, weights, minimum=2)
    names = _person_names(rng, m)
    cert_digits = rng.choice(10**8, m, replace=False)
    phones = rng.choice(10**9, m, replace=False)
    lo_valid, hi_valid = _day(dt.date(2027, 6, 30)), _day(dt.date(2031, 12, 31))
    lo_exp, hi_exp = _day(dt.date(2026, 1, 1)), _day(dt.date(2026, 9, 30))
    lo_mid, hi_mid = _day(WINDOW_START) + 1, _day(WINDOW_END) - 1

    def shares(*fractions: float) -> IntArray:
        """Exact group sizes: label 1, 2, … for round(f·m) random inspectors, else 0."""
        labels = np.zeros(m, dtype=np.int64)
        perm = rng.permutation(m)
        at = 0
        for k, f in enumerate(fractions, start=1):
            size = round(f * m)
            labels[perm[at: at + size]] = k
            at += size
        return labels

    expiry_kind = shares(0.04, 0.03)  # 1 = already expired, 2 = expires during the round
    per_day = shares(0.10, 0.08)  # 1 = 3 visits a day, 2 = 5
    on_leave = shares(0.12)
    conflicted = shares(0.06) if ent.n else np.zeros(m, dtype=np.int64)
    town_of = rng.choice(len(county.names), m, p=county.weights)
    active = np.flatnonzero(ent.active)
    active_by_town: dict[int, IntArray] = {}

    out: list[Inspector] = []
    for a, (agency, count) in enumerate(zip(agencies, counts, strict=True)):
        quals: list[list[str]] = [[] for _ in range(count)]
        for qual, share in QUALIFICATIONS.get(agency.code, ()):
            holders = max(min(2, count), round(share * count))
            for j in sorted(rng.choice(count, holders, replace=False).tolist()):
                quals[j].append(qual)
        for j in range(count):
            i = len(out)
            if expiry_kind[i] == 1:
                expiry = int(rng.integers(lo_exp, hi_exp + 1))
            elif expiry_kind[i] == 2:
                expiry = int(rng.integers(lo_mid, hi_mid + 1))
            else:
                expiry = int(rng.integers(lo_valid, hi_valid + 1))
            town = int(town_of[i])
            conflicts: set[int] = set()
            if conflicted[i] and active.size:
                if town not in active_by_town:
                    own = active[ent.township[active] == town]
                    active_by_town[town] = own if own.size else active
                for _ in range(int(rng.integers(1, 4))):
                    # mostly businesses in the inspector's own township (relatives, neighbours)
                    pool = active_by_town[town] if rng.random() < 0.7 else active
                    conflicts.add(int(pool[rng.integers(0, pool.size)]))
            out.append(Inspector(
                ident=f"{agency.code}{j + 1:04d}", name=names[i], agency=a,
                cert_no=f"{cert_prefix}{agency.code[:2]}{int(cert_digits[i]):08d}",
                expiry=expiry, qualifications=quals[j], township=town,
                max_per_day={1: 3, 2: 5}.get(int(per_day[i])),
                unavailable=_leave(rng) if on_leave[i] else "",
                conflicts=sorted(conflicts), phone=f"13{int(phones[i]):09d}",
            ))
    return out


# ---------------------------------------------------------------------------
# History
# ---------------------------------------------------------------------------


@dataclass
class History:
    row: IntArray  # enterprise row
    day: IntArray
    agency: IntArray
    first: IntArray  # inspector indices
    second: IntArray


def _make_history(rng: np.random.Generator, ent: Enterprises, items: Sequence[Item],
                  agencies: Sequence[Agency], inspectors: Sequence[Inspector]) -> History:
    n, k_ag = ent.n, len(agencies)
    days = _workdays(HISTORY_START, HISTORY_END, HOLIDAYS_2026)
    w = days.size
    # which agencies could have inspected an enterprise: those with an item for it
    general = np.zeros(k_ag, dtype=bool)
    masks = np.zeros(k_ag, dtype=np.int64)
    agency_pos = {a.code: i for i, a in enumerate(agencies)}
    for it in items:
        a = agency_pos[it.agency.code]
        if it.spec.tag:
            masks[a] |= np.int64(1) << TAG_BIT[it.spec.tag]
        else:
            general[a] = True

    active = ent.active
    p = 0.08 / max(float(active.mean()), 1e-9)
    rows = np.flatnonzero(active & (rng.random(n) < p))
    m = rows.size
    cand = ((ent.tags[rows][:, None] & masks[None, :]) != 0) | general[None, :]
    weight = np.where(general, 1.0, 3.0)
    key = np.where(cand, rng.random((m, k_ag)) ** (1.0 / weight[None, :]), -1.0)
    order = np.argsort(-key, axis=1, kind="stable")[:, :3]
    n_cand = cand.sum(axis=1)
    u = rng.random(m)
    visits = np.where(u < 0.78, 1, np.where(u < 0.95, 2, 3))
    visits = np.minimum(visits, np.maximum(n_cand, 1))
    d0 = rng.integers(0, w, m)
    step = rng.integers(5, w // 3, m)

    r_list, d_list, a_list = [], [], []
    for j in range(3):
        sel = visits > j
        r_list.append(rows[sel])
        d_list.append(days[(d0[sel] + j * step[sel]) % w])
        a_list.append(order[sel, j])
    row = np.concatenate(r_list)
    day = np.concatenate(d_list)
    agency = np.concatenate(a_list).astype(np.int64)

    first = np.zeros(row.size, dtype=np.int64)
    second = np.zeros(row.size, dtype=np.int64)
    for a in range(k_ag):
        sel = np.flatnonzero(agency == a)
        pool = np.array([i for i, ins in enumerate(inspectors) if ins.agency == a], dtype=np.int64)
        if sel.size == 0:
            continue
        expiry = np.array([inspectors[i].expiry for i in pool], dtype=np.int64)
        valid = expiry[None, :] >= day[sel][:, None]
        score = rng.random((sel.size, pool.size)) + np.where(valid, 0.0, 1.0)
        two = np.argpartition(score, 1, axis=1)[:, :2]
        pair = np.sort(pool[two], axis=1)
        first[sel], second[sel] = pair[:, 0], pair[:, 1]

    order_rows = np.lexsort((agency, row, day))
    return History(row[order_rows], day[order_rows], agency[order_rows], first[order_rows],
                   second[order_rows])


def _set_last_inspected(rng: np.random.Generator, ent: Enterprises, hist: History) -> None:
    last = np.full(ent.n, -1, dtype=np.int64)
    np.maximum.at(last, hist.row, hist.day)
    has = last >= 0
    n_has = int(has.sum())
    p_old = max(0.0, (0.25 * ent.n - n_has) / max(ent.n - n_has, 1))
    old_days = _workdays(OLD_START, OLD_END)
    older = ~has & (rng.random(ent.n) < p_old)
    last[older] = old_days[rng.integers(0, old_days.size, int(older.sum()))]
    ent.last = last


# ---------------------------------------------------------------------------
# Expected draw size (for the printed summary)
# ---------------------------------------------------------------------------


def expected_selected(ent: Enterprises, items: Sequence[Item], hist: History) -> float:
    """Expected number of distinct enterprises one round draws (sample round rules).

    Eligible: active status, not inspected within the 180-day cool-down before
    the window, fewer than 2 history rows this year.  Each item draws its ratio
    of each credit class among the eligible enterprises with its tag.
    """
    cutoff = _day(WINDOW_START) - COOLDOWN_DAYS
    visits = np.bincount(hist.row, minlength=ent.n)
    eligible = ent.active & ((ent.last < 0) | (ent.last < cutoff)) & (visits < YEARLY_CAP)
    log_miss = np.zeros(ent.n)
    for it in items:
        r = np.array(it.ratios, dtype=float) / 1000.0
        hit = np.ones(ent.n, dtype=bool) if not it.spec.tag else (
            (ent.tags >> TAG_BIT[it.spec.tag]) & 1).astype(bool)
        log_miss += np.where(hit, np.log1p(-r[ent.credit]), 0.0)
    return float(np.sum(np.where(eligible, -np.expm1(log_miss), 0.0)))


# ---------------------------------------------------------------------------
# Writers
# ---------------------------------------------------------------------------


def _write_csv(path: Path, header: Sequence[str], chunks: Any) -> None:
    """Write a UTF-8-with-BOM CSV, LF line ends; *chunks* yields lists of columns."""
    with open(path, "wb") as fh:
        fh.write(("\ufeff" + ",".join(header) + "\n").encode("utf-8"))
        for columns in chunks:
            if not columns or not len(columns[0]):
                continue
            fh.write(("\n".join(map(",".join, zip(*columns, strict=True))) + "\n").encode("utf-8"))


AGENCY_HEADER = ("部门代码", "部门名称", "部门全称", "别名")


def write_agencies(path: Path, agencies: Sequence[Agency], county: str) -> None:
    """The agency directory (部门名录) with each agency's full name, county
    name + the usual county-level title (示例县市场监督管理局), so that
    notices are signed in full.  Aliases are repeated: a row replaces the
    built-in agency of its code."""
    rows = [(a.code, a.name, county + TITLES[a.code], SEP.join(a.aliases)) for a in agencies]
    _write_csv(path, AGENCY_HEADER, [[list(col) for col in zip(*rows, strict=True)]])


def _enterprise_chunks(ent: Enterprises, vocab: _Vocab) -> Any:
    codes = np.array([ind.code for ind in INDUSTRIES], dtype=object)
    classes = np.array(CLASSES, dtype=object)
    statuses = np.array(STATUSES, dtype=object)
    p1, zz, p2, p3, p4 = ent.name_parts
    lon, lat = _MicroFormat(ent.lon), _MicroFormat(ent.lat)
    for lo in range(0, ent.n, CHUNK):
        s = slice(lo, min(lo + CHUNK, ent.n))
        name = (vocab.county + vocab.p1[p1[s]] + vocab.zz[zz[s]] + vocab.p2[p2[s]]
                + vocab.p3[p3[s]] + vocab.p4[p4[s]])
        address = vocab.town_prefix[ent.township[s]] + vocab.road[ent.road[s]] + vocab.number[ent.number[s]]
        yield [
            uscc_strings(ent.individual[s], ent.bodies[s]),
            name.tolist(),
            vocab.townships[ent.township[s]].tolist(),
            address.tolist(),
            lon(ent.lon[s]),
            lat(ent.lat[s]),
            codes[ent.industry[s]].tolist(),
            classes[ent.credit[s]].tolist(),
            _tag_strings(ent.tags[s]).tolist(),
            statuses[ent.status[s]].tolist(),
            _date_strings(ent.last[s]).tolist(),
        ]


def _history_chunks(hist: History, ent: Enterprises, agencies: Sequence[Agency],
                    inspectors: Sequence[Inspector]) -> Any:
    names = np.array([a.name for a in agencies], dtype=object)
    ids = np.array([ins.ident for ins in inspectors], dtype=object)
    for lo in range(0, hist.row.size, CHUNK):
        s = slice(lo, min(lo + CHUNK, hist.row.size))
        rows = hist.row[s]
        yield [
            uscc_strings(ent.individual[rows], ent.bodies[rows]),
            _date_strings(hist.day[s]).tolist(),
            names[hist.agency[s]].tolist(),
            (ids[hist.first[s]] + SEP + ids[hist.second[s]]).tolist(),
        ]


def _inspector_rows(inspectors: Sequence[Inspector], agencies: Sequence[Agency], county: County,
                    ent: Enterprises) -> list[list[Any]]:
    all_conflicts = sorted({r for ins in inspectors for r in ins.conflicts})
    codes: dict[int, str] = {}
    if all_conflicts:
        rows = np.array(all_conflicts, dtype=np.int64)
        codes = dict(zip(all_conflicts, uscc_strings(ent.individual[rows], ent.bodies[rows]),
                         strict=True))
    return [[ins.ident, ins.name, agencies[ins.agency].name, ins.cert_no, _iso(ins.expiry),
             SEP.join(ins.qualifications), county.names[ins.township], ins.max_per_day,
             ins.unavailable, SEP.join(codes[r] for r in ins.conflicts), ins.phone]
            for ins in inspectors]


def _cell(value: Any) -> Any:
    return None if value == "" else value


def _save_workbook(wb: Any, path: Path) -> None:
    """Save with fixed metadata and zip timestamps, so reruns give identical bytes."""
    from scheduler.export.workbook import workbook_bytes

    path.write_bytes(workbook_bytes(wb, FIXED_TIME))


def _new_workbook(title: str) -> tuple[Any, Any]:
    from openpyxl import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

    wb = Workbook()
    ws = wb.active
    assert isinstance(ws, Worksheet)
    ws.title = title
    return wb, ws


def _write_items_xlsx(path: Path, rows: list[list[Any]]) -> None:
    from openpyxl.styles import Alignment, Font

    wb, ws = _new_workbook("抽查事项清单")
    ws.append(list(ITEM_HEADER))
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center")
    for row in rows:
        ws.append([_cell(v) for v in row])
    for col, width in zip("ABCDEFGHIJ", (12, 14, 30, 18, 13, 13, 13, 13, 14, 20), strict=True):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A2"
    _save_workbook(wb, path)


def _write_inspectors_xlsx(path: Path, rows: list[list[Any]], county: str) -> None:
    from openpyxl.styles import Alignment, Font

    wb, ws = _new_workbook("执法检查人员名录库")
    ws.append([f"{county}执法检查人员名录库（2026年11月）"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(INSPECTOR_HEADER))
    ws["A1"].font = Font(bold=True, size=14)
    ws["A1"].alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[1].height = 26
    ws.append(list(INSPECTOR_HEADER))
    for cell in ws[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center")
    for row in rows:
        ws.append([_cell(v) for v in row])
    for col, width in zip("ABCDEFGHIJK", (11, 9, 13, 17, 13, 30, 11, 10, 36, 42, 14), strict=True):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A3"
    _save_workbook(wb, path)


def _write_small_csv(path: Path, header: Sequence[str], rows: list[list[Any]]) -> None:
    columns = [["" if row[j] is None else str(row[j]) for row in rows] for j in range(len(header))]
    _write_csv(path, header, [columns])


# ---------------------------------------------------------------------------
# Entry points
# ---------------------------------------------------------------------------


def _generate(out_dir: Path, *, enterprises: int, townships: int, inspectors: int, agencies: int,
              seed: int, county: str, excel: bool) -> tuple[dict[str, Path], dict[str, Any]]:
    if enterprises < 1:
        raise ValueError("enterprises must be at least 1")
    if townships < 1:
        raise ValueError("townships must be at least 1")
    if not 1 <= agencies <= len(BUILTIN):
        raise ValueError(f"agencies must be between 1 and {len(BUILTIN)}")
    if inspectors < 2 * agencies:
        raise ValueError("need at least two inspectors per agency")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)

    agency_list = list(BUILTIN[:agencies])
    the_county = _make_county(_rng(seed, 1), townships)
    vocab = _Vocab(county, the_county.names)
    ent = _make_enterprises(_rng(seed, 2), enterprises, the_county, vocab)
    items = _make_items(agency_list)
    roster = _make_inspectors(_rng(seed, 3), inspectors, agency_list, the_county, ent,
                              cert_prefix=county[:1] + "执")
    hist = _make_history(_rng(seed, 4), ent, items, agency_list, roster)
    _set_last_inspected(_rng(seed, 5), ent, hist)

    paths = {
        "enterprises": out_dir / "enterprises.csv",
        "items": out_dir / ("items.xlsx" if excel else "items.csv"),
        "inspectors": out_dir / ("inspectors.xlsx" if excel else "inspectors.csv"),
        "history": out_dir / "history.csv",
    }
    _write_csv(paths["enterprises"], ENTERPRISE_HEADER, _enterprise_chunks(ent, vocab))
    write_agencies(out_dir / "agencies.csv", agency_list, county)
    _write_csv(paths["history"], HISTORY_HEADER, _history_chunks(hist, ent, agency_list, roster))
    inspector_rows = _inspector_rows(roster, agency_list, the_county, ent)
    if excel:
        _write_items_xlsx(paths["items"], _item_rows(items, percent=True))
        _write_inspectors_xlsx(paths["inspectors"], inspector_rows, county)
    else:
        _write_small_csv(paths["items"], ITEM_HEADER, _item_rows(items, percent=False))
        _write_small_csv(paths["inspectors"], INSPECTOR_HEADER, inspector_rows)

    stats: dict[str, Any] = {
        "enterprises": ent.n,
        "individuals": int(ent.individual.sum()),
        "by_class": dict(zip(CLASSES, np.bincount(ent.credit, minlength=4).tolist(), strict=True)),
        "by_status": dict(zip(STATUSES, np.bincount(ent.status, minlength=len(STATUSES)).tolist(),
                              strict=True)),
        "by_tag": {t: int(((ent.tags >> b) & 1).sum()) for b, t in enumerate(TAGS)},
        "items": len(items),
        "inspectors": len(roster),
        "by_agency": {a.name: sum(1 for r in roster if r.agency == i) for i, a in enumerate(agency_list)},
        "history_rows": int(hist.row.size),
        "history_enterprises": int(np.unique(hist.row).size),
        "last_inspected": int((ent.last >= 0).sum()),
        "expected_selected": expected_selected(ent, items, hist),
    }
    return paths, stats


def generate(out_dir: Path, *, enterprises: int = 30_000, townships: int = 18, inspectors: int = 300,
             agencies: int = 8, seed: int = 20261124, county: str = "示例县",
             excel: bool = True) -> dict[str, Path]:
    """Write a synthetic county into *out_dir* and return the file paths.

    ``excel=True`` (the bundled sample) writes ``items.xlsx`` and
    ``inspectors.xlsx``; ``excel=False`` (benchmarks) writes CSV files instead.
    Enterprises and history are always CSV.
    """
    paths, _ = _generate(out_dir, enterprises=enterprises, townships=townships,
                         inspectors=inspectors, agencies=agencies, seed=seed, county=county,
                         excel=excel)
    return paths


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="生成示例县数据（检查对象、抽查事项、执法人员、检查记录）")
    parser.add_argument("--out", type=Path, default=ROOT / "data" / "sample", help="output folder")
    parser.add_argument("--enterprises", type=int, default=30_000)
    parser.add_argument("--townships", type=int, default=18)
    parser.add_argument("--inspectors", type=int, default=300)
    parser.add_argument("--agencies", type=int, default=8)
    parser.add_argument("--seed", type=int, default=20261124)
    parser.add_argument("--county", default="示例县")
    parser.add_argument("--csv", action="store_true", help="write items/inspectors as CSV, not xlsx")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    _, stats = _generate(args.out, enterprises=args.enterprises, townships=args.townships,
                             inspectors=args.inspectors, agencies=args.agencies, seed=args.seed,
                             county=args.county, excel=not args.csv)
    print(f"wrote {stats['enterprises']} enterprises, {stats['items']} items, "
          f"{stats['inspectors']} inspectors, {stats['history_rows']} history rows to {args.out} "
          f"in {time.perf_counter() - start:.1f} s; a round draws ~{stats['expected_selected']:.0f} "
          f"distinct enterprises")
    return 0


if __name__ == "__main__":
    sys.exit(main())
