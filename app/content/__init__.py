"""Course content: parsed from course/ and modules/ once at start, immutable afterwards."""

from pathlib import Path

from flask import Flask, abort, current_app

from .check import Problem, check_content
from .models import Course, Module


class ContentError(Exception):
    """The content has problems; the app refuses to start rather than half-load it."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("invalid course content:\n" + "\n".join(str(p) for p in problems))


def init_content(app: Flask) -> None:
    course, problems = check_content(Path(app.config["LEDA_CONTENT_ROOT"]))
    if course is None:
        raise ContentError([p for p in problems if not p.warning])
    app.extensions["leda_course"] = course


def current_course() -> Course:
    return current_app.extensions["leda_course"]


def module_or_404(module_id: str) -> Module:
    module = current_course().module(module_id)
    if module is None:
        abort(404)
    return module
