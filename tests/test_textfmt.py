"""Display width: the fast regex agrees with Unicode's East Asian Width."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from scheduler.textfmt import pad, width

ALPHABET = st.one_of(
    st.characters(min_codepoint=0x20, max_codepoint=0x7E),  # ASCII
    st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),  # CJK ideographs
    st.characters(min_codepoint=0x3000, max_codepoint=0x303E),  # CJK punctuation
    st.characters(min_codepoint=0xFF01, max_codepoint=0xFF60),  # full-width forms
    st.sampled_from("（）；、，：“”《》·—"),
)


@given(st.text(alphabet=ALPHABET, max_size=40))
def test_width_matches_east_asian_width(text: str) -> None:
    assert width(text) == sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def test_pad_aligns_chinese() -> None:
    assert pad("城关镇", 8) == "城关镇  " and pad("12", 4, right=True) == "  12"
