"""Where an input comes from: a file on disk or an in-memory upload.

Every reader takes a :data:`SourceLike`: a :class:`pathlib.Path` or a
:class:`Source` (a name and the file's bytes, e.g. an uploaded file), so an
upload is validated without temporary files.  Messages name the file by
:func:`name_of` either way, and roles are recognised by that name.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path, PurePath


@dataclass(frozen=True, slots=True)
class Source:
    """An in-memory file: its name (as the user called it) and its bytes."""

    name: str
    data: bytes = b""

    def __repr__(self) -> str:  # never print megabytes of data
        return f"Source({self.name!r}, <{len(self.data):,} bytes>)"


SourceLike = Path | Source


def name_of(source: SourceLike) -> str:
    """The file name shown in messages (no folder)."""
    return PurePath(source.name).name


def suffix_of(source: SourceLike) -> str:
    """The lower-case suffix of the file name (".xlsx")."""
    return PurePath(source.name).suffix.lower()


def stem_of(source: SourceLike) -> str:
    return PurePath(source.name).stem


def read_bytes(source: SourceLike) -> bytes:
    """The whole file (raises OSError for a path that cannot be read)."""
    return source.data if isinstance(source, Source) else source.read_bytes()


def label_of(source: SourceLike) -> str:
    """The path as given (for :attr:`Dataset.sources`), or the name of an upload."""
    return source.name if isinstance(source, Source) else str(source)
