"""What every page shares: template helpers, the content language, and security headers."""

from typing import Any

from flask import Flask, Response
from flask_babel import get_locale

from .content import current_course
from .content.models import text_in
from .i18n import LANGUAGE_NAMES, content_locale

CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


def init_web(app: Flask) -> None:
    app.jinja_env.add_extension("jinja2.ext.do")

    @app.context_processor
    def page_globals() -> dict[str, Any]:
        locale = content_locale()
        return {
            "course": current_course(),
            "ui_locale": str(get_locale()),
            "content_locale": locale,
            "content_fallback": locale != str(get_locale()),
            "language_names": LANGUAGE_NAMES,
            "t": lambda text: text_in(text, locale),
        }

    @app.after_request
    def security_headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response
