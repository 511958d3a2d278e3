"""`leda export ...`: the course as files for other systems, the same bytes as the UI gives."""

import os
import tempfile
from pathlib import Path

import click
from flask.cli import with_appcontext

from app.content import current_course
from app.content.models import LOCALES

from .scorm import SCORM_STANDARDS, write_scorm_package


@click.group("export")
def export() -> None:
    """Export the course for other systems."""


@export.command("scorm")
@click.option(
    "--standard",
    type=click.Choice(list(SCORM_STANDARDS)),
    required=True,
    help="SCORM 1.2, or SCORM 2004 4th Edition.",
)
@click.option(
    "--locale", type=click.Choice(LOCALES), required=True, help="Language of the package."
)
@click.option(
    "--module",
    "module_id",
    metavar="ID",
    help="Only this module, as a package of its own (default: the whole course as one SCO).",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    required=True,
    help="The zip file to write.",
)
@with_appcontext
def export_scorm(standard: str, locale: str, module_id: str | None, out: Path) -> None:
    """Write the course, or one module of it, as a SCORM package of one SCO.

    The zip is written beside OUT and moved into place when complete, so an LMS upload never
    picks up half a file.
    """
    course = current_course()
    if locale not in course.locales:
        raise click.BadParameter(
            f"the course is written in {', '.join(course.locales)}", param_hint="--locale"
        )
    if module_id is not None and course.module(module_id) is None:
        raise click.BadParameter(
            f"the course has no module {module_id}; its modules are "
            + ", ".join(m.id for m in course.modules),
            param_hint="--module",
        )
    out = out.resolve()
    handle, tmp_name = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as tmp:
            write_scorm_package(course, standard, locale, tmp, module_id)
        os.chmod(tmp_name, 0o644)
        os.replace(tmp_name, out)
    except BaseException:
        os.unlink(tmp_name)
        raise
    content = f"module {module_id}" if module_id else f"{len(course.modules)} modules"
    click.echo(f"{out}: {SCORM_STANDARDS[standard].label}, {locale}, {content}, one SCO")
