"""Output folders that never destroy what OneVisit did not write.

A command writes its output folder atomically (staged, then swapped in) and
puts a marker file in it naming the kind of output.  An existing path is
replaced only when it is an earlier OneVisit output of the same kind *and*
the user said ``--force``; anything else — a file, a folder OneVisit did not
write, an output of another kind, the working folder or one of its parents —
is refused with a Chinese message, and nothing is touched.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from pathlib import Path

from scheduler import __version__
from scheduler.app.errors import OutputRefused
from scheduler.atomic import staged_dir, write_text

MARKER = ".onevisit-output.json"
KINDS = {"draw": "抽取结果", "schedule": "安排结果", "export": "导出文件", "demo": "演示结果"}


def marker_kind(folder: Path) -> str | None:
    """The kind recorded in *folder*'s marker file, or None."""
    try:
        doc = json.loads((folder / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    kind = doc.get("kind") if isinstance(doc, dict) and doc.get("tool") == "onevisit" else None
    return kind if isinstance(kind, str) else None


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


@contextlib.contextmanager
def output_folder(out: Path, kind: str, force: bool = False) -> Iterator[Path]:
    """A staging folder that becomes *out* when the block succeeds.  On any
    failure the previous folder is left as it was."""
    check_target(out, kind, force)
    try:
        with staged_dir(out) as stage:
            yield stage
            write_text(stage / MARKER, json.dumps({"tool": "onevisit", "kind": kind, "version": __version__},
                                                  ensure_ascii=False, sort_keys=True) + "\n")
    except OSError as exc:
        raise OutputRefused(f"写入失败，未生成任何文件 (write failed, nothing written): {out}: {exc.strerror or exc}") from None
