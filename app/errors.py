"""Errors users may see: one handler rolls back and renders the message in their language.

Under /api/ the same handlers answer in RFC 9457's application/problem+json (type, title,
status, detail) instead of a page: machines read the API, and no error there is HTML.
"""

import json
import logging

from flask import Flask, current_app, render_template, request
from werkzeug.exceptions import HTTPException, SecurityError
from werkzeug.http import HTTP_STATUS_CODES
from werkzeug.wrappers import Response

from .db import db
from .i18n import _l

log = logging.getLogger(__name__)


class LedaError(Exception):
    """A refusal with a message for the user. Raising it changes nothing: the request rolls back."""

    message = _l("Something went wrong. Please try again.")
    status = 400

    def __init__(self, message: str | None = None) -> None:
        if message is not None:
            self.message = message
        super().__init__(str(self.message))


API_PATH = "/api/"
PROBLEM_TYPE = "application/problem+json"


def problem(status: int, detail: str, headers: list[tuple[str, str]] | None = None) -> Response:
    """An RFC 9457 problem: ``about:blank`` with the status's phrase as its title, and
    ``detail`` saying what was wrong (in English: the reader is a program's author)."""
    body = {
        "type": "about:blank",
        "title": HTTP_STATUS_CODES.get(status, "Error"),
        "status": status,
        "detail": detail,
    }
    return current_app.response_class(json.dumps(body), status, headers, mimetype=PROBLEM_TYPE)


def _in_api() -> bool:
    return request.path.startswith(API_PATH)


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(LedaError)
    def leda_error(error: LedaError) -> tuple[str, int] | Response:
        db.session.rollback()
        if _in_api():
            return problem(error.status, str(error.message))
        return render_template("errors/error.html", message=error.message), error.status

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> tuple[str, int, list[tuple[str, str]]] | Response:
        db.session.rollback()
        if isinstance(error, SecurityError):  # a Host not in TRUSTED_HOSTS: no page to build
            return current_app.response_class("Unknown host.\n", 400, mimetype="text/plain")
        # The error's own headers go along (Allow on a 405, Retry-After on a 429).
        headers = [h for h in error.get_headers() if h[0].lower() != "content-type"]
        if _in_api():
            return problem(error.code or 500, error.description or "", headers)
        return render_template("errors/http.html", error=error), error.code or 500, headers

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> tuple[str, int] | Response:
        db.session.rollback()
        log.exception("unhandled error")
        if _in_api():
            return problem(500, "The server could not answer; the error is logged.")
        return render_template("errors/http.html", error=None), 500
