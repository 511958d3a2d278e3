"""`leda tokens …`: the API tokens page from the shell; a new token's secret is printed once."""

import click
from flask.cli import with_appcontext

from app.db import db, in_org
from app.orgs.cli import organisation, refusals_as_errors

from . import services
from .models import ApiToken


@click.group("tokens")
def tokens_group() -> None:
    """API tokens: read-only keys to an organisation's completion report."""


@tokens_group.command("create")
@click.option("--org", "slug", required=True)
@click.option("--name", required=True, help="What uses it, e.g. 'HR system'.")
@refusals_as_errors
def create(slug: str, name: str) -> None:
    """Make a token and print it: this once, never again."""
    _token, secret = services.create_token(organisation(slug), name, None)
    click.echo(secret)


@tokens_group.command("revoke")
@click.option("--org", "slug", required=True)
@click.argument("name_or_id")
@refusals_as_errors
def revoke(slug: str, name_or_id: str) -> None:
    """Stop the token NAME_OR_ID (a name in use, or an id from `leda tokens list`)."""
    org = organisation(slug)
    token = services.active_token_named(org, name_or_id)
    if token is None and name_or_id.isdigit():
        token = db.session.scalar(in_org(ApiToken, org.id).where(ApiToken.id == int(name_or_id)))
    if token is None:
        raise click.ClickException(f"{org.slug} has no token {name_or_id!r} in use.")
    services.revoke_token(token, None)
    click.echo(f"Token {token.id} ({token.name}) revoked.")


@tokens_group.command("list")
@click.option("--org", "slug", required=True)
@with_appcontext
def list_tokens(slug: str) -> None:
    """One token a line: id, name, created, last used, revoked (UTC; - for none)."""
    for token in services.tokens_of(organisation(slug)):
        moments = (token.created_at, token.last_used_at, token.revoked_at)
        cells = [m.strftime("%Y-%m-%dT%H:%M:%SZ") if m else "-" for m in moments]
        click.echo("\t".join([str(token.id), token.name, *cells]))
