"""The administrator's API tokens page: make a token (its secret shown once), revoke one.

Its own blueprint beside the API's: these are pages with sessions and CSRF, the API has neither.
"""

from flask import Blueprint, flash, make_response, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from app.auth.access import role_required
from app.db import db, get_in_org_or_404
from app.orgs.forms import ConfirmForm
from app.orgs.models import Role

from . import services
from .forms import TokenForm
from .models import ApiToken

bp = Blueprint("api_tokens", __name__, template_folder="templates", url_prefix="/admin/tokens")


def _page(form: TokenForm, secret: str | None = None, status: int = 200) -> tuple[str, int]:
    return render_template(
        "api/tokens.html",
        form=form,
        revoke=ConfirmForm(formdata=None),
        tokens=services.tokens_of(current_user.organisation),
        secret=secret,
    ), status


@bp.route("", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def tokens() -> tuple[str, int] | Response:
    form = TokenForm()
    if not form.validate_on_submit():
        return _page(form, status=400 if form.is_submitted() else 200)
    try:
        _token, secret = services.create_token(
            current_user.organisation, form.name.data, current_user
        )
    except services.TokenProblem as problem:
        db.session.rollback()
        form.form_errors.append(problem.message)
        return _page(form, status=400)
    db.session.commit()
    # Shown in this answer only: a redirect would carry it in the (signed, not secret) session.
    response = make_response(_page(TokenForm(formdata=None), secret=secret))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/<id:token_id>/revoke")
@role_required(Role.ADMIN)
def revoke(token_id: int) -> Response:
    token = get_in_org_or_404(ApiToken, token_id, current_user.org_id)
    if not ConfirmForm().validate_on_submit():
        flash(_("Please press the button again."))
        return redirect(url_for(".tokens"))
    services.revoke_token(token, current_user)
    db.session.commit()
    flash(_("The token %(name)s no longer works.", name=token.name))
    return redirect(url_for(".tokens"))
