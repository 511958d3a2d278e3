"""The completion page and PDF for the learner; the public page that checks a code."""

import io

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from app.auth.views import limiter, too_many_requests
from app.content import current_course
from app.db import db
from app.web import external_url

from . import services
from .forms import IssueForm, VerifyForm
from .models import Certificate
from .pdf import write_certificate_pdf

bp = Blueprint("certificates", __name__, template_folder="templates")


def verify_url(certificate: Certificate) -> str:
    """The address printed on the certificate: built on LEDA_BASE_URL, like links in mail."""
    return external_url("certificates.verify", code=services.format_code(certificate.code))


@bp.get("/certificate")
@login_required
def completion() -> str:
    course = current_course()
    statuses = services.completion_status(current_user, course)
    certificate = services.certificate_of(current_user, course)
    return render_template(
        "certificates/completion.html",
        statuses=statuses,
        completed=services.has_completed(statuses),
        certificate=certificate,
        modules=services.completed_modules(certificate) if certificate else [],
        verify_url=verify_url(certificate) if certificate else None,
        code=services.format_code(certificate.code) if certificate else None,
        form=IssueForm(),
    )


@bp.post("/certificate")
@login_required
def issue() -> Response:
    """For a learner who finished before certificates existed (or whose last two modules were
    passed in two racing requests): issues it now; once issued, changes nothing."""
    if not IssueForm().validate_on_submit():
        abort(400)
    services.issue_certificate(current_user)
    db.session.commit()
    return redirect(url_for(".completion"), 303)


@bp.get("/certificate.pdf")
@login_required
def download() -> Response:
    certificate = services.certificate_of(current_user)
    if certificate is None:
        abort(404)
    pdf = io.BytesIO()
    write_certificate_pdf(certificate, pdf, str(get_locale()), verify_url(certificate))
    return Response(
        pdf.getvalue(),
        mimetype="application/pdf",
        headers={"Content-Disposition": "attachment; filename=leda-certificate.pdf"},
    )


@bp.get("/verify")
def verify_form() -> str | Response | tuple[str, int]:
    """Type in a code: a GET form, so the answer has an address one can share."""
    form = VerifyForm(request.args)
    if not request.args:
        return render_template("certificates/verify_form.html", form=form)
    if not form.validate():
        return render_template("certificates/verify_form.html", form=form), 400
    code = services.normalise_code(form.code.data or "") or ""
    return redirect(url_for(".verify", code=services.format_code(code)), 303)


def _not_found(response: Response) -> bool:
    return response.status_code == 404


@bp.get("/verify/<code>")
@limiter.limit(
    lambda: current_app.config["LEDA_VERIFY_LIMIT"],
    deduct_when=_not_found,
    error_message=too_many_requests,
)
def verify(code: str) -> tuple[str, int]:
    """Valid or not, and for a valid code only what proves it: name, course, organisation,
    issue date. Unknown, malformed and revoked codes get the same answer. Failed lookups are
    counted per client address, so codes cannot be guessed by trying."""
    certificate = services.certificate_by_code(code)
    if certificate is None:
        return render_template("certificates/verify.html", certificate=None, form=VerifyForm()), 404
    return (
        render_template(
            "certificates/verify.html",
            certificate=certificate,
            name=services.holder_name(certificate),
            form=VerifyForm(),
        ),
        200,
    )
