"""The `leda` console script: Flask's commands (run, shell, routes, db) plus the product's own."""

import os
import sys
from pathlib import Path

import click
from flask.cli import FlaskGroup

from . import ROOT, create_app
from .content import check_content


@click.group(cls=FlaskGroup, create_app=create_app)
def cli() -> None:
    """Leda: microlearning for leaders in the public sector."""


@cli.group()
def course() -> None:
    """Course content in course/ and modules/."""


@course.command("check")
@click.option(
    "--root",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=lambda: Path(os.environ.get("LEDA_CONTENT_ROOT") or ROOT),
    help="Folder holding course/ and modules/.",
)
def course_check(root: Path) -> None:
    """Validate every content file; print each problem and exit 1 if there are any.

    Runs without the app (and without a database), since the app refuses to start on
    invalid content.
    """
    course, problems = check_content(root)
    for problem in problems:
        click.echo(str(problem), err=True)
    if course is None:
        click.echo(f"{len(problems)} problem(s) found.", err=True)
        sys.exit(1)
    lessons = sum(len(m.lessons) for m in course.modules)
    questions = sum(len(m.questions) for m in course.modules)
    click.echo(
        f"{course.id} v{course.version}: {len(course.modules)} modules, {lessons} lessons, "
        f"{questions} questions in {', '.join(course.locales)}: OK"
    )
