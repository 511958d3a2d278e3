"""Leda: the application factory."""

import os
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Flask
from flask_migrate import Migrate
from flask_wtf.csrf import CSRFProtect
from sqlalchemy.engine import make_url
from werkzeug.middleware.proxy_fix import ProxyFix

from .accessibility.services import init_accessibility
from .content import init_content
from .db import db as database
from .db import init_reads
from .errors import register_error_handlers
from .files import private_file, write_private
from .i18n import babel, compile_catalogs, select_locale
from .jobs import huey
from .mail import init_mail
from .pages import init_pages
from .xapi import init_xapi

ROOT = Path(__file__).resolve().parent.parent
csrf = CSRFProtect()
migrate = Migrate(render_as_batch=True)


def database_url(url: str) -> str:
    """Accept the usual postgres:// spellings and use the psycopg 3 driver for them."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    app = Flask(
        __name__, instance_path=os.environ.get("LEDA_INSTANCE_PATH") or str(ROOT / "instance")
    )
    instance = Path(app.instance_path)
    instance.mkdir(mode=0o700, parents=True, exist_ok=True)
    app.config.update(
        SECRET_KEY=os.environ.get("SECRET_KEY") or _instance_secret(Path(app.instance_path)),
        SQLALCHEMY_DATABASE_URI=database_url(
            os.environ.get("DATABASE_URL") or f"sqlite:///{Path(app.instance_path) / 'leda.sqlite'}"
        ),
        # hide_parameters: SQL errors and logs never show the values (names, emails, text).
        SQLALCHEMY_ENGINE_OPTIONS={"pool_pre_ping": True, "hide_parameters": True},
        LEDA_CONTENT_ROOT=os.environ.get("LEDA_CONTENT_ROOT") or str(ROOT),
        BABEL_TRANSLATION_DIRECTORIES=str(ROOT / "translations"),
        BABEL_DEFAULT_LOCALE="nb",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=os.environ.get("LEDA_SECURE_COOKIES", "") == "1",
        REMEMBER_COOKIE_SAMESITE="Lax",
        WTF_CSRF_TIME_LIMIT=None,
        # Idle timeout: a session cookie not used for this long is refused (its signature
        # carries the time it was last renewed). Absolute lifetime: checked on the server.
        PERMANENT_SESSION_LIFETIME=timedelta(minutes=_int_env("LEDA_SESSION_IDLE_MINUTES", 30)),
        LEDA_SESSION_MAX_AGE=timedelta(hours=_int_env("LEDA_SESSION_MAX_HOURS", 12)),
        LEDA_LOGIN_LIMIT_ACCOUNT=os.environ.get("LEDA_LOGIN_LIMIT_ACCOUNT", "10 per 15 minutes"),
        LEDA_LOGIN_LIMIT_CLIENT=os.environ.get("LEDA_LOGIN_LIMIT_CLIENT", "100 per 15 minutes"),
        # Failed certificate checks (unknown codes) per client address.
        LEDA_VERIFY_LIMIT=os.environ.get("LEDA_VERIFY_LIMIT", "30 per 15 minutes"),
        # Dates shown (journal, mail, certificates) are in this zone; Norway and Sweden share it.
        BABEL_DEFAULT_TIMEZONE=os.environ.get("LEDA_TIMEZONE") or "Europe/Oslo",
        # Login limits: in Redis when there is one, else in the database (app/auth/limits.py).
        RATELIMIT_STORAGE_URI=os.environ.get("REDIS_URL") or "leda+db://",
        RATELIMIT_KEY_PREFIX=os.environ.get("LEDA_RATELIMIT_PREFIX", "leda"),
        LEDA_BASE_URL=os.environ.get("LEDA_BASE_URL", "http://127.0.0.1:5000"),
        MAX_CONTENT_LENGTH=6 * 1024 * 1024,
        # Logs (app/ops/logs.py): unset, as the host sets them up; "json" or "text" lines.
        LEDA_LOG_FORMAT=os.environ.get("LEDA_LOG_FORMAT") or None,
        LEDA_LOG_LEVEL=os.environ.get("LEDA_LOG_LEVEL") or "INFO",
        LEDA_LOG_CLIENT_ADDRESS=os.environ.get("LEDA_LOG_CLIENT_ADDRESS", "") == "1",
        # /metrics answers a scraper with this bearer token; unset, there is no /metrics.
        LEDA_METRICS_TOKEN=os.environ.get("LEDA_METRICS_TOKEN") or None,
        # The host names this deployment answers to ("leda.vik.kommune.no,leda.vik.no"); any
        # other Host header is a 400. Unset: every host (a demo on a laptop).
        TRUSTED_HOSTS=_list_env("LEDA_TRUSTED_HOSTS"),
        REDIS_URL=os.environ.get("REDIS_URL") or None,
        LEDA_HUEY_NAME=os.environ.get("LEDA_HUEY_NAME") or "leda",
        LEDA_HUEY_IMMEDIATE=False,
        # Reminders of an assigned module start this many days before its due date.
        LEDA_REMIND_DAYS_BEFORE=_int_env("LEDA_REMIND_DAYS_BEFORE", 7),
        LEDA_MAIL_OUTBOX=os.environ.get("LEDA_MAIL_OUTBOX") or str(instance / "outbox"),
        LEDA_MAIL_FROM=os.environ.get("LEDA_MAIL_FROM") or "Leda <leda@localhost>",
        # Where the accessibility statement asks for feedback; unset: LEDA_MAIL_FROM's address.
        LEDA_ACCESSIBILITY_CONTACT=os.environ.get("LEDA_ACCESSIBILITY_CONTACT") or None,
        LEDA_SMTP_HOST=os.environ.get("LEDA_SMTP_HOST") or None,
        LEDA_SMTP_PORT=os.environ.get("LEDA_SMTP_PORT") or None,
        LEDA_SMTP_USER=os.environ.get("LEDA_SMTP_USER") or None,
        LEDA_SMTP_PASSWORD=os.environ.get("LEDA_SMTP_PASSWORD") or None,
        LEDA_SMTP_SECURITY=os.environ.get("LEDA_SMTP_SECURITY") or "starttls",
        # Refreshers after a module is passed: this many days later, one each.
        LEDA_REFRESHER_DAYS=_days_env("LEDA_REFRESHER_DAYS", (2, 7, 30)),
        # Organisations of more people than this see a dashboard the job queue works out every
        # ten minutes (app/reporting/dashboard.py); smaller ones, one counted on every view.
        LEDA_DASHBOARD_LIVE_PEOPLE=_int_env("LEDA_DASHBOARD_LIVE_PEOPLE", 5000),
        # Megabytes of rendered pages each process keeps for the next reader (app/pages.py).
        LEDA_PAGE_CACHE_MB=_int_env("LEDA_PAGE_CACHE_MB", 32),
    )
    app.config.update(overrides or {})
    _private_sqlite(app.config["SQLALCHEMY_DATABASE_URI"])
    if os.environ.get("LEDA_PROXY_FIX") == "1":
        # Behind one reverse proxy: trust its X-Forwarded-For/-Proto for client address and https.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1)  # type: ignore[method-assign]

    init_content(app)
    init_accessibility(app)
    init_pages(app)
    compile_catalogs(ROOT / "translations")
    database.init_app(app)
    migrate.init_app(app, database, directory=str(Path(__file__).parent / "migrations"))
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    register_error_handlers(app)
    init_mail(app)
    init_xapi(app)

    from .accessibility import views as accessibility_views
    from .api import admin as api_admin
    from .api import views as api_views
    from .auth import views as auth_views
    from .certificates import views as certificates_views
    from .export import views as export_views
    from .learning import views as learning_views
    from .onboarding import team_views
    from .onboarding import views as onboarding_views
    from .ops import views as ops_views
    from .ops.observe import init_observability
    from .orgs import views as orgs_views
    from .practice import views as practice_views
    from .quiz import views as quiz_views
    from .reporting import views as reporting_views
    from .web import init_web

    init_observability(app)  # first of the request hooks: a refused request has an id too
    init_web(app)  # first: it registers the URL converters the blueprints use
    init_reads(app)
    auth_views.init_login(app)
    app.register_blueprint(auth_views.bp)
    app.register_blueprint(learning_views.bp)
    app.register_blueprint(practice_views.bp)
    app.register_blueprint(quiz_views.bp)
    app.register_blueprint(export_views.bp)
    app.register_blueprint(orgs_views.bp)
    app.register_blueprint(onboarding_views.bp)
    app.register_blueprint(certificates_views.bp)
    app.register_blueprint(team_views.bp)
    app.register_blueprint(reporting_views.bp)
    app.register_blueprint(api_views.bp)
    csrf.exempt(api_views.bp)  # bearer tokens, no cookies: nothing for a forged request to ride
    app.register_blueprint(api_admin.bp)
    app.register_blueprint(ops_views.bp)
    app.register_blueprint(accessibility_views.bp)
    _add_commands(app)
    huey.init_app(app)  # last: a factory that failed must not leave the queue bound to its app
    return app


def _add_commands(app: Flask) -> None:
    """The product's commands that need the app; `leda` (app/cli.py) shows them beside Flask's."""
    from .api.cli import tokens_group
    from .demo import demo
    from .export.cli import export
    from .onboarding.cli import assign, cohorts_group, remind, rules_group, team
    from .ops.cli import backup_command, doctor, restore_command
    from .orgs.cli import org_group, purge, units_group, users_group
    from .reporting.cli import report_group
    from .xapi.cli import export_xapi, xapi_group

    export.add_command(export_xapi)  # `leda export xapi`: xapi reads others' rows, as export does

    commands = (
        demo,
        export,
        org_group,
        units_group,
        users_group,
        purge,
        assign,
        cohorts_group,
        rules_group,
        remind,
        team,
        report_group,
        xapi_group,
        tokens_group,
        doctor,
        backup_command,
        restore_command,
    )
    for command in commands:
        app.cli.add_command(command)


def _list_env(name: str) -> list[str] | None:
    values = [part.strip() for part in os.environ.get(name, "").split(",") if part.strip()]
    return values or None


def _int_env(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    return int(value) if value.strip() else default


def _days_env(name: str, default: tuple[int, ...]) -> tuple[int, ...]:
    """Days as "2,7,30": whole numbers above 0, rising; anything else stops the start."""
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        days = tuple(int(part) for part in value.split(","))
    except ValueError:
        days = ()
    if not days or days[0] < 1 or list(days) != sorted(set(days)):
        raise RuntimeError(f"{name} must be rising whole days above 0, like 2,7,30; got {value!r}")
    return days


def _instance_secret(instance: Path) -> str:
    """A random key kept in the instance folder, so a demo needs no setup and no key is in git."""
    path = instance / "secret_key"
    if not path.exists():
        write_private(path, os.urandom(32).hex().encode())
    return path.read_text(encoding="utf-8").strip()


def _private_sqlite(url: str) -> None:
    """Create a SQLite database file 0600 before SQLite creates it with the umask's mode."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        private_file(Path(parsed.database))
