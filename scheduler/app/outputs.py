"""Output folders that never destroy what OneVisit did not write.

A command writes its output folder atomically (staged, then swapped in) and
puts a marker file in it naming the kind of output and listing every file it
wrote with its SHA-256.  An existing path is replaced only when it is an
earlier OneVisit output of the same kind, holding exactly the files OneVisit
wrote (none added, none changed since), *and* the user said ``--force``;
anything else — a file, a folder OneVisit did not write, an output with a
user's notes or edited workbook in it, an output of another kind, the working
folder or one of its parents — is refused with a Chinese message, and nothing
is touched.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Iterator
from pathlib import Path

from scheduler import __version__
from scheduler.app.errors import OutputRefused
from scheduler.atomic import staged_dir, write_text

MARKER = ".onevisit-output.json"
KINDS = {"draw": "抽取结果", "schedule": "安排结果", "export": "导出文件", "demo": "演示结果", "province": "省级安排结果"}


def _marker(folder: Path) -> dict[str, object]:
    try:
        doc = json.loads((folder / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return doc if isinstance(doc, dict) and doc.get("tool") == "onevisit" else {}


def marker_kind(folder: Path) -> str | None:
    """The kind recorded in *folder*'s marker file, or None."""
    kind = _marker(folder).get("kind")
    return kind if isinstance(kind, str) else None


def _digest(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def inventory(folder: Path) -> dict[str, str]:
    """Every file below *folder* (but the marker): relative path -> SHA-256."""
    return {p.relative_to(folder).as_posix(): _digest(p)
            for p in sorted(folder.rglob("*")) if p.is_file() and p.name != MARKER}


def foreign_files(folder: Path) -> list[str]:
    """Files in an earlier output that OneVisit did not write as they are now:
    added by someone, or changed since (a workbook edited in place)."""
    written = _marker(folder).get("files")
    if not isinstance(written, dict):
        return ["（输出清单缺失，无法确认文件夹中只有 OneVisit 生成的文件）"]
    now = inventory(folder)
    return sorted(name for name, sha in now.items() if written.get(name) != sha)


def check_target(out: Path, kind: str, force: bool) -> None:
    """Raise :class:`OutputRefused` unless *out* may be written."""
    label = KINDS[kind]
    target = out.resolve()
    cwd = Path.cwd().resolve()
    if target == cwd or target in cwd.parents:
        raise OutputRefused(f"不能把{label}写到当前文件夹或其上级文件夹 {out}：请用 --out 指定一个新的文件夹名 "
                            "(refusing to write into the working folder or a parent of it)")
    if not target.exists() and not target.is_symlink():
        return
    if not target.is_dir() or target.is_symlink():
        raise OutputRefused(f"{out} 已存在且不是文件夹，不会被覆盖：请用 --out 指定一个新的文件夹名 "
                            "(exists and is not a folder: not replaced)")
    if not any(target.iterdir()):
        return
    found = marker_kind(target)
    if found is None:
        raise OutputRefused(f"文件夹 {out} 不是空的，也不是 OneVisit 生成的，不会被覆盖或删除：请用 --out 指定一个新的文件夹名 "
                            "(folder is not empty and was not written by OneVisit: not replaced, even with --force)")
    if found != kind:
        raise OutputRefused(f"文件夹 {out} 是 OneVisit 生成的{KINDS.get(found, found)}，不是{label}，不会被覆盖 "
                            f"(holds another kind of OneVisit output: {found})")
    if not force:
        raise OutputRefused(f"文件夹 {out} 已有上次生成的{label}。如要替换，请加 --force "
                            "(holds an earlier output of this command: add --force to replace it)")
    foreign = foreign_files(target)
    if foreign:
        shown = "、".join(foreign[:5]) + (f" 等 {len(foreign)} 个" if len(foreign) > 5 else "")
        raise OutputRefused(f"文件夹 {out} 中有不是 OneVisit 生成的或生成后被修改过的文件（{shown}），即使加 --force 也不会替换："
                            "请先把这些文件移走，或用 --out 指定新的文件夹 (files added or changed since OneVisit wrote them)")


@contextlib.contextmanager
def output_folder(out: Path, kind: str, force: bool = False) -> Iterator[Path]:
    """A staging folder that becomes *out* when the block succeeds.  On any
    failure the previous folder is left as it was."""
    check_target(out, kind, force)
    try:
        with staged_dir(out) as stage:
            yield stage
            marker = {"tool": "onevisit", "kind": kind, "version": __version__, "files": inventory(stage)}
            write_text(stage / MARKER, json.dumps(marker, ensure_ascii=False, sort_keys=True, indent=0) + "\n")
    except OSError as exc:
        raise OutputRefused(f"写入失败，未生成任何文件 (write failed, nothing written): {out}: {exc.strerror or exc}") from None
