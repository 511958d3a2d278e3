"""Errors users may see: one handler rolls back and renders the message in their language."""

import logging

from flask import Flask, render_template
from werkzeug.exceptions import HTTPException

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


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(LedaError)
    def leda_error(error: LedaError) -> tuple[str, int]:
        db.session.rollback()
        return render_template("errors/error.html", message=error.message), error.status

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> tuple[str, int]:
        db.session.rollback()
        return render_template("errors/http.html", error=error), error.code or 500

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> tuple[str, int]:
        db.session.rollback()
        log.exception("unhandled error")
        return render_template("errors/http.html", error=None), 500
