"""`leda assign`, `leda cohorts`, `leda rules` and `leda team`: the assignment and team pages
from the shell;
`leda remind`: the reminders job, for cron."""

import io
from datetime import datetime

import click

from app.content import current_course
from app.content.models import LOCALES
from app.db import db, in_org, utcnow
from app.orgs.cli import existing_unit, organisation, person, refusals_as_errors
from app.orgs.models import Organisation, Role

from . import services
from .models import Assignment, Cohort, Target
from .reminders import send_reminders
from .team import Progress, TeamFilters, team_view, write_csv


def _modules(module_ids: tuple[str, ...]) -> list[str]:
    return list(module_ids) or [m.id for m in current_course().modules]


DUE_OPTIONS = [
    click.option(
        "--due", "due_on", type=click.DateTime(["%Y-%m-%d"]), help="Due date, YYYY-MM-DD."
    ),
    click.option(
        "--days", "due_days", type=int, help="Or: days to complete, from when it applies."
    ),
    click.option("--module", "module_ids", multiple=True, help="A module id; repeat; default all."),
]


def _due_options(command):  # type: ignore[no-untyped-def]
    for option in reversed(DUE_OPTIONS):
        command = option(command)
    return command


@click.command("assign")
@click.option("--org", "slug", required=True)
@click.option("--email", help="One person.")
@click.option("--unit", "path", help="A unit path, e.g. 'Helse/Sykehjem Nord', with its sub-units.")
@click.option("--cohort", "cohort_name", help="A cohort, by name.")
@_due_options
@refusals_as_errors
def assign(slug, email, path, cohort_name, due_on, due_days, module_ids) -> None:  # type: ignore[no-untyped-def]
    """Assign modules to one person (--email), a unit (--unit) or a cohort (--cohort)."""
    org = organisation(slug)
    if sum(given is not None for given in (email, path, cohort_name)) != 1:
        raise click.UsageError("Give one of --email, --unit or --cohort.")
    target = Target.PERSON if email else Target.UNIT if path else Target.COHORT
    _, people = services.assign(
        org,
        None,
        target=target,
        person=person(org, email) if email else None,
        unit=existing_unit(org, path) if path else None,
        cohort=_cohort(org, cohort_name) if cohort_name else None,
        module_ids=_modules(module_ids),
        due_on=due_on.date() if due_on else None,
        due_days=due_days,
    )
    click.echo(f"Assigned to {people} people.")


def _cohort(org: Organisation, name: str) -> Cohort:
    cohort = db.session.scalar(in_org(Cohort, org.id).where(Cohort.name == name.strip()))
    if cohort is None:
        raise click.ClickException(f"{org.slug} has no cohort named {name!r}.")
    return cohort


@click.group("cohorts")
def cohorts_group() -> None:
    """Cohorts: saved groups of people that modules can be assigned to."""


@cohorts_group.command("create")
@click.argument("name")
@click.option("--org", "slug", required=True)
@click.option("--email", "emails", multiple=True, help="A person to put in it; repeat.")
@refusals_as_errors
def cohorts_create(name: str, slug: str, emails: tuple[str, ...]) -> None:
    """Make the cohort NAME, with the people given."""
    org = organisation(slug)
    people = services.people_by_email(org, " ".join(emails))
    services.create_cohort(org, name, people, None)
    click.echo(f"Cohort {name.strip()} made with {len(people)} people.")


@cohorts_group.command("add")
@click.argument("name")
@click.option("--org", "slug", required=True)
@click.option("--email", "emails", multiple=True, required=True, help="A person; repeat.")
@refusals_as_errors
def cohorts_add(name: str, slug: str, emails: tuple[str, ...]) -> None:
    """Add people to the cohort NAME; they get its assignments."""
    org = organisation(slug)
    cohort = _cohort(org, name)
    joined = services.add_to_cohort(cohort, services.people_by_email(org, " ".join(emails)))
    click.echo(f"{joined} people added to {cohort.name}.")


@cohorts_group.command("list")
@click.option("--org", "slug", required=True)
@refusals_as_errors
def cohorts_list(slug: str) -> None:
    """Every cohort of the organisation: name and how many are in it."""
    for cohort, count in services.cohorts(organisation(slug).id):
        click.echo(f"{cohort.name}\t{count}")


@click.group("rules")
def rules_group() -> None:
    """Onboarding rules: modules for whoever has a role and/or sits in a unit, now or later."""


@rules_group.command("create")
@click.argument("name")
@click.option("--org", "slug", required=True)
@click.option("--role", type=click.Choice([r.value for r in Role]))
@click.option("--unit", "path", help="A unit path, with its sub-units.")
@click.option("--yes", is_flag=True, help="Make it; without --yes only say how many it covers.")
@_due_options
@refusals_as_errors
def rules_create(name, slug, role, path, yes, due_on, due_days, module_ids) -> None:  # type: ignore[no-untyped-def]
    """Preview, or with --yes make, the rule NAME."""
    org = organisation(slug)
    unit = existing_unit(org, path) if path else None
    role = Role(role) if role else None
    if not yes:
        matches = services.preview(org, role=role, unit=unit)
        click.echo(f"{matches} people match now; add --yes to make the rule.")
        db.session.rollback()
        return
    _, people = services.assign(
        org,
        None,
        target=Target.RULE,
        name=name,
        role=role,
        unit=unit,
        module_ids=_modules(module_ids),
        due_on=due_on.date() if due_on else None,
        due_days=due_days,
    )
    click.echo(f"Rule {name} made; it applies to {people} people now.")


@rules_group.command("list")
@click.option("--org", "slug", required=True)
@refusals_as_errors
def rules_list(slug: str) -> None:
    """Every assignment of the organisation: id, target, modules, due."""
    org = organisation(slug)
    for a in db.session.scalars(in_org(Assignment, org.id).order_by(Assignment.id)):
        due = a.due_on.isoformat() if a.due_on else f"{a.due_days} days"
        label = a.name or a.target.value
        click.echo(f"{a.id}\t{label}\t{','.join(a.module_ids)}\t{due}")


def _moment(_ctx: click.Context, _param: click.Parameter, value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(
            "give an ISO 8601 date or time, e.g. 2026-03-09 or 2026-03-09T07:00+01:00"
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=services.TIMEZONE)


@click.command("remind")
@click.option(
    "--now",
    callback=_moment,
    metavar="ISO",
    help="Run as at this moment (ISO 8601; without a zone, Oslo time). Default: now.",
)
def remind(now: datetime | None) -> None:
    """Send the reminders that are due: due soon and overdue to learners, and on Mondays the
    managers' digests. Safe to run again: nothing goes twice in one period."""
    sent = send_reminders(now or utcnow())
    db.session.commit()
    click.echo(f"due soon: {sent.due_soon}")
    click.echo(f"overdue: {sent.overdue}")
    click.echo(f"mails to learners: {sent.learner_mails}")
    click.echo(f"digests to managers: {sent.digests}")


@click.command("team")
@click.option("--org", "slug", required=True)
@click.option("--manager", "email", required=True, help="The manager whose reports to list.")
@click.option(
    "--csv",
    "path",
    type=click.Path(dir_okay=False, writable=True),
    help="Write to this file (UTF-8 with a BOM, for Excel); default: print.",
)
@click.option("--locale", type=click.Choice(LOCALES), help="Default: the manager's language.")
@click.option("--module", "module_id", help="Only this module's columns, and filter by it.")
@click.option("--status", type=click.Choice([p.value for p in Progress]))
@click.option("--overdue", is_flag=True, help="Only people with a module overdue.")
@click.option("--unit", "unit", help="Only people in this unit path or its sub-units.")
@click.option("--direct", is_flag=True, help="Only the manager's direct reports.")
@refusals_as_errors
def team(slug, email, path, locale, module_id, status, overdue, unit, direct) -> None:  # type: ignore[no-untyped-def]
    """The manager's team view as CSV: everyone reporting to them, directly or not, with each
    module's status, score, dates and due date (the same rows as /team.csv)."""
    org = organisation(slug)
    manager = person(org, email)
    if not manager.has_role(Role.MANAGER):
        raise click.ClickException(f"{email} does not have the manager role.")
    if module_id is not None and current_course().module(module_id) is None:
        raise click.ClickException(f"The course has no module {module_id!r}.")
    filters = TeamFilters(
        module_id=module_id,
        progress=Progress(status) if status else None,
        overdue_only=overdue,
        unit_id=existing_unit(org, unit).id if unit else None,
        direct_only=direct,
    )
    view = team_view(manager, filters, utcnow())
    locale = locale or manager.preferred_locale
    if path is None:
        text = io.StringIO(newline="")
        write_csv(view, text, locale)
        click.echo(text.getvalue(), nl=False)
        return
    with open(path, "w", encoding="utf-8-sig", newline="") as stream:
        write_csv(view, stream, locale)
    click.echo(f"Wrote {len(view.reports)} people to {path}.")
