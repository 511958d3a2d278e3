"""Leda: the application factory."""

import os
from pathlib import Path
from typing import Any

from flask import Flask
from flask_migrate import Migrate
from flask_wtf.csrf import CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix

from .content import init_content
from .db import db as database
from .errors import register_error_handlers
from .i18n import babel, compile_catalogs, select_locale

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
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.update(
        SECRET_KEY=os.environ.get("SECRET_KEY") or _instance_secret(Path(app.instance_path)),
        SQLALCHEMY_DATABASE_URI=database_url(
            os.environ.get("DATABASE_URL") or f"sqlite:///{Path(app.instance_path) / 'leda.sqlite'}"
        ),
        SQLALCHEMY_ENGINE_OPTIONS={"pool_pre_ping": True},
        LEDA_CONTENT_ROOT=os.environ.get("LEDA_CONTENT_ROOT") or str(ROOT),
        BABEL_TRANSLATION_DIRECTORIES=str(ROOT / "translations"),
        BABEL_DEFAULT_LOCALE="nb",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=os.environ.get("LEDA_SECURE_COOKIES", "") == "1",
        REMEMBER_COOKIE_SAMESITE="Lax",
        WTF_CSRF_TIME_LIMIT=None,
    )
    app.config.update(overrides or {})
    if os.environ.get("LEDA_PROXY_FIX") == "1":
        # Behind one reverse proxy: trust its X-Forwarded-For/-Proto for client address and https.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1)  # type: ignore[method-assign]

    init_content(app)
    compile_catalogs(ROOT / "translations")
    database.init_app(app)
    migrate.init_app(app, database, directory=str(Path(__file__).parent / "migrations"))
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    register_error_handlers(app)

    from .auth import views as auth_views
    from .export import views as export_views
    from .learning import views as learning_views
    from .quiz import views as quiz_views
    from .web import init_web

    auth_views.init_login(app)
    app.register_blueprint(auth_views.bp)
    app.register_blueprint(learning_views.bp)
    app.register_blueprint(quiz_views.bp)
    app.register_blueprint(export_views.bp)
    init_web(app)
    return app


def _instance_secret(instance: Path) -> str:
    """A random key kept in the instance folder, so a demo needs no setup and no key is in git."""
    path = instance / "secret_key"
    if not path.exists():
        path.write_text(os.urandom(32).hex(), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()
