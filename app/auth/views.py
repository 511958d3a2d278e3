"""Sign-in: login and logout with server-side sessions, password links, the language switch."""

import hashlib
import logging

from flask import (
    Blueprint,
    Flask,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager, current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response

from app.content.models import LOCALES
from app.db import db
from app.i18n import _l, address
from app.orgs import services as orgs
from app.orgs.models import Role, User
from app.orgs.privacy import personal_data

from . import limits as _limits  # noqa: F401  (registers the leda+db:// limit storage)
from . import services, tasks
from .forms import DigestForm, ForgotPasswordForm, LoginForm, SetPasswordForm

bp = Blueprint("auth", __name__, template_folder="templates")
login_manager = LoginManager()
limiter = Limiter(key_func=get_remote_address)
log = logging.getLogger(__name__)


def init_login(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to see this page.")
    login_manager.session_protection = "basic"  # "strong" logs phones out when their IP changes
    limiter.init_app(app)


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    token = session.get("sid")
    if not user_id.isdigit() or not isinstance(token, str) or len(user_id) > 18:
        return None
    lifetime = current_app.config["LEDA_SESSION_MAX_AGE"]
    return services.user_for_session(token, int(user_id), lifetime)


def _typed_account() -> str:
    """The rate-limit key for the account a login names: a hash, so no email is kept."""
    email = request.form.get("email", "").strip().lower()
    return "account:" + hashlib.sha256(email.encode()).hexdigest()


def _too_many_logins() -> str:
    return _("Too many failed logins. Wait a few minutes and try again.")


def too_many_requests() -> str:
    return _("Too many requests. Wait a few minutes and try again.")


def _failed(response: Response) -> bool:
    return response.status_code == 400


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config["LEDA_LOGIN_LIMIT_ACCOUNT"],
    key_func=_typed_account,
    methods=["POST"],
    deduct_when=_failed,
    error_message=_too_many_logins,
)
@limiter.limit(
    lambda: current_app.config["LEDA_LOGIN_LIMIT_CLIENT"],
    methods=["POST"],
    deduct_when=_failed,
    error_message=_too_many_logins,
)
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
    picked = session.get("locale")  # on this visit, before logging in: it wins, and stays
    if picked in LOCALES and picked != user.locale:
        orgs.choose_locale(user, picked)
    token = services.start_session(user)
    target = _safe_next(request.args.get("next"))
    session.clear()  # a new session and a new CSRF token at login
    session.permanent = True  # the idle timeout is the signed cookie's maximum age
    session["sid"] = token
    # login_user sends user_logged_in: features finish what waited for this login (a lesson
    # form sent after the session had ended), in the transaction that starts the session.
    login_user(user)
    db.session.commit()
    log.info("login succeeded for user %s", user.id)
    return redirect(target or url_for("learning.dashboard"))


@bp.post("/logout")
@login_required
def logout() -> Response:
    services.end_session(session.get("sid", ""))
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("You are logged out."))
    return redirect(url_for("auth.login"))


@bp.route("/account/forgot", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config["LEDA_LOGIN_LIMIT_ACCOUNT"],
    key_func=_typed_account,
    methods=["POST"],
    error_message=too_many_requests,
)
@limiter.limit(
    lambda: current_app.config["LEDA_LOGIN_LIMIT_CLIENT"],
    methods=["POST"],
    error_message=too_many_requests,
)
def forgot_password() -> str | Response | tuple[str, int]:
    form = ForgotPasswordForm()
    if not form.validate_on_submit():
        status = 400 if form.is_submitted() else 200
        return render_template("auth/forgot.html", form=form), status
    # The lookup runs in the job queue, so a real account and an unknown address are answered
    # alike and equally fast.
    tasks.send_password_reset(form.email.data.strip())
    flash(
        _(
            "If %(email)s belongs to an account here, a link to choose a new password is on its "
            "way. It works for one hour.",
            email=form.email.data.strip(),
        )
    )
    return redirect(url_for("auth.login"))


@bp.route("/account/password/<token>", methods=["GET", "POST"])
def set_password(token: str) -> str | Response | tuple[str, int]:
    """Where an invitation or reset link lands: choose a password, once.

    The page speaks the language of the person the link was sent to, and the login page after
    it keeps that language (or the one picked here), which login then saves to the profile.
    """
    link = services.valid_token(token)
    address(link.user)
    form = SetPasswordForm()
    if not form.validate_on_submit():
        status = 400 if form.is_submitted() else 200
        return render_template("auth/set_password.html", form=form, user=link.user), status
    try:
        services.use_token(token, form.password.data)
    except services.WeakPassword as problem:
        db.session.rollback()
        form.password.errors = [problem.message]
        return render_template("auth/set_password.html", form=form, user=link.user), 400
    db.session.commit()
    if current_user.is_authenticated:
        logout_user()
    locale = str(get_locale())
    session.clear()
    session["locale"] = locale
    flash(_("Your password is set. Log in with it now."))
    return redirect(url_for("auth.login"))


@bp.get("/account")
@login_required
def profile() -> str:
    return _profile(DigestForm(obj=current_user))


def _profile(digest_form: DigestForm) -> str:
    return render_template(
        "auth/profile.html",
        paths=orgs.unit_paths(current_user.org_id),
        digest_form=digest_form if current_user.has_role(Role.MANAGER) else None,
    )


@bp.post("/account/digest")
@login_required
def digest() -> Response | tuple[str, int]:
    """A manager turns their weekly digest on or off (the choice is kept for anyone)."""
    form = DigestForm()
    if not form.validate_on_submit():  # only an expired form can fail
        return _profile(form), 400
    orgs.choose_digest(current_user, form.digest_enabled.data)
    db.session.commit()
    flash(_("Your choice is saved."))
    return redirect(url_for(".profile"))


@bp.get("/account/my-data.json")
@login_required
def my_data() -> Response:
    """Everything Leda keeps about the person asking, as a JSON download."""
    response = jsonify(personal_data(current_user))
    response.headers["Content-Disposition"] = "attachment; filename=leda-my-data.json"
    return response


@bp.post("/language")
def set_language() -> Response:
    """Switch language and come back to the same page: signed in, the profile keeps it; before
    login, the session does until login saves it to the profile."""
    locale = request.form.get("locale", "")
    if current_user.is_authenticated:
        orgs.choose_locale(current_user, locale)
        db.session.commit()
    elif locale in LOCALES:
        session["locale"] = locale
    else:
        raise orgs.UnknownLanguage()
    return redirect(_safe_next(request.form.get("next")) or url_for("learning.dashboard"))


def _safe_next(target: str | None) -> str | None:
    """Only paths on this site, so a crafted link or form cannot send anyone elsewhere.

    Browsers read a backslash as a slash and drop tabs and newlines, so ``/\\evil.example``
    or ``/<tab>/evil.example`` would leave the site; those and other unprintable characters
    (which no header may carry) are refused.
    """
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or not target.isprintable():
        return None
    return target
