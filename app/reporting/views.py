"""HR's Reports page: the dashboard, and the completion report, filtered, downloaded as CSV,
XLSX or JSON Lines.

The download is a POST: it writes the audit entry, and a GET never writes."""

import tempfile

from flask import Blueprint, render_template, send_file
from flask_babel import format_date, get_locale
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from app.auth.access import role_required
from app.content import current_course
from app.content.models import text_in
from app.db import db, in_org, utcnow
from app.i18n import content_locale
from app.onboarding.models import Assignment, Target
from app.onboarding.team import local_day
from app.orgs.models import Role

from .dashboard import dashboard
from .formats import MEDIA_TYPES
from .forms import CompletionReportForm
from .services import export_completions

bp = Blueprint("reporting", __name__, template_folder="templates", url_prefix="/reports")


def _form() -> CompletionReportForm:
    org = current_user.organisation
    assignments = db.session.scalars(in_org(Assignment, org.id).order_by(Assignment.id)).all()
    labels = {Target.PERSON: _("To one person"), Target.UNIT: _("To a unit"),
              Target.COHORT: _("To a cohort"), Target.RULE: _("Rule")}  # fmt: skip
    return CompletionReportForm(
        org,
        current_course(),
        content_locale(),
        [(a.id, f"{a.id}: {a.name or labels[a.target]}") for a in assignments],
    )


@bp.get("")
@role_required(Role.HR, Role.ADMIN)
def reports() -> str:
    """The dashboard, and the form for the completion report."""
    board = dashboard(current_user.organisation, utcnow())
    modules = current_course().modules
    return render_template(
        "reporting/reports.html",
        form=_form(),
        board=board,
        modules=modules,
        modules_rows=[
            (text_in(m.title, content_locale()), board.modules[m.id].passed_percent)
            for m in modules
        ],
        units_rows=[(path or _("No unit"), r.passed_percent) for path, _n, r in board.units],
        weeks_rows=[(format_date(monday, "medium"), count) for monday, count in board.weeks],
        text_in=text_in,
    )


@bp.post("/completions")
@role_required(Role.HR, Role.ADMIN)
def completions() -> Response | tuple[str, int]:
    form = _form()
    if not form.validate_on_submit():
        return render_template("reporting/reports.html", form=form, board=None), 400
    # Spooled: small reports stay in memory, large ones go to disk, so memory stays flat.
    spool = tempfile.SpooledTemporaryFile(max_size=8 * 2**20)  # noqa: SIM115 (send_file closes it)
    export_completions(
        current_user.organisation,
        current_user,
        form.filters(),
        form.format.data,
        spool,
        str(get_locale()),
        form.delimiter.data or None,
    )
    db.session.commit()
    spool.seek(0)
    name = f"completions-{local_day(utcnow())}.{form.format.data}"
    return send_file(
        spool, mimetype=MEDIA_TYPES[form.format.data], as_attachment=True, download_name=name
    )
