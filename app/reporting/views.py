"""HR's Reports page: the dashboard, and the completion report, filtered, made by the job
queue as CSV, XLSX or JSON Lines, with its progress and a download link.

Asking for a report is a POST (it records the export); the progress and the download are GETs
that write nothing."""

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, send_file, url_for
from flask_babel import format_date, get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from app.auth.access import role_required
from app.content import current_course
from app.content.models import text_in
from app.db import db, in_org, utcnow
from app.i18n import content_locale
from app.onboarding.models import Assignment, Target
from app.onboarding.team import local_day
from app.orgs.models import Role

from .dashboard import current_dashboard, refresh_snapshot_job
from .exports import export_path, recent_exports, request_export
from .formats import MEDIA_TYPES
from .forms import CompletionReportForm
from .models import ExportStatus, ReportExport

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


def _page(form: CompletionReportForm) -> str:
    now = utcnow()
    board, as_of = current_dashboard(current_user.organisation, now)
    modules = current_course().modules
    return render_template(
        "reporting/reports.html",
        form=form,
        board=board,
        as_of=as_of,
        exports=recent_exports(current_user, now),
        modules=modules,
        modules_rows=[
            (text_in(m.title, content_locale()), board.modules[m.id].passed_percent)
            for m in modules
        ],
        units_rows=[(path or _("No unit"), r.passed_percent) for path, _n, r in board.units],
        weeks_rows=[(format_date(monday, "medium"), count) for monday, count in board.weeks],
        text_in=text_in,
    )


@bp.get("")
@role_required(Role.HR, Role.ADMIN)
def reports() -> str:
    """The dashboard, the form for the completion report and the user's recent reports."""
    return _page(_form())


@bp.post("/refresh")
@role_required(Role.HR, Role.ADMIN)
def refresh() -> Response:
    """Work the dashboard out again now, rather than at the next ten minutes."""
    refresh_snapshot_job(current_user.org_id)
    flash(_("The figures are being worked out again. Reload the page in a minute."))
    return redirect(url_for(".reports"), 303)


@bp.post("/completions")
@role_required(Role.HR, Role.ADMIN)
def completions() -> Response | tuple[str, int]:
    form = _form()
    if not form.validate_on_submit():
        return _page(form), 400
    export = request_export(
        current_user.organisation,
        current_user,
        form.filters(),
        form.format.data,
        str(get_locale()),
        form.delimiter.data or None,
    )
    db.session.commit()
    return redirect(url_for(".export", export_id=export.id), 303)


def _own_export(export_id: int) -> ReportExport:
    """One of the signed-in user's own exports; anyone else's is a 404."""
    export = db.session.scalar(
        select(ReportExport).where(
            ReportExport.id == export_id,
            ReportExport.org_id == current_user.org_id,
            ReportExport.user_id == current_user.id,
        )
    )
    if export is None:
        abort(404)
    return export


@bp.get("/exports/<id:export_id>")
@role_required(Role.HR, Role.ADMIN)
def export(export_id: int) -> str:
    return render_template("reporting/export.html", export=_own_export(export_id))


@bp.get("/exports/<id:export_id>/status")
@role_required(Role.HR, Role.ADMIN)
def export_status(export_id: int) -> Response:
    """How far the export has come, for the page's progress bar."""
    export = _own_export(export_id)
    return jsonify(
        status=export.status.value,
        percent=export.percent,
        rows_done=export.rows_done,
        rows_total=export.rows_total,
    )


@bp.get("/exports/<id:export_id>/file")
@role_required(Role.HR, Role.ADMIN)
def export_file(export_id: int) -> Response:
    export = _own_export(export_id)
    path = export_path(export)
    if export.status != ExportStatus.DONE or not path.exists():
        abort(404)
    return send_file(
        path,
        mimetype=MEDIA_TYPES[export.format],
        as_attachment=True,
        download_name=f"completions-{local_day(export.created_at)}.{export.format}",
    )
