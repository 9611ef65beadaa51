"""The agency directory (部门名录).

Rosters name agencies in many ways ("县市场监督管理局", "市场监管局",
"市场监管"...).  The directory maps every accepted spelling to one canonical
short name and a stable ASCII code.  A built-in directory covers the agencies
that take part in county joint inspections; a data folder may add or rename
agencies with ``agencies.csv`` (部门代码, 部门名称, 部门全称, 别名).

The short name (市场监管) labels columns and sheets; the full name
(示例县市场监督管理局) is the authority's legal name, which public notices
are signed with and which names the 检查实施机关.  Only the county knows its
agencies' full names (生态环境 is often a branch of the city's bureau, fire
rescue a 大队), so they come from ``agencies.csv``; without one, the short
name stands in.  :data:`TITLES` gives each built-in agency's usual county-level
title, for writing that file (the sample county's is county name + title).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True, order=True)
class Agency:
    """A government agency (部门) taking part in joint inspections."""

    code: str
    name: str
    aliases: tuple[str, ...] = field(default=(), compare=False)
    full_name: str = field(default="", compare=False)  # 部门全称, e.g. 示例县市场监督管理局; "" = not given

    @property
    def authority(self) -> str:
        """The name an authority signs with: the full name, else the short name."""
        return self.full_name or self.name


BUILTIN: tuple[Agency, ...] = (
    Agency("SCJG", "市场监管", ("市场监督管理局", "市场监管局", "市场监督管理", "SAMR")),
    Agency("STHJ", "生态环境", ("生态环境局", "生态环境分局", "环保局", "环境保护局")),
    Agency("YJGL", "应急管理", ("应急管理局", "安监局", "安全生产监督管理局")),
    Agency("WSJK", "卫生健康", ("卫生健康局", "卫健局", "卫健委", "卫生健康委员会", "卫生健康委", "卫生监督所")),
    Agency("ZFJS", "住房城乡建设", ("住房和城乡建设局", "住建局", "住房城乡建设局", "住建", "住房和城乡建设")),
    Agency("JTYS", "交通运输", ("交通运输局", "交通局")),
    Agency("WHLY", "文化旅游", ("文化和旅游局", "文旅局", "文化广电旅游局", "文广旅局", "文化旅游局")),
    Agency("XFJY", "消防救援", ("消防救援大队", "消防救援局", "消防大队", "消防")),
    Agency("NYNC", "农业农村", ("农业农村局", "农业局")),
    Agency("SWJ", "商务", ("商务局",)),
    Agency("SLJ", "水利", ("水利局",)),
    Agency("JYJ", "教育", ("教育局", "教育体育局", "教体局")),
    Agency("RSJ", "人力资源社会保障", ("人力资源和社会保障局", "人社局")),
    Agency("ZRZY", "自然资源", ("自然资源局", "自然资源和规划局")),
    Agency("SWJJ", "税务", ("税务局",)),
)

TITLES: Mapping[str, str] = {
    "SCJG": "市场监督管理局", "STHJ": "生态环境局", "YJGL": "应急管理局", "WSJK": "卫生健康局",
    "ZFJS": "住房和城乡建设局", "JTYS": "交通运输局", "WHLY": "文化和旅游局", "XFJY": "消防救援大队",
    "NYNC": "农业农村局", "SWJ": "商务局", "SLJ": "水利局", "JYJ": "教育局", "RSJ": "人力资源和社会保障局",
    "ZRZY": "自然资源局", "SWJJ": "税务局",
}  # the usual county-level title of each built-in agency (county name + title = full name)

_PREFIX = re.compile(r"^(.{0,8}?[省市县区旗])(?=.{2,})")


def _key(text: str) -> str:
    return "".join(text.split()).upper()


class AgencyDirectory:
    """Resolves agency spellings to :class:`Agency` records."""

    def __init__(self, agencies: Iterable[Agency] = BUILTIN) -> None:
        self._by_code: dict[str, Agency] = {}
        self._lookup: dict[str, Agency] = {}
        for agency in agencies:
            self.add(agency)

    def add(self, agency: Agency) -> None:
        """Add or replace an agency (replacing keeps its earlier aliases out)."""
        old = self._by_code.get(agency.code)
        if old is not None:
            self._lookup = {k: v for k, v in self._lookup.items() if v.code != old.code}
        self._by_code[agency.code] = agency
        for spelling in (agency.code, agency.name, agency.full_name, *agency.aliases):
            if spelling:
                self._lookup[_key(spelling)] = agency

    def resolve(self, text: str) -> Agency | None:
        """Return the agency for a spelling, or None when it is unknown.

        Leading administrative prefixes ("示例县", "XX市") are ignored, so
        "示例县市场监督管理局" resolves like "市场监督管理局".
        """
        key = _key(text)
        if not key:
            return None
        found = self._lookup.get(key)
        while found is None and (m := _PREFIX.match(key)):
            key = key[m.end(1):]
            found = self._lookup.get(key)
        return found

    def by_code(self, code: str) -> Agency:
        return self._by_code[code]

    @property
    def agencies(self) -> tuple[Agency, ...]:
        return tuple(sorted(self._by_code.values()))

    def names(self) -> Mapping[str, str]:
        return {a.code: a.name for a in self.agencies}

    def authorities(self) -> Mapping[str, str]:
        """Code -> the name public texts use for the authority (full name, else short)."""
        return {a.code: a.authority for a in self.agencies}
