"""Solve jobs: their states, and a runner that solves in worker processes.
See docs/jobs.md."""

from scheduler.jobs.runner import JobRunner, JobSpec, UnknownJob
from scheduler.jobs.state import JobState, JobStatus, TransitionRefused, mark_interrupted

__all__ = ["JobRunner", "JobSpec", "JobState", "JobStatus", "TransitionRefused", "UnknownJob", "mark_interrupted"]
