"""What every page shares: template helpers, the content language, and security headers."""

from typing import Any
from urllib.parse import unquote_to_bytes, urlsplit

from flask import Flask, Response, abort, current_app, request
from flask_babel import format_date, format_datetime, get_locale
from flask_babel import gettext as _
from markupsafe import Markup, escape
from werkzeug.exceptions import HTTPException
from werkzeug.routing import IntegerConverter, Map

from .content import current_course
from .content.models import text_in
from .i18n import LANGUAGE_NAMES, content_locale

# Nothing on a page needs the camera, the microphone, the position or payments.
PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"
)
CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


class RowId(IntegerConverter):
    """A row id in a URL: a positive integer that fits the database's integer column, so an
    absurd id is a 404 instead of an overflow error."""

    def __init__(self, map: Map) -> None:  # noqa: A002
        super().__init__(map, min=1, max=2**31 - 1)


def init_web(app: Flask) -> None:
    app.url_map.converters["id"] = RowId
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
            "format_date": format_date,
            "format_datetime": format_datetime,
            "this_page": this_page,
            "t": lambda text: text_in(text, locale),
            # a field rendered to safe HTML at load (a lesson's takeaway_html, …)
            "t_html": lambda text: Markup(text_in(text, locale)),
        }

    @app.before_request
    def refuse_malformed_input() -> None:
        """NUL bytes and text that is not UTF-8, in any query or form value, are refused here,
        so no view, database or log ever sees them."""
        encoded = [request.query_string]
        if request.mimetype == "application/x-www-form-urlencoded":
            encoded.append(request.get_data(cache=True))
        for raw in encoded:
            try:
                unquote_to_bytes(raw.replace(b"+", b" ")).decode("utf-8")
            except UnicodeDecodeError:
                abort(400)
        for values in (request.args, request.form):
            for key, value in values.items(multi=True):
                if key is None:  # a multipart part whose name did not parse (a CR in it)
                    abort(400)
                if any(bad in text for text in (key, value) for bad in ("\x00", "\ufffd")):
                    abort(400)

    @app.after_request
    def security_headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if request.is_secure:  # over https (directly, or behind a proxy with LEDA_PROXY_FIX)
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        if request.endpoint != "static":
            # Pages may show personal data: no browser or proxy keeps a copy.
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    @app.after_request
    def title_says_error(response: Response) -> Response:
        """A page given back with what went wrong (a form's errors, a refused request) says so
        first in its title, the first thing a screen reader reads of a new page (WCAG 3.3.1)."""
        page = response.mimetype == "text/html" and not response.is_streamed
        if 400 <= response.status_code < 500 and page:
            html = response.get_data(as_text=True)
            prefix = escape(_("Error:"))
            response.set_data(html.replace("<title>", f"<title>{prefix} ", 1))
        return response


def this_page() -> str:
    """The path and query to come back to after leaving this page for a moment (the language
    switcher): the page itself, or for a page answering a form, the form's own page; "" when
    that address has no page to fetch."""
    path = request.full_path.removesuffix("?")  # full_path ends in "?" when there is no query
    if request.method == "GET":
        return path
    try:
        current_app.create_url_adapter(request).match(request.path, method="GET")
    except HTTPException:  # no page there (405, 404) or one under another address (redirect)
        return ""
    return path


def external_url(endpoint: str, **values: Any) -> str:
    """An absolute link for mail and the command line, built on LEDA_BASE_URL.

    Never on the request's Host header, which a client chooses: a reset link must not point
    to a host an attacker named.
    """
    base = urlsplit(current_app.config["LEDA_BASE_URL"])
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path or "/", url_scheme=base.scheme
    )
    return adapter.build(endpoint, values, force_external=True)
