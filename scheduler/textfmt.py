"""Plain-text tables that line up with Chinese (double-width) characters."""

from __future__ import annotations

import re
from collections.abc import Sequence

# Wide and full-width ranges (Unicode East Asian Width W/F), as one regex so
# that measuring 10^5 cells stays fast.
_WIDE = re.compile(
    "[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf"
    "\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\U00020000-\U0003fffd]"
)


def width(text: str) -> int:
    """Display width in terminal/spreadsheet cells: wide characters count 2."""
    return len(text) if text.isascii() else len(text) + len(_WIDE.findall(text))


def pad(text: str, cells: int, right: bool = False) -> str:
    fill = " " * max(0, cells - width(text))
    return fill + text if right else text + fill


def table(headers: Sequence[str], rows: Sequence[Sequence[object]], indent: str = "  ") -> str:
    """Left-aligned text columns, right-aligned numbers."""
    cells = [[str(h) for h in headers]] + [[f"{v:,}" if isinstance(v, int) else str(v) for v in r] for r in rows]
    numeric = [all(isinstance(r[i], int) for r in rows) for i in range(len(headers))]
    widths = [max(width(r[i]) for r in cells) for i in range(len(headers))]
    lines = []
    for n, r in enumerate(cells):
        line = "  ".join(pad(c, widths[i], right=numeric[i] and n > 0) for i, c in enumerate(r))
        lines.append(indent + line.rstrip())
        if n == 0:
            lines.append(indent + "  ".join("-" * w for w in widths))
    return "\n".join(lines)
