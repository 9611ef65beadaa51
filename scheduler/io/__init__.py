"""Input readers: rosters, round file, calendar; validation with row-level
problems (see :mod:`scheduler.io.problems`)."""

from scheduler.io.dataset import Inputs, discover, load
from scheduler.io.problems import InputError, Problem, Report, Severity

__all__ = ["InputError", "Inputs", "Problem", "Report", "Severity", "discover", "load"]
