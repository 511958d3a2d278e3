"""`leda export xapi`: an organisation's statements as JSON Lines, the same as the service gives;
`leda xapi lrs`: the LRS its statements are pushed to as they happen."""

import io
from datetime import UTC, datetime
from pathlib import Path

import click
from flask.cli import with_appcontext

from app.files import private_writer
from app.orgs.cli import organisation, refusals_as_errors
from app.orgs.services import organisation_by_slug

from . import outbox
from .statements import write_statements


def _since(_context: click.Context, _param: click.Parameter, value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is not an ISO 8601 time such as 2026-03-01 or 2026-03-01T08:00:00+01:00"
        ) from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


@click.command("xapi")
@click.option("--org", "slug", metavar="SLUG", required=True, help="The organisation.")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    required=True,
    help="The JSON Lines file to write (one statement per line).",
)
@click.option(
    "--since",
    metavar="ISO-TIME",
    callback=_since,
    help="Only events at or after this time (UTC unless it names a zone).",
)
@with_appcontext
def export_xapi(slug: str, out: Path, since: datetime | None) -> None:
    """Write the xAPI 1.0.3 statements of what the organisation's learners did.

    The file is private (0600: it is about people) and written beside OUT, then moved into
    place when complete.
    """
    org = organisation_by_slug(slug)
    if org is None:
        raise click.BadParameter(f"no organisation has the short name {slug!r}", param_hint="--org")
    out = out.resolve()
    with private_writer(out) as binary:
        text = io.TextIOWrapper(binary, encoding="utf-8", newline="\n")
        count = write_statements(org, text, since)
        text.flush()
        text.detach()
    click.echo(f"{out}: {count} statements")


@click.group("xapi")
def xapi_group() -> None:
    """xAPI: an organisation's Learning Record Store."""


@xapi_group.command("lrs")
@click.argument("slug")
@click.option(
    "--endpoint", metavar="URL", help="The LRS's xAPI endpoint; statements go to URL/statements."
)
@click.option("--key", help="The LRS's basic-auth key (user name); the secret is asked for.")
@click.option("--off", is_flag=True, help="Send nothing more to an LRS.")
@refusals_as_errors
def lrs(slug: str, endpoint: str | None, key: str | None, off: bool) -> None:
    """Show, set or remove SLUG's LRS (never its secret) and its outbox's counts."""
    org = organisation(slug)
    if off:
        outbox.remove_lrs(org)
    elif endpoint or key:
        if not (endpoint and key):
            raise click.UsageError("give both --endpoint and --key")
        secret = click.prompt("LRS secret", hide_input=True)
        outbox.set_lrs(org, endpoint, key, secret)
    settings = outbox.lrs_of(org.id)
    waiting, sent = outbox.pending_count(org.id)
    click.echo(f"endpoint\t{settings.endpoint if settings else '-'}")
    click.echo(f"key\t{settings.key if settings else '-'}")
    click.echo(f"waiting\t{waiting}")
    click.echo(f"sent\t{sent}")
