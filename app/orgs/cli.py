"""`leda org …`, `leda units …`, `leda users …`: start and run an organisation without Python.

Each command calls the same service as the admin page beside it and commits once; a refusal
prints its reason and exits 1 with nothing changed.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any, BinaryIO

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from app.auth import services as auth
from app.content.models import LOCALES
from app.db import db, in_org
from app.errors import LedaError

from . import services
from .importing import MAX_IMPORT_BYTES, format_problem
from .models import Organisation, OrgUnit, Role, User

ROLE_CHOICE = click.Choice([role.value for role in Role])


def refusals_as_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    """Run in the app, commit on success; a LedaError exits 1 with its message, changing nothing."""

    @with_appcontext
    @wraps(command)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        try:
            result = command(*args, **kwargs)
        except LedaError as refusal:
            db.session.rollback()
            raise click.ClickException(str(refusal.message)) from refusal
        db.session.commit()
        return result

    return wrapped


def organisation(slug: str) -> Organisation:
    org = services.organisation_by_slug(slug)
    if org is None:
        raise click.ClickException(f"No organisation has the short name {slug!r}.")
    return org


def person(org: Organisation, email: str) -> User:
    user = db.session.scalar(in_org(User, org.id).where(User.email == services.email_key(email)))
    if user is None:
        raise click.ClickException(f"{org.slug} has nobody with the email {email!r}.")
    return user


def unit_path(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split("/")) if value.strip() else ()


@click.group("org")
def org_group() -> None:
    """Organisations (municipalities, regions)."""


@org_group.command("create")
@click.argument("slug")
@click.option("--name", required=True, help="The organisation's name, e.g. 'Vik kommune'.")
@click.option("--locale", type=click.Choice(LOCALES), default="nb", show_default=True)
@click.option("--home-page", help="Its web address, used as the xAPI account homePage.")
@refusals_as_errors
def org_create(slug: str, name: str, locale: str, home_page: str | None) -> None:
    """Create the organisation SLUG."""
    org = services.create_organisation(slug, name, locale, home_page)
    click.echo(f"Organisation {org.slug} ({org.name}) created.")


@org_group.command("settings")
@click.argument("slug")
@click.option(
    "--refreshers",
    type=click.Choice(["on", "off"]),
    help="Refreshers after a module is passed (cards and mail).",
)
@click.option(
    "--xapi-email",
    type=click.Choice(["on", "off"]),
    help="xAPI actors by e-mail address (on) or by an opaque account (off, the default).",
)
@refusals_as_errors
def org_settings(slug: str, refreshers: str | None, xapi_email: str | None) -> None:
    """Show the settings of SLUG, changing those given (as the Settings page does)."""
    org = organisation(slug)
    services.update_settings(
        org,
        None,
        refreshers_enabled=None if refreshers is None else refreshers == "on",
        xapi_email_enabled=None if xapi_email is None else xapi_email == "on",
    )
    click.echo(f"refreshers\t{'on' if org.refreshers_enabled else 'off'}")
    click.echo(f"xapi-email\t{'on' if org.xapi_email_enabled else 'off'}")


@org_group.command("list")
@with_appcontext
def org_list() -> None:
    """Every organisation: short name, default language, name."""
    for org in db.session.scalars(select(Organisation).order_by(Organisation.slug)):
        click.echo(f"{org.slug}\t{org.default_locale}\t{org.name}")


@click.group("units")
def units_group() -> None:
    """An organisation's units (sectors, services, departments)."""


@units_group.command("list")
@click.option("--org", "slug", required=True)
@with_appcontext
def units_list(slug: str) -> None:
    """Every unit's path, one a line."""
    for path in services.unit_paths(organisation(slug).id).values():
        click.echo(path)


@units_group.command("create")
@click.argument("path")
@click.option("--org", "slug", required=True)
@refusals_as_errors
def units_create(path: str, slug: str) -> None:
    """Create the unit at PATH ('Helse og omsorg/Sykehjem Nord'), and any missing parent."""
    org = organisation(slug)
    services.ensure_unit_path(org.id, unit_path(path), None)
    click.echo(f"Unit {path} is there.")


@units_group.command("move")
@click.argument("path")
@click.option("--org", "slug", required=True)
@click.option("--under", default="", help="The new parent's path; empty for the top level.")
@refusals_as_errors
def units_move(path: str, slug: str, under: str) -> None:
    """Move the unit at PATH (with its sub-units) under another unit."""
    org = organisation(slug)
    unit = existing_unit(org, path)
    parent = existing_unit(org, under) if under.strip() else None
    services.move_unit(unit, parent, None)
    click.echo(f"Unit {path} moved.")


@units_group.command("rename")
@click.argument("path")
@click.argument("name")
@click.option("--org", "slug", required=True)
@refusals_as_errors
def units_rename(path: str, name: str, slug: str) -> None:
    """Give the unit at PATH a new NAME."""
    services.rename_unit(existing_unit(organisation(slug), path), name, None)
    click.echo(f"Unit {path} renamed to {name}.")


def existing_unit(org: Organisation, path: str) -> OrgUnit:
    wanted = "/".join(unit_path(path)).lower()
    for unit_id, found in services.unit_paths(org.id).items():
        if found.lower() == wanted:
            return db.session.get(OrgUnit, unit_id)
    raise click.ClickException(f"{org.slug} has no unit {path!r}.")


@click.group("users")
def users_group() -> None:
    """People in an organisation."""


@users_group.command("create")
@click.option("--org", "slug", required=True)
@click.option("--email", required=True)
@click.option("--role", "roles", type=ROLE_CHOICE, multiple=True, help="Repeat for several.")
@click.option("--given-name", default="")
@click.option("--family-name", default="")
@click.option("--employee-number")
@click.option("--unit", default="", help="Unit path, created if missing.")
@click.option("--locale", type=click.Choice(LOCALES))
@refusals_as_errors
def users_create(
    slug: str,
    email: str,
    roles: tuple[str, ...],
    given_name: str,
    family_name: str,
    employee_number: str | None,
    unit: str,
    locale: str | None,
) -> None:
    """Create a person and print their one-time invitation link."""
    org = organisation(slug)
    user = services.create_user(
        org,
        email=email,
        given_name=given_name,
        family_name=family_name,
        roles=[Role(r) for r in roles] or [Role.LEARNER],
        employee_number=employee_number,
        unit=services.ensure_unit_path(org.id, unit_path(unit), None),
        locale=locale,
    )
    link = auth.invite(user)
    click.echo(f"{user.email} created. Invitation link (single use, valid 7 days):\n{link}")


@users_group.command("invite")
@click.option("--org", "slug", required=True)
@click.argument("email")
@refusals_as_errors
def users_invite(slug: str, email: str) -> None:
    """Print a new invitation link for EMAIL; earlier links stop working."""
    click.echo(auth.invite(person(organisation(slug), email)))


@users_group.command("list")
@click.option("--org", "slug", required=True)
@with_appcontext
def users_list(slug: str) -> None:
    """One person a line: employee number, name, email, unit path, roles (tab-separated)."""
    org = organisation(slug)
    paths = services.unit_paths(org.id)
    people = db.session.scalars(
        in_org(User, org.id)
        .where(User.erased_at.is_(None))
        .order_by(User.family_name, User.given_name, User.id)
    )
    for user in people:
        roles = "|".join(sorted(role.value for role in user.roles))
        state = "" if user.is_active else "\t(deactivated)"
        fields = [user.employee_number or "", user.name, user.email or ""]
        click.echo("\t".join([*fields, paths.get(user.unit_id or 0, ""), roles]) + state)


@users_group.command("roles")
@click.option("--org", "slug", required=True)
@click.argument("email")
@click.option("--grant", type=ROLE_CHOICE, multiple=True)
@click.option("--remove", type=ROLE_CHOICE, multiple=True)
@refusals_as_errors
def users_roles(slug: str, email: str, grant: tuple[str, ...], remove: tuple[str, ...]) -> None:
    """Grant and remove roles."""
    user = person(organisation(slug), email)
    roles = (user.roles | {Role(r) for r in grant}) - {Role(r) for r in remove}
    services.set_roles(user, roles, None)
    click.echo(f"{user.email}: {', '.join(sorted(r.value for r in roles)) or '(no roles)'}")


@users_group.command("deactivate")
@click.option("--org", "slug", required=True)
@click.argument("email")
@refusals_as_errors
def users_deactivate(slug: str, email: str) -> None:
    """Stop a person logging in (their sessions end now); their records stay."""
    services.deactivate_user(person(organisation(slug), email), None)
    click.echo(f"{email} deactivated.")


@users_group.command("reactivate")
@click.option("--org", "slug", required=True)
@click.argument("email")
@refusals_as_errors
def users_reactivate(slug: str, email: str) -> None:
    """Let a deactivated person log in again."""
    services.reactivate_user(person(organisation(slug), email), None)
    click.echo(f"{email} reactivated.")


@users_group.command("erase")
@click.option("--org", "slug", required=True)
@click.argument("email")
@click.confirmation_option(prompt="Erase this person for good?")
@refusals_as_errors
def users_erase(slug: str, email: str) -> None:
    """Erase a person (GDPR): only anonymous counts of their progress remain."""
    services.erase_user(person(organisation(slug), email), None)
    click.echo(f"{email} erased.")


@users_group.command("import")
@click.argument("file", type=click.File("rb"))
@click.option("--org", "slug", required=True)
@click.option("--dry-run", is_flag=True, help="Check the file and say what it would do.")
@with_appcontext
def users_import(file: BinaryIO, slug: str, dry_run: bool) -> None:
    """Create or update people from a CSV file saved by Excel (see the README for columns).

    Every problem is printed with its line and column, and a file with any problem changes
    nothing; a good file is applied in one transaction.
    """
    org = organisation(slug)
    data = file.read(MAX_IMPORT_BYTES + 1)
    plan = services.plan_import(org, data)
    for problem in plan.problems:
        click.echo(format_problem(problem), err=True)
    if plan.problems:
        raise click.ClickException(f"{len(plan.problems)} problem(s): nothing was imported.")
    if dry_run:
        click.echo(f"The file would add {plan.new} and change {plan.changed} people (dry run).")
        return
    services.apply_import(org, data, None)
    db.session.commit()
    click.echo(f"Added {plan.new} and changed {plan.changed} people.")


@users_group.command("invite-pending")
@click.option("--org", "slug", required=True)
@refusals_as_errors
def users_invite_pending(slug: str) -> None:
    """Send an invitation mail to everyone active who has not set a password yet."""
    count = auth.invite_pending(organisation(slug), None)
    click.echo(f"{count} invitation(s) queued.")


@click.command("purge")
@click.option(
    "--inactive-for",
    "days",
    type=click.IntRange(min=1),
    required=True,
    help="Erase people deactivated at least this many days ago.",
)
@refusals_as_errors
def purge(days: int) -> None:
    """Retention: erase everyone deactivated for DAYS or more, in every organisation."""
    click.echo(f"{services.purge_inactive(days)} person(s) erased.")
