"""String columns as arrow arrays: the vectorised cell operations of the
readers (strip, empty test, distinct values), the same for a roster of ten
rows and of five million.

Every function gives exactly what the per-cell Python expression in its
docstring gives; rosters hold one arrow string column per header, and a
pandas column of the ``str`` dtype wraps the same buffers without a copy.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeAlias

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

#: The characters ``str.strip()`` and ``str.split()`` treat as white space
#: (``c.isspace()``): ASCII controls and space, U+0085, U+00A0, U+1680,
#: U+2000–U+200A, U+2028, U+2029, U+202F, U+205F and the ideographic U+3000.
WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680"
    + "".join(chr(c) for c in range(0x2000, 0x200B))
    + "\u2028\u2029\u202f\u205f\u3000"
)

StrColumn: TypeAlias = pa.ChunkedArray


def column(values: pd.Series | Sequence[str] | pa.Array | pa.ChunkedArray) -> StrColumn:
    """Any column of strings as an arrow string column (zero-copy for an
    arrow-backed pandas column)."""
    if isinstance(values, pa.ChunkedArray):
        out = values
    elif isinstance(values, pa.Array):
        out = pa.chunked_array([values])
    elif isinstance(values, pd.Series) and isinstance(values.dtype, pd.StringDtype) and values.dtype.storage == "pyarrow":
        arrow = pa.array(values)  # the column's own chunks (__arrow_array__)
        out = arrow if isinstance(arrow, pa.ChunkedArray) else pa.chunked_array([arrow])
        if out.null_count:
            out = pc.fill_null(out, "")
    else:
        items = values.tolist() if isinstance(values, pd.Series) else list(values)
        out = pa.chunked_array([pa.array([str(v) for v in items], pa.string())], type=pa.string())
    return out


def empty(n: int) -> StrColumn:
    """n empty cells."""
    return pa.chunked_array([pa.repeat("", n)], type=pa.string()) if n else pa.chunked_array([], type=pa.string())


#: First bytes of the UTF-8 encoding of a :data:`WHITESPACE` character.
_WS_FIRST = np.zeros(256, dtype=bool)
#: Last bytes of the UTF-8 encoding of a :data:`WHITESPACE` character.
_WS_LAST = np.zeros(256, dtype=bool)
for _c in WHITESPACE:
    _WS_FIRST[_c.encode()[0]] = _WS_LAST[_c.encode()[-1]] = True


def chunk_bytes(chunk: pa.Array) -> tuple[npt.NDArray[np.integer], npt.NDArray[np.uint8]]:
    """The offsets (n + 1) and the data buffer of a string array, as views
    of its buffers: cell i is ``data[offsets[i]:offsets[i + 1]]``."""
    if len(chunk) == 0:
        return np.zeros(1, dtype=np.int64), np.zeros(0, dtype=np.uint8)
    kind: type[np.integer] = np.int64 if chunk.type == pa.large_string() else np.int32
    offsets = np.frombuffer(chunk.buffers()[1], dtype=kind)[chunk.offset : chunk.offset + len(chunk) + 1]
    return offsets, np.frombuffer(chunk.buffers()[2], dtype=np.uint8)


def used_bytes(chunk: pa.Array) -> npt.NDArray[np.uint8]:
    """The bytes of every cell of a string array, concatenated."""
    offsets, data = chunk_bytes(chunk)
    return data[offsets[0] : offsets[-1]]


def any_byte(col: StrColumn, table: npt.NDArray[np.bool_]) -> bool:
    """Whether any cell holds a byte *b* with ``table[b]`` true."""
    return any(table[used_bytes(chunk)].any() for chunk in col.chunks)


def has_nul(col: StrColumn) -> bool:
    """Whether any cell holds a NUL character."""
    return not all(used_bytes(chunk).all() for chunk in col.chunks)


def _may_need_strip(chunk: pa.Array) -> npt.NDArray[np.bool_]:
    """Cells whose first byte may open, or last byte may close, a white-space
    character: a superset of the cells :func:`strip` changes."""
    offsets, data = chunk_bytes(chunk)
    if not len(data):
        return np.zeros(len(chunk), dtype=bool)
    starts, ends = offsets[:-1], offsets[1:]
    top = len(data) - 1
    return (ends > starts) & (_WS_FIRST[data[np.minimum(starts, top)]] | _WS_LAST[data[np.maximum(ends - 1, 0)]])


def strip(col: StrColumn) -> StrColumn:
    """``cell.strip()`` of every cell.  Only cells that may start or end
    with white space are trimmed; a column without any is returned as it is
    (no copy of millions of names)."""
    chunks = []
    for chunk in col.chunks:
        candidates = np.flatnonzero(_may_need_strip(chunk))
        if len(candidates):
            before = chunk.take(pa.array(candidates))
            trimmed = pc.utf8_trim(before, characters=WHITESPACE)
            changed = mask(pc.not_equal(pc.binary_length(before), pc.binary_length(trimmed)))
            if changed.any():
                replace = np.zeros(len(chunk), dtype=bool)
                replace[candidates[changed]] = True
                chunk = pc.replace_with_mask(chunk, pa.array(replace), trimmed.filter(pa.array(changed)))
        chunks.append(chunk)
    return pa.chunked_array(chunks, type=col.type)


def mask(values: pa.ChunkedArray | pa.Array) -> npt.NDArray[np.bool_]:
    """A boolean arrow result as a numpy mask (null counts as false)."""
    return np.asarray(pc.fill_null(values, False).to_numpy(zero_copy_only=False), dtype=bool)


def nonempty(col: StrColumn) -> npt.NDArray[np.bool_]:
    """``cell != ""`` of every cell."""
    return mask(pc.not_equal(col, ""))


def equals(col: StrColumn, text: str) -> npt.NDArray[np.bool_]:
    return mask(pc.equal(col, text))


def strictly_increasing(col: StrColumn) -> bool:
    """Whether every cell sorts after the one above it (then no value
    repeats): one vectorised pass, no hash table, for the rosters that
    registries export in USCC order."""
    n = len(col)
    if n < 2:
        return True
    return bool(pc.all(pc.greater(col.slice(1), col.slice(0, n - 1))).as_py())


#: Odd 64-bit multipliers of the words of a cell in :func:`maybe_repeated`.
_MIX = np.array([0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0xD6E8FEB86659FD93,
                 0xFF51AFD7ED558CCD, 0xC4CEB9FE1A85EC53, 0x94D049BB133111EB, 0xBF58476D1CE4E5B9], dtype=np.uint64)


def maybe_repeated(col: StrColumn) -> npt.NDArray[np.bool_]:
    """A superset of the cells whose value occurs more than once, found
    without a hash table of millions of strings: the cells of the most
    common byte length (18 for USCCs) are compared by a 64-bit fingerprint
    of their bytes (equal cells have equal fingerprints); every other
    non-empty cell is a candidate."""
    n = len(col)
    lengths = np.asarray(pc.binary_length(col).to_numpy(zero_copy_only=False), dtype=np.int64)
    out = lengths > 0
    if n < 2 or not out.any():
        return out & (n > 1)
    width = int(np.bincount(lengths[out]).argmax())
    same = np.flatnonzero(lengths == width)
    words = -(-width // 8)
    if width == 0 or words > len(_MIX) or len(same) < 2:
        return out
    flat = col.take(pa.array(same)).combine_chunks()
    cells = used_bytes(flat).reshape(-1, width)
    padded = np.zeros((len(same), 8 * words), dtype=np.uint8)
    padded[:, :width] = cells
    with np.errstate(over="ignore"):
        fingerprint = padded.view(np.uint64) @ _MIX[:words] if words > 1 else padded.view(np.uint64)[:, 0] * _MIX[0]
    out[same] = pd.Series(fingerprint).duplicated(keep=False).to_numpy()
    return out


def encode(col: StrColumn) -> tuple[npt.NDArray[np.intp], pa.Array]:
    """Codes and distinct values (an arrow array, in order of first
    appearance): ``uniques[codes[i]] == cell i``."""
    if not len(col):
        return np.zeros(0, dtype=np.intp), pa.array([], pa.string())
    encoded = pc.dictionary_encode(col).combine_chunks()
    return encoded.indices.to_numpy(zero_copy_only=False).astype(np.intp, copy=False), encoded.dictionary


def factorize(col: StrColumn) -> tuple[npt.NDArray[np.intp], list[str]]:
    """:func:`encode` with the distinct values as Python strings (for
    columns with few of them: classes, dates, statuses, tags)."""
    codes, uniques = encode(col)
    return codes, uniques.to_pylist()


def series(col: StrColumn) -> pd.Series:
    """The column as a pandas ``str`` column (same buffers)."""
    return col.to_pandas() if len(col) else pd.Series([], dtype="str")


def take(col: StrColumn, keep: npt.NDArray[np.bool_]) -> StrColumn:
    """The cells where *keep* is true (the column itself when all are)."""
    return col if keep.all() else col.filter(pa.array(keep))
