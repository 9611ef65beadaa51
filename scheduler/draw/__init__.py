"""The first random: a publicly verifiable, credit-weighted, coordinated draw
of inspection targets (algorithm ``onevisit-draw-sha256-v2``, specified in
docs/draw-spec.md), published as a public folder that reveals no credit class
and a sealed folder for the oversight party."""

from scheduler.draw.publish import SEALED_DIR, write_draw
from scheduler.draw.rule import ALGORITHM, ALGORITHM_INDEP, DrawRule, RuleError, build_rule, parse_rule
from scheduler.draw.run import DrawResult, run_draw
from scheduler.draw.seed import Reveal
from scheduler.draw.selfcheck import SelfCheck, self_check
from scheduler.draw.verify import Verification, verify

__all__ = [
    "ALGORITHM",
    "ALGORITHM_INDEP",
    "SEALED_DIR",
    "DrawResult",
    "DrawRule",
    "Reveal",
    "RuleError",
    "SelfCheck",
    "Verification",
    "build_rule",
    "parse_rule",
    "run_draw",
    "self_check",
    "verify",
    "write_draw",
]
