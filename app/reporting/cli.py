"""`leda report completions`: the HR completion report from the shell, as on the Reports page."""

from datetime import date

import click

from app.content import current_course
from app.content.models import LOCALES
from app.db import db, in_org
from app.onboarding.models import Assignment
from app.onboarding.team import Progress
from app.orgs.cli import existing_unit, organisation, refusals_as_errors

from .completions import CompletionFilters
from .formats import FORMATS
from .services import export_completions


def _day(_ctx: click.Context, param: click.Parameter, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date; write it as YYYY-MM-DD.") from None


@click.group("report")
def report_group() -> None:
    """Reports for HR."""


@report_group.command("completions")
@click.option("--org", "slug", required=True)
@click.option("--format", "format_id", type=click.Choice(list(FORMATS)), default="csv")
@click.option("--out", "path", required=True, type=click.Path(dir_okay=False, writable=True))
@click.option("--locale", type=click.Choice(LOCALES), help="Headers' language; default: the org's.")
@click.option("--delimiter", type=click.Choice([";", ","]), help="CSV only; default by language.")
@click.option("--unit", help="Only people in this unit path or its sub-units.")
@click.option("--module", "module_id", help="Only this module.")
@click.option("--status", type=click.Choice([p.value for p in Progress]))
@click.option("--assignment", "assignment_id", type=int, help="Only what this assignment gave.")
@click.option("--due-by", callback=_day, help="Due on or before YYYY-MM-DD.")
@click.option("--completed-from", callback=_day, help="Completed on or after YYYY-MM-DD.")
@click.option("--completed-to", callback=_day, help="Completed on or before YYYY-MM-DD.")
@click.option("--overdue", is_flag=True, help="Only overdue rows.")
@refusals_as_errors
def completions(slug, format_id, path, locale, delimiter, unit, module_id, status, assignment_id,
                due_by, completed_from, completed_to, overdue) -> None:  # type: ignore[no-untyped-def]  # fmt: skip
    """One row per person and module: statuses, score, attempts, time spent, dates, due date."""
    org = organisation(slug)
    if module_id is not None and current_course().module(module_id) is None:
        raise click.ClickException(f"The course has no module {module_id!r}.")
    mine = in_org(Assignment, org.id).where(Assignment.id == assignment_id)
    if assignment_id is not None and db.session.scalar(mine) is None:
        raise click.ClickException(f"{org.slug} has no assignment {assignment_id}.")
    if completed_from and completed_to and completed_from > completed_to:
        raise click.ClickException("--completed-from is after --completed-to.")
    filters = CompletionFilters(
        unit_id=existing_unit(org, unit).id if unit else None,
        module_id=module_id,
        progress=Progress(status) if status else None,
        assignment_id=assignment_id,
        due_by=due_by,
        completed_from=completed_from,
        completed_to=completed_to,
        overdue_only=overdue,
    )
    with open(path, "wb") as stream:
        rows = export_completions(
            org, None, filters, format_id, stream, locale or org.default_locale, delimiter
        )
    click.echo(f"Wrote {rows} rows to {path}.")


@report_group.command("dashboards")
@click.option("--org", "slug", help="Only this organisation; default: all.")
def dashboards(slug: str | None) -> None:
    """Work out the dashboards of large organisations now (the job queue does it every ten
    minutes); smaller ones are counted on every view."""
    from app.db import utcnow

    from .dashboard import refresh_snapshots

    org_id = organisation(slug).id if slug else None
    stored = refresh_snapshots(utcnow(), org_id)
    click.echo(f"Stored {stored} dashboard snapshot(s).")
