"""Statistical tests of the draw, with fixed seeds (deterministic).

Over many seeds the inclusion frequency of every enterprise must match its
declared probability n/N (a chi-square test on all units at once), and the
joint outcome within strata must be uniform.  The same tests must reject a
negative control: numpy's ``Generator.choice(p=…, replace=False)`` judged
against the inclusion probabilities ``n·w/W`` it is often assumed to give.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from collections import Counter
from collections.abc import Callable, Sequence
from decimal import Decimal
from itertools import combinations

import numpy as np
import pytest
from builders import make_uscc
from scipy import stats

from scheduler.draw.frame import Frames
from scheduler.draw.rule import ALGORITHM, ALGORITHM_INDEP, DrawRule, RuleItem
from scheduler.draw.select import select

Sampler = Callable[[int], list[set[int]]]  # replication -> selected unit indices per stratum


def make_rule(ratios: Sequence[Decimal], algorithm: str = ALGORITHM) -> DrawRule:
    """One item whose class-k ratio is ratios[k]."""
    item = RuleItem("X-1", "SCJG", "市场监管", "测试事项", (), dict(zip("ABCD", ratios, strict=False)) | {
        c: Decimal(0) for c in "ABCD"[len(ratios):]})
    return DrawRule(algorithm, "test", "", (dt.date(2026, 1, 5), dt.date(2026, 1, 30)), "SCJG", (item,),
                    ("存续",), dt.date(2026, 1, 5), 0, None, True, "", ())


def make_frames(sizes: Sequence[int]) -> Frames:
    """sizes[k] enterprises of class k, in one item's frame."""
    cls = np.concatenate([np.full(n, k, dtype=np.uint8) for k, n in enumerate(sizes)])
    uscc = np.array([make_uscc(i + 1) for i in range(len(cls))], dtype="S18")
    order = np.argsort(uscc)
    return Frames(uscc=uscc[order], cls=cls[order], members={"X-1": np.arange(len(cls), dtype=np.intp)})


def replication_seed(r: int) -> bytes:
    return hashlib.sha256(b"onevisit-test" + r.to_bytes(4, "big")).digest()


def onevisit_sampler(sizes: Sequence[int], ratios: Sequence[Decimal], algorithm: str = ALGORITHM) -> Sampler:
    rule, frames = make_rule(ratios, algorithm), make_frames(sizes)
    index = {code: i for i, code in enumerate(frames.uscc.tolist())}
    strata_of = frames.cls

    def sample(r: int) -> list[set[int]]:
        chosen = [index[row.uscc.encode()] for row in select(rule, frames, replication_seed(r)).rows]
        return [{i for i in chosen if strata_of[i] == k} for k in range(len(sizes))]

    return sample


def numpy_choice_sampler(weights: Sequence[Sequence[float]], sizes_n: Sequence[int]) -> Sampler:
    """The negative control: weighted sampling without replacement by numpy."""
    rng = np.random.Generator(np.random.PCG64(20261124))
    offsets = np.cumsum([0, *[len(w) for w in weights]])

    def sample(r: int) -> list[set[int]]:
        out = []
        for k, w in enumerate(weights):
            p = np.asarray(w) / np.sum(w)
            picked = rng.choice(len(w), size=sizes_n[k], replace=False, p=p)
            out.append({int(offsets[k] + i) for i in picked})
        return out

    return sample


def inclusion_test(sampler: Sampler, pi: Sequence[Sequence[float]], replications: int) -> tuple[float, float]:
    """T = Σ_h (N_h−1)/N_h · Σ_i z_i², z_i = (O_i − Rπ_i)/√(Rπ_i(1−π_i)), over
    units with 0 < π_i < 1.  Under fixed-size SRS within strata, T ~ χ² with
    Σ_h (N_h − 1) degrees of freedom.  Returns (p-value, max |z|)."""
    counts: Counter[int] = Counter()
    for r in range(replications):
        for chosen in sampler(r):
            counts.update(chosen)
    t, df, max_z, unit = 0.0, 0, 0.0, 0
    for probs in pi:
        inner = [p for p in probs if 0 < p < 1]
        zs = []
        for p in probs:
            if 0 < p < 1:
                zs.append((counts[unit] - replications * p) / math.sqrt(replications * p * (1 - p)))
            unit += 1
        if inner:
            n_h = len(probs)
            t += (n_h - 1) / n_h * sum(z * z for z in zs)
            df += n_h - 1
            max_z = max([max_z, *(abs(z) for z in zs)])
    return float(stats.chi2.sf(t, df)), max_z


SIZES = (10, 7, 20, 4)
RATIOS = (Decimal("0.3"), Decimal("0.05"), Decimal("0.45"), Decimal("0.5"))  # n = 3, 1, 9, 2


def declared(sizes: Sequence[int], ratios: Sequence[Decimal]) -> list[list[float]]:
    out = []
    for size, ratio in zip(sizes, ratios, strict=True):
        n = min(size, math.ceil(ratio * size))
        out.append([n / size] * size)
    return out


@pytest.mark.parametrize("algorithm", [ALGORITHM, ALGORITHM_INDEP])
def test_inclusion_frequencies_match_n_over_N(algorithm: str) -> None:
    replications = 3000
    p_value, max_z = inclusion_test(onevisit_sampler(SIZES, RATIOS, algorithm), declared(SIZES, RATIOS), replications)
    bonferroni = stats.norm.isf(0.001 / 2 / sum(SIZES))
    assert p_value > 0.001, p_value
    assert max_z < bonferroni, (max_z, bonferroni)


def test_negative_control_numpy_weighted_choice_is_rejected() -> None:
    weights = [[1, 1, 2, 2, 4, 4, 8, 10], [1, 2, 3, 4, 5, 6]]
    n = [3, 2]
    pi = [[k * w / sum(ws) for w in ws] for k, ws in zip(n, weights, strict=True)]
    assert all(p < 1 for ps in pi for p in ps)
    p_value, max_z = inclusion_test(numpy_choice_sampler(weights, n), pi, 3000)
    assert p_value < 1e-9, p_value
    assert max_z > 5


def test_joint_outcomes_are_uniform() -> None:
    """Two strata, N=6 n=2 and N=5 n=1: 15 × 5 = 75 equally likely samples."""
    sampler = onevisit_sampler((6, 5), (Decimal("0.3"), Decimal("0.2")))
    replications = 15_000
    outcomes: Counter[tuple[tuple[int, ...], tuple[int, ...]]] = Counter()
    for r in range(replications):
        a, b = sampler(r)
        outcomes[(tuple(sorted(a)), tuple(sorted(b)))] += 1
    possible = [(pair, (single,)) for pair in combinations(range(6), 2) for single in range(6, 11)]
    assert set(outcomes) == set(possible)
    observed = [outcomes[o] for o in possible]
    chi2, p_value = stats.chisquare(observed)
    assert p_value > 0.001, (chi2, p_value)


def test_joint_outcome_test_rejects_a_biased_sampler() -> None:
    """Negative control for the uniformity test: always keeping the unit with
    the smallest USCC in stratum A whenever its ticket is in the top half."""
    base = onevisit_sampler((6, 5), (Decimal("0.3"), Decimal("0.2")))
    outcomes: Counter[tuple[tuple[int, ...], tuple[int, ...]]] = Counter()
    for r in range(15_000):
        a, b = base(r)
        if 0 not in a and r % 3 == 0:
            a = {0, min(a)}
        outcomes[(tuple(sorted(a)), tuple(sorted(b)))] += 1
    possible = [(pair, (single,)) for pair in combinations(range(6), 2) for single in range(6, 11)]
    _, p_value = stats.chisquare([outcomes[o] for o in possible])
    assert p_value < 1e-9
