"""Checks on uploaded files before they are validated.

An upload is usable when its name is a plain file name the readers can
store, its type is one the readers read, and its content is not empty and,
for a workbook, looks like one.  Every unusable file is reported at once,
with its name, in Chinese; the readers then see only usable files.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from pathlib import PurePosixPath

from fastapi import UploadFile

from api.problems import UploadRejected
from scheduler.io import Problem
from scheduler.io.dataset import TABLE_SUFFIXES
from scheduler.io.table import EXCEL_SUFFIXES

MAX_UPLOAD_BYTES = 200 * 2**20
MAX_NAME_BYTES = 255  # the longest file name Linux and Windows file systems store
SHOWN_NAME_CHARS = 60
ACCEPTED_SUFFIXES = frozenset(TABLE_SUFFIXES | {".toml"})
ACCEPTED_TEXT = "Excel 工作簿 .xlsx/.xlsm/.xls/.ods、CSV 文本 .csv/.tsv/.txt 或轮次配置 .toml"
# How workbooks begin: a ZIP archive (.xlsx, .xlsm, .ods), an OLE2 compound
# file (.xls), or markup (an HTML or XML table saved as .xls).
_WORKBOOK_MAGIC = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
_MARKUP_START = b"<"


def shown_name(filename: str | None) -> str:
    """The name as given, cut for messages (a name may be kilobytes long)."""
    name = filename or "（无文件名）"
    return name if len(name) <= SHOWN_NAME_CHARS else name[:SHOWN_NAME_CHARS] + "…"


def base_name(filename: str | None) -> str:
    """The last part of a name sent with folders (``C:\\a\\b.csv``, ``../b.csv``)."""
    return (filename or "").replace("\\", "/").rsplit("/", 1)[-1].strip()


def name_problem(name: str) -> str | None:
    """Why *name* (already a base name) cannot be used, or ``None``."""
    if not name or name.startswith("."):
        return "无效的文件名"
    if any(unicodedata.category(c) == "Cc" for c in name):
        return "文件名含有控制字符，请改名后重新上传"
    size = len(name.encode("utf-8"))
    if size > MAX_NAME_BYTES:
        return f"文件名过长（{size} 字节，最多 {MAX_NAME_BYTES} 字节，约 85 个汉字），请改短后重新上传"
    suffix = PurePosixPath(name).suffix.lower()
    if suffix not in ACCEPTED_SUFFIXES:
        kind = f"「{suffix}」" if suffix else "（没有扩展名）"
        return f"不支持的文件类型{kind}，应为 {ACCEPTED_TEXT}"
    return None


def content_problem(name: str, data: bytes) -> str | None:
    """Why the content of *name* cannot be read, or ``None``; cheap checks only."""
    if not data:
        return "文件为空（0 字节）"
    if PurePosixPath(name).suffix.lower() in EXCEL_SUFFIXES and not _looks_like_workbook(data):
        return "文件内容不是 Excel 工作簿（文件已损坏，或扩展名与内容不符）；请在 Excel 中打开并另存为 .xlsx 后重新上传"
    return None


def _looks_like_workbook(data: bytes) -> bool:
    if data.startswith(_WORKBOOK_MAGIC):
        return True
    return data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").startswith(_MARKUP_START)


def check_uploads(uploads: Iterable[tuple[str | None, bytes]]) -> tuple[dict[str, bytes], list[Problem]]:
    """Usable files by base name, and a problem for every unusable one."""
    files: dict[str, bytes] = {}
    problems: list[Problem] = []
    seen: set[str] = set()
    for filename, data in uploads:
        name = base_name(filename)
        why = name_problem(name)
        if why is not None:
            problems.append(Problem(shown_name(filename), None, None, why))
        elif name in seen:
            problems.append(Problem(name, None, None, "文件名重复：同名文件只能上传一个"))
        elif (why := content_problem(name, data)) is not None:
            problems.append(Problem(name, None, None, why))
        else:
            files[name] = data
        seen.add(name)
    if not seen:
        problems.append(Problem("（输入）", None, None, "没有上传文件，请选择要检查的名录库文件"))
    return files, problems


def size_problem(limit: int) -> Problem:
    """The problem of an upload over *limit* bytes in all."""
    return Problem("（输入）", None, None, f"上传文件总大小超过 {limit / 2**20:g} MiB，请删去无关文件后重新上传")


async def read_uploads(files: list[UploadFile]) -> list[tuple[str | None, bytes]]:
    """Each upload's name and bytes; over :data:`MAX_UPLOAD_BYTES` in all is refused (413)."""
    out: list[tuple[str | None, bytes]] = []
    total = 0
    for upload in files:
        data = await upload.read()
        total += len(data)
        if total > MAX_UPLOAD_BYTES:
            raise UploadRejected([size_problem(MAX_UPLOAD_BYTES)], status_code=413)
        out.append((upload.filename, data))
    return out
