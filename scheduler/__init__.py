"""OneVisit core library: domain, inputs, draw, assignment, exports."""

__version__ = "0.1.0"
