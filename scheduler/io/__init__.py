"""Input readers: rosters, round file, calendar; validation with row-level
problems (see :mod:`scheduler.io.problems`).  Inputs are paths or in-memory
:class:`Source` objects (name and bytes)."""

from scheduler.io.dataset import Inputs, discover, load
from scheduler.io.problems import InputError, Problem, Report, Severity
from scheduler.io.source import Source, SourceLike

__all__ = ["InputError", "Inputs", "Problem", "Report", "Severity", "Source", "SourceLike", "discover", "load"]
