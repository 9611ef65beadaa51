"""统一社会信用代码 (Unified Social Credit Code, USCC) per GB 32100-2015.

An 18-character code: registration authority (1), entity category (1),
administrative division (6), organisation code body (9, GB 11714) and a
check character.  The alphabet is the 31 characters ``0-9`` and the upper-case
letters except I, O, Z, S, V.  The check character is
``ALPHABET[(31 - sum(value(c_i) * W_i) mod 31) mod 31]`` with the weights
``W_i = 3**i mod 31`` for i = 0..16.

Both a scalar API (for messages and tests) and a vectorised numpy/arrow API
(for rosters of millions of rows) are provided; they share the same tables.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = tuple(pow(3, i, 31) for i in range(17))  # 1, 3, 9, 27, 19, 26, ...
LENGTH = 18

_VALUE = {c: i for i, c in enumerate(ALPHABET)}

# byte -> value lookup for the vectorised path; -1 marks a character outside
# the alphabet.
_LUT = np.full(256, -1, dtype=np.int16)
for _c, _v in _VALUE.items():
    _LUT[ord(_c)] = _v
_WEIGHTS_ARR = np.array(WEIGHTS, dtype=np.int64)
_ALPHABET_BYTES = np.frombuffer(ALPHABET.encode("ascii"), dtype=np.uint8)

# GB 11714 organisation code (characters 9-17 of the USCC) check character.
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def normalise(raw: str) -> str:
    """The one USCC normalisation used everywhere: fold full-width forms
    (NFKC: ``９１`` → ``91``, ``Ａ`` → ``A``), remove all white space (also
    the ideographic space U+3000) and upper-case."""
    text = raw if raw.isascii() else unicodedata.normalize("NFKC", raw)
    return "".join(text.split()).upper()


def normalise_all(codes: Iterable[str]) -> list[str]:
    """:func:`normalise` of many codes; each distinct code is normalised once."""
    cache: dict[str, str] = {}
    out = []
    for code in codes:
        norm = cache.get(code)
        if norm is None:
            norm = cache[code] = normalise(code)
        out.append(norm)
    return out


def check_char(body17: str) -> str:
    """Return the GB 32100 check character for the first 17 characters."""
    if len(body17) != 17:
        raise ValueError("body must have 17 characters")
    total = sum(_VALUE[c] * w for c, w in zip(body17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def problem(code: str) -> str | None:
    """Return a Chinese description of what is wrong with *code*, or None.

    *code* must already be normalised (see :func:`normalise`).
    """
    if not code:
        return "为空"
    if len(code) != LENGTH:
        return f"应为 18 位，实际 {len(code)} 位"
    bad = sorted({c for c in code if c not in _VALUE})
    if bad:
        return "含非法字符 " + "".join(bad) + "（不得使用 I、O、Z、S、V 及标点）"
    if check_char(code[:17]) != code[17]:
        return f"校验位错误（应为 {check_char(code[:17])}）"
    return None


def is_valid(code: str) -> bool:
    return problem(normalise(code)) is None


def org_check_char(body8: str) -> str:
    """GB 11714 check character for an 8-character organisation code body."""
    total = sum(_VALUE[c] * w for c, w in zip(body8, _ORG_WEIGHTS, strict=True))
    r = 11 - total % 11
    return "X" if r == 10 else "0" if r == 11 else str(r)


def check_chars_bytes(bodies: npt.NDArray[np.uint8]) -> npt.NDArray[np.uint8]:
    """Vectorised check characters for an ``(n, 17)`` array of ASCII bytes."""
    values = _LUT[bodies].astype(np.int64)
    if (values < 0).any():
        raise ValueError("body contains characters outside the USCC alphabet")
    total = values @ _WEIGHTS_ARR
    return _ALPHABET_BYTES[(31 - total % 31) % 31]


#: Codes checked per numpy batch (bounds the temporary arrays to a few MiB).
_BATCH = 1 << 16


def _valid_rows(raw: npt.NDArray[np.uint8]) -> npt.NDArray[np.bool_]:
    """Validity of an ``(n, 18)`` array of bytes: every character in the
    alphabet and the right check character (GB 32100-2015)."""
    ok = np.empty(len(raw), dtype=bool)
    for start in range(0, len(raw), _BATCH):
        values = _LUT[raw[start : start + _BATCH]]
        chars_ok = (values >= 0).all(axis=1)
        total = np.where(values[:, :17] < 0, 0, values[:, :17]).astype(np.int64) @ _WEIGHTS_ARR
        expected = (31 - total % 31) % 31
        ok[start : start + _BATCH] = chars_ok & (expected == values[:, 17])
    return ok


def valid_mask(codes: npt.NDArray[np.object_] | list[str]) -> npt.NDArray[np.bool_]:
    """Vectorised validity test for normalised codes (any length/content)."""
    arr = np.asarray(codes, dtype=object)
    n = len(arr)
    ok = np.zeros(n, dtype=bool)
    if n == 0:
        return ok
    lengths = np.fromiter((len(c) for c in arr), dtype=np.int64, count=n)
    right_len = lengths == LENGTH
    idx = np.flatnonzero(right_len)
    if idx.size == 0:
        return ok
    joined = "".join(arr[idx]).encode("utf-8", errors="replace")
    if len(joined) != LENGTH * idx.size:  # some non-ASCII characters present
        ascii_ok = np.fromiter(
            (c.isascii() for c in arr[idx]), dtype=bool, count=idx.size
        )
        idx = idx[ascii_ok]
        joined = "".join(arr[idx]).encode("ascii")
    ok[idx] = _valid_rows(np.frombuffer(joined, dtype=np.uint8).reshape(-1, LENGTH))
    return ok


# ---------------------------------------------------------------------------
# Columns (arrow string arrays), for rosters of millions of rows
# ---------------------------------------------------------------------------

#: ASCII white space as ``str.split()`` sees it.
_ASCII_SPACE = "[\t\n\x0b\x0c\r\x1c-\x1f ]"


#: Bytes that :func:`normalise` may change: white space, lower case, non-ASCII.
_UNUSUAL = np.zeros(256, dtype=bool)
_UNUSUAL[[ord(c) for c in "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f abcdefghijklmnopqrstuvwxyz"]] = True
_UNUSUAL[0x80:] = True


def _used_bytes(chunk: pa.Array) -> npt.NDArray[np.uint8]:
    """The bytes of every cell of a string array, concatenated (a view)."""
    if len(chunk) == 0:
        return np.zeros(0, dtype=np.uint8)
    kind = np.int64 if chunk.type == pa.large_string() else np.int32
    offsets = np.frombuffer(chunk.buffers()[1], dtype=kind)[chunk.offset : chunk.offset + len(chunk) + 1]
    return np.frombuffer(chunk.buffers()[2], dtype=np.uint8)[offsets[0] : offsets[-1]]


def _bool(values: pa.ChunkedArray | pa.Array) -> npt.NDArray[np.bool_]:
    return np.asarray(pc.fill_null(values, False).to_numpy(zero_copy_only=False), dtype=bool)


def normalise_column(codes: pa.ChunkedArray) -> pa.ChunkedArray:
    """:func:`normalise` of every cell of an arrow string column: ASCII
    cells are upper-cased in arrow, the few others (white space inside,
    full-width characters) go through :func:`normalise` itself."""
    if not any(_UNUSUAL[_used_bytes(chunk)].any() for chunk in codes.chunks):
        return codes  # upper-case ASCII without white space: nothing to do
    odd = ~_bool(pc.string_is_ascii(codes)) | _bool(pc.match_substring_regex(codes, _ASCII_SPACE))
    out = pc.ascii_upper(codes) if _bool(pc.match_substring_regex(codes, "[a-z]")).any() else codes
    if odd.any():
        idx = np.flatnonzero(odd)
        fixed = pa.array([normalise(c) for c in codes.take(pa.array(idx)).to_pylist()], codes.type)
        out = pa.chunked_array([pc.replace_with_mask(out.combine_chunks(), pa.array(odd), fixed)])
    return out


def _fixed_width(codes: pa.ChunkedArray) -> npt.NDArray[np.uint8]:
    """The bytes of a column whose cells all have 18 bytes, as an ``(n, 18)``
    array (a view of the arrow buffer when the column has one chunk)."""
    flat = codes.combine_chunks() if codes.num_chunks != 1 else codes.chunk(0)
    return _used_bytes(flat).reshape(-1, LENGTH)


def valid_column(codes: pa.ChunkedArray) -> npt.NDArray[np.bool_]:
    """:func:`valid_mask` of an arrow string column of normalised codes."""
    ok = np.zeros(len(codes), dtype=bool)
    right_len = np.asarray(pc.binary_length(codes).to_numpy(zero_copy_only=False)) == LENGTH
    idx = np.flatnonzero(right_len)
    if idx.size:
        subset = codes if idx.size == len(codes) else codes.take(pa.array(idx))
        ok[idx] = _valid_rows(_fixed_width(subset))
    return ok


def code_bytes(codes: pa.ChunkedArray) -> npt.NDArray[np.bytes_]:
    """Valid normalised codes as a numpy ``S18`` array (ASCII bytes)."""
    return np.ascontiguousarray(_fixed_width(codes)).view(f"S{LENGTH}").reshape(-1)
