"""The USCC validator against codes whose check characters were computed
independently: real codes of well-known companies (published on the national
enterprise credit information publicity system) and a from-the-standard
re-implementation written differently (string index + literal weight table)."""

from __future__ import annotations

import random

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from scheduler import uscc

# Published USCCs (国家企业信用信息公示系统).
REAL_CODES = [
    "914403001922038216",  # 华为技术有限公司
    "91440300708461136T",  # 深圳市腾讯计算机系统有限公司
    "91330100716105852F",  # 阿里巴巴（中国）有限公司
    "91110108551385082Q",  # 小米科技有限责任公司
]

# GB 32100-2015 Table: code characters and their values, and the weights, as
# printed in the standard (not derived from 3**i mod 31 as the library does).
STD_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
STD_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


def reference_check(body: str) -> str:
    s = 0
    for ch, w in zip(body, STD_WEIGHTS, strict=True):
        s += STD_CHARS.index(ch) * w
    c = 31 - s % 31
    return "0" if c == 31 else STD_CHARS[c]


@pytest.mark.parametrize("code", REAL_CODES)
def test_real_codes_are_valid(code: str) -> None:
    assert uscc.is_valid(code)
    assert uscc.problem(code) is None
    assert reference_check(code[:17]) == code[17]


@pytest.mark.parametrize("code", REAL_CODES)
def test_every_single_character_change_of_the_check_char_is_caught(code: str) -> None:
    for c in STD_CHARS:
        if c != code[17]:
            assert uscc.problem(code[:17] + c) == f"校验位错误（应为 {code[17]}）"


def test_normalise_strips_spaces_and_upper_cases() -> None:
    assert uscc.normalise(" 91440300 708461136t\u3000") == "91440300708461136T"
    assert uscc.is_valid(" 91440300 708461136t ")


def test_normalise_folds_full_width_forms() -> None:
    # full-width digits and letters, an ideographic space, a tab and a line break
    assert uscc.normalise("９１４４０３００\u3000７０８４６１１３６ｔ\t\n") == "91440300708461136T"
    assert uscc.normalise("９１４４０３００７０８４６１１３６Ｔ") == "91440300708461136T"
    assert uscc.is_valid("９１４４０３００\u3000７０８４６１１３６ｔ")
    assert uscc.normalise_all(["９１", "９１", " a "]) == ["91", "91", "A"]


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("", "为空"),
        ("9144030070846113", "应为 18 位，实际 16 位"),
        ("91440300708461136I", "含非法字符 I（不得使用 I、O、Z、S、V 及标点）"),
        ("9144030070846113-T", "含非法字符 -（不得使用 I、O、Z、S、V 及标点）"),
    ],
)
def test_problem_messages(code: str, message: str) -> None:
    assert uscc.problem(code) == message


@given(st.text(alphabet=STD_CHARS, min_size=17, max_size=17))
def test_check_char_matches_the_reference(body: str) -> None:
    assert uscc.check_char(body) == reference_check(body)


def test_vectorised_paths_agree_with_the_reference() -> None:
    rng = random.Random(7)
    bodies = ["".join(rng.choice(STD_CHARS) for _ in range(17)) for _ in range(5000)]
    arr = np.frombuffer("".join(bodies).encode(), dtype=np.uint8).reshape(-1, 17)
    got = uscc.check_chars_bytes(arr).tobytes().decode()
    assert got == "".join(reference_check(b) for b in bodies)
    good = [b + reference_check(b) for b in bodies[:2500]]
    bad = [b + STD_CHARS[(STD_CHARS.index(reference_check(b)) + 1) % 31] for b in bodies[2500:]]
    odd = ["", "ABC", "91440300708461136Ｔ", "9144030070846113\u00e9T", "91440300708461136I"]
    mask = uscc.valid_mask(good + bad + odd)
    assert mask[:2500].all()
    assert not mask[2500:].any()


def test_org_code_check_char_gb11714() -> None:
    # 华为: organisation code 19220382-1 (chars 9-17 of its USCC).
    assert uscc.org_check_char("19220382") == "1"
    # 腾讯: 70846113-6.
    assert uscc.org_check_char("70846113") == "6"
