"""docs/draw-spec.md §2.1: the normalisation tables are complete and equal the code's.

Each table in the page follows an HTML comment marker; the test parses it and
compares it with the readers' mappings (scheduler/io/fields.py), so a spelling
added to the code without the page (or the reverse) fails here.
"""

from __future__ import annotations

import re
from pathlib import Path

from scheduler.domain import ACTIVE_STATUSES
from scheduler.io import fields
from scheduler.io.fields import STATUS_ALIASES, canonical_status, parse_credit_class, split_tags

SPEC = Path(__file__).resolve().parents[2] / "docs" / "draw-spec.md"


def cell(text: str) -> str:
    text = text.strip().replace("\\|", "|")
    if text == "line feed":
        return "\n"
    return text[1:-1] if text.startswith("`") and text.endswith("`") else text


def table(marker: str, raw: bool = False) -> list[list[str]]:
    """The rows (header and rule skipped) of the first table after <!-- marker -->."""
    doc = SPEC.read_text(encoding="utf-8")
    after = doc[doc.index(f"<!-- {marker} -->"):]
    lines = after.splitlines()[1:]
    start = next(i for i, line in enumerate(lines) if line.startswith("|"))
    rows = []
    for line in lines[start + 2:]:
        if not line.startswith("|"):
            break
        cells = re.split(r"(?<!\\)\|", line.strip())[1:-1]
        rows.append([c.strip() if raw else cell(c) for c in cells])
    return rows


def test_the_status_alias_table_is_the_codes() -> None:
    assert {written: status for written, status in table("status-aliases")} == STATUS_ALIASES


def test_the_eligible_statuses_are_the_codes() -> None:
    doc = SPEC.read_text(encoding="utf-8")
    paragraph = doc[doc.index("<!-- eligible-statuses -->"):].split("\n\n")[0]
    listed = re.search(r"exactly: (.*?)\. ", paragraph.replace("\n", " "))
    assert listed is not None
    assert {cell(x) for x in listed.group(1).split(", ")} == set(ACTIVE_STATUSES)


def test_the_status_examples_read_as_the_page_says() -> None:
    rows = table("status-examples")
    assert len(rows) >= 10
    for written, read_as, eligible in rows:
        assert canonical_status(written) == read_as, written
        assert (read_as in ACTIVE_STATUSES) == (eligible == "yes"), written


def test_the_credit_class_table_is_the_codes() -> None:
    documented = {spelling: cell(cls) for cls, spellings in table("credit-classes", raw=True)
                  for spelling in re.findall(r"`([^`]*)`", spellings)}
    assert documented == {k: v.value for k, v in fields._CLASS_SPELLINGS.items()}
    for spelling, cls in documented.items():  # and each is read as the page says, also in full width
        assert parse_credit_class(spelling).value == cls
        assert parse_credit_class(spelling.upper().replace("(", "（").replace(")", "）")).value == cls


def test_the_tag_separator_table_is_every_separator() -> None:
    documented = {sep for sep, _ in table("tag-separators")}
    assert {f"U+{ord(sep):04X}" for sep in documented} == {cp for _, cp in table("tag-separators")}
    # Behaviour over the whole Basic Multilingual Plane: exactly these characters split "甲?乙".
    splitting = {chr(cp) for cp in range(0x10000) if not 0xD800 <= cp < 0xE000 and split_tags(f"甲{chr(cp)}乙") == ["甲", "乙"]}
    assert splitting == documented
