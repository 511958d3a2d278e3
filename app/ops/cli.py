"""`leda doctor`: what a deployment's configuration lacks, and what to do about it; `leda
backup` and `leda restore`."""

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from app.db import db

from . import backup, services

MARKS = {services.Status.OK: "ok  ", services.Status.WARN: "warn", services.Status.FAIL: "FAIL"}


@click.command("doctor")
def doctor() -> None:
    """Check the configuration, the database, migrations, Redis and the job queue."""
    checks = services.doctor()
    for check in checks:
        click.echo(f"{MARKS[check.status]}  {check.name}: {check.detail}")
    failed = [c for c in checks if c.status == services.Status.FAIL]
    warned = [c for c in checks if c.status == services.Status.WARN]
    click.echo(f"{len(failed)} to fix, {len(warned)} to consider for production.")
    if failed:
        raise SystemExit(1)


@click.command("backup")
@with_appcontext
@click.option(
    "--out",
    required=True,
    type=click.Path(path_type=Path),
    help="The backup file to write (replaced only once the new one is complete).",
)
def backup_command(out: Path) -> None:
    """Back up the whole database to a file, safely while the app runs."""
    url = current_app.config["SQLALCHEMY_DATABASE_URI"]
    started = time.monotonic()
    with _refusals():
        made = backup.backup(url, out)
    click.echo(
        f"Backed up {backup.describe(url)} at migration {made.revision} to {out}"
        f" ({_size(made.size)}) in {time.monotonic() - started:.1f} s."
    )


@click.command("restore")
@with_appcontext
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask: replace the database without a question.")
def restore_command(file: Path, yes: bool) -> None:
    """Replace everything in the database with a backup made by `leda backup`."""
    url = current_app.config["SQLALCHEMY_DATABASE_URI"]
    with _refusals():
        migrations = Path(current_app.extensions["migrate"].directory)
        found = backup.check_restorable(url, file, backup.code_revisions(migrations))
    if not yes:
        click.confirm(
            f"Replace everything in {backup.describe(url)} with {file}"
            f" (migration {found.revision}, {_size(found.size)})?",
            abort=True,
        )
    started = time.monotonic()
    db.session.remove()  # this process's connections must hold no lock the restore waits for
    db.engine.dispose()
    with _refusals():
        backup.restore(url, found)
    click.echo(
        f"Restored {file} into {backup.describe(url)} in {time.monotonic() - started:.1f} s;"
        f" it is at migration {found.revision}."
    )
    migrations_now = services.migrations_check()
    if migrations_now.status == services.Status.FAIL:
        click.echo("This code needs a newer one: run `leda db upgrade`.")


@contextmanager
def _refusals() -> Iterator[None]:
    """A BackupRefused ends the command with its message and exit status 1."""
    try:
        yield
    except backup.BackupRefused as refusal:
        raise click.ClickException(str(refusal.message)) from refusal


def _size(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB" if size >= 100_000 else f"{size / 1000:.1f} kB"
