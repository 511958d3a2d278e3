from urllib.parse import urlsplit

from flask import Blueprint, Flask, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import LoginManager, current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response

from app.content.models import LOCALES
from app.db import db
from app.errors import LedaError
from app.i18n import _l

from . import services
from .forms import LoginForm
from .models import User

bp = Blueprint("auth", __name__, template_folder="templates")
login_manager = LoginManager()


def init_login(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to see this page.")
    login_manager.session_protection = "basic"  # "strong" logs phones out when their IP changes


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    return db.session.get(User, int(user_id)) if user_id.isdigit() else None


@bp.route("/login", methods=["GET", "POST"])
def login() -> str | Response | tuple[str, int]:
    if current_user.is_authenticated:
        return redirect(url_for("learning.dashboard"))
    form = LoginForm()
    if not form.validate_on_submit():
        return render_template("auth/login.html", form=form), 400 if form.is_submitted() else 200
    user = services.authenticate(form.email.data, form.password.data)
    if user is None:
        form.form_errors.append(_("Wrong email or password."))
        return render_template("auth/login.html", form=form), 400
    login_user(user)
    return redirect(_safe_next(request.args.get("next")) or url_for("learning.dashboard"))


@bp.post("/logout")
@login_required
def logout() -> Response:
    logout_user()
    flash(_("You are logged out."))
    return redirect(url_for("auth.login"))


@bp.post("/language")
def set_language() -> Response:
    """Remember the chosen language: on the user when logged in, else in the session."""
    locale = request.form.get("locale", "")
    if locale not in LOCALES:
        raise UnknownLanguage()
    session["locale"] = locale
    if current_user.is_authenticated:
        current_user.locale = locale
        db.session.commit()
    return redirect(_safe_next(request.form.get("next")) or url_for("learning.dashboard"))


class UnknownLanguage(LedaError):
    message = _l("That language is not available. Choose Norsk bokmål, Svenska or English.")


def _safe_next(target: str | None) -> str | None:
    """Only same-site paths, so a crafted link cannot send someone elsewhere after login."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target
