"""xAPI 1.0.3: what learners did, as statements for a Learning Record Store (issue 12)."""

from flask import Flask


def init_xapi(app: Flask) -> None:
    """Register the outbox's hooks with learning and its tasks with the job queue."""
    from . import outbox  # noqa: F401  (the hooks and, through it, the tasks)
