"""The counties of a province folder.

A province folder holds one sub-folder per county, named after the county,
each an ordinary OneVisit data folder (rosters and, usually, the county's
``round.toml``).  A county folder without a round file uses the province's
shared one: the single ``.toml`` file at the top of the province folder.
Hidden folders and OneVisit output folders (with a marker file) are not
counties.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from scheduler.app.errors import UnreadableFile
from scheduler.app.outputs import MARKER


@dataclass(frozen=True)
class County:
    name: str  # the folder's name
    folder: Path
    shared_round: Path | None  # the province's round file, when the county has none of its own


def _round_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() == ".toml" and not p.name.startswith("."))


def _is_county(folder: Path) -> bool:
    return folder.is_dir() and not folder.name.startswith((".", "_")) and not (folder / MARKER).exists()


def discover_counties(province: Path) -> list[County]:
    """The counties of *province*, by name.  Raises :class:`UnreadableFile`
    when the folder is missing or holds no county folder."""
    if not province.is_dir():
        raise UnreadableFile(f"找不到省级数据文件夹 {province}（应为每县一个子文件夹）(province folder not found)")
    shared = _round_files(province)
    if len(shared) > 1:
        raise UnreadableFile(f"省级数据文件夹 {province} 中有多个轮次配置文件（{'、'.join(p.name for p in shared)}），"
                             "请只保留一个共用的 round.toml (more than one shared round file)")
    folders = sorted((p for p in province.iterdir() if _is_county(p)), key=lambda p: p.name)
    if not folders:
        raise UnreadableFile(f"省级数据文件夹 {province} 中没有县的子文件夹（每县一个文件夹，内含名录库）(no county folders)")
    return [County(f.name, f, None if _round_files(f) or not shared else shared[0]) for f in folders]
