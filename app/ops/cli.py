"""`leda doctor`: what a deployment's configuration lacks, and what to do about it."""

import click

from . import services

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
