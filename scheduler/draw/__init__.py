"""The first random: a publicly verifiable, credit-weighted, coordinated draw
of inspection targets (algorithm ``onevisit-draw-sha256-v1``, specified in
docs/draw-spec.md)."""

from scheduler.draw.rule import ALGORITHM, ALGORITHM_INDEP, DrawRule, RuleError, build_rule, parse_rule
from scheduler.draw.run import DrawResult, run_draw, write_draw
from scheduler.draw.seed import Reveal
from scheduler.draw.verify import Verification, verify

__all__ = [
    "ALGORITHM",
    "ALGORITHM_INDEP",
    "DrawResult",
    "DrawRule",
    "Reveal",
    "RuleError",
    "Verification",
    "build_rule",
    "parse_rule",
    "run_draw",
    "verify",
    "write_draw",
]
