"""Downloads for administrators: the same bytes as `leda export`."""

import io

from flask import Blueprint, render_template, request, send_file
from werkzeug.wrappers import Response

from app.auth.access import role_required
from app.content import current_course
from app.errors import LedaError
from app.i18n import _l
from app.orgs.models import Role

from .forms import ScormForm
from .scorm import SchemasMissing, scorm_filename, write_scorm_package

bp = Blueprint("export", __name__, template_folder="templates", url_prefix="/admin/export")


class ExportUnavailable(LedaError):
    message = _l("SCORM export is not installed on this server. Ask the operator to run npm ci.")
    status = 503


@bp.get("/")
@role_required(Role.ADMIN)
def index() -> str:
    form = ScormForm.for_course(current_course(), formdata=None)
    return render_template("export/index.html", form=form)


@bp.get("/scorm")
@role_required(Role.ADMIN)
def scorm() -> Response | tuple[str, int]:
    course = current_course()
    form = ScormForm.for_course(course, formdata=request.args)
    if not form.validate():
        return render_template("export/index.html", form=form), 400
    out = io.BytesIO()
    try:
        write_scorm_package(course, form.standard.data, form.locale.data, out, form.module_id())
    except SchemasMissing as error:
        raise ExportUnavailable() from error
    out.seek(0)
    return send_file(
        out,
        mimetype="application/zip",
        as_attachment=True,
        download_name=scorm_filename(
            course, form.standard.data, form.locale.data, form.module_id()
        ),
    )
