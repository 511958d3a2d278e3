"""The `leda` console script: Flask's commands (run, shell, routes, db) plus the product's own."""

import os
import sys
from pathlib import Path
from typing import Any

import click
from flask import current_app
from flask.cli import FlaskGroup, ScriptInfo, get_debug_flag, run_command, with_appcontext
from werkzeug.serving import is_running_from_reloader

from . import ROOT, create_app
from .content import check_content
from .jobs import huey, start_background_consumer
from .ops.logs import configure_logging


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
    """Validate every content file; print each problem and exit 1 if there are errors.

    Warnings (advice to authors, such as a pool with one variant) are printed too, and the
    course still loads. Runs without the app (and without a database), since the app refuses
    to start on invalid content.
    """
    course, problems = check_content(root)
    for problem in problems:
        click.echo(str(problem), err=True)
    warnings = sum(p.warning for p in problems)
    if course is None:
        click.echo(f"{len(problems) - warnings} problem(s) and {warnings} warning(s).", err=True)
        sys.exit(1)
    lessons = sum(len(m.lessons) for m in course.modules)
    questions = sum(len(m.questions) for m in course.modules)
    asked = sum(len(m.pools) for m in course.modules)
    click.echo(
        f"{course.id} v{course.version}: {len(course.modules)} modules, {lessons} lessons, "
        f"{questions} questions ({asked} in an attempt) in {', '.join(course.locales)}: OK"
        + (f", {warnings} warning(s)" if warnings else "")
    )


@cli.command("worker")
@click.option(
    "--workers",
    "-w",
    type=click.IntRange(1),
    default=2,
    show_default=True,
    help="Worker threads running tasks at once.",
)
@with_appcontext
def worker(workers: int) -> None:
    """Run the job queue (mail and reminders now; exports later) until Ctrl-C.

    Ctrl-C lets running tasks finish; SIGTERM stops at once (a message being sent then waits
    for its claim to expire and is retried). Workers on several hosts share REDIS_URL.
    """
    if current_app.config["LEDA_HUEY_IMMEDIATE"]:
        raise click.UsageError("LEDA_HUEY_IMMEDIATE is on: tasks run in process, not here.")
    config = current_app.config
    configure_logging(config["LEDA_LOG_FORMAT"] or "text", config["LEDA_LOG_LEVEL"])
    huey.create_consumer(workers=workers, worker_type="thread", max_delay=1.0).run()


@cli.command(
    "run",
    params=run_command.params,
    help=f"{run_command.help}\n\nWithout REDIS_URL it also runs the job queue in this process.",
    short_help=run_command.short_help,
)
@click.pass_context
def run(ctx: click.Context, **options: Any) -> None:
    """Flask's `run`, plus a job consumer in the same process when there is no REDIS_URL.

    So the quick start is one command and its mail reaches instance/outbox/. With REDIS_URL,
    `leda worker` runs the queue instead (as in production). Under the reloader only the child
    process that serves requests runs the consumer.
    """
    app = ctx.ensure_object(ScriptInfo).load_app()
    reload = options["reload"] if options["reload"] is not None else get_debug_flag()
    if not app.config["REDIS_URL"] and (not reload or is_running_from_reloader()):
        start_background_consumer()
        mail = app.config["LEDA_SMTP_HOST"] or app.config["LEDA_MAIL_OUTBOX"]
        click.echo(f" * Job queue: running in this process; mail goes to {mail}")
    ctx.invoke(run_command, **options)
