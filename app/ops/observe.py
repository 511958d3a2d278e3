"""What every request leaves for operators: its id, one log line and its metrics."""

import logging
import time

from flask import Flask, Response, g, request
from flask.logging import default_handler

from .logs import configure_logging, request_id
from .metrics import init_metrics

log = logging.getLogger("app.requests")


def init_observability(app: Flask) -> None:
    """Bind logging (when LEDA_LOG_FORMAT is set), the request id and the request metrics.

    Call it before the other request hooks, so a request they refuse has an id and is counted.
    """
    if app.config["LEDA_LOG_FORMAT"]:
        configure_logging(app.config["LEDA_LOG_FORMAT"], app.config["LEDA_LOG_LEVEL"])
        app.logger.removeHandler(default_handler)  # else Flask's plain lines come out too
    metrics = init_metrics(app)

    @app.before_request
    def start_clock() -> None:
        g.request_started = time.perf_counter()
        request_id()

    @app.after_request
    def account_for_request(response: Response) -> Response:
        seconds = time.perf_counter() - g.get("request_started", time.perf_counter())
        response.headers["X-Request-ID"] = request_id()
        metrics.observe(request.endpoint, request.method, response.status_code, seconds)
        if log.isEnabledFor(logging.INFO):
            rule = request.url_rule.rule if request.url_rule else None
            fields = {
                "method": request.method,
                "endpoint": request.endpoint,
                "route": rule,
                "status": response.status_code,
                "duration_ms": round(seconds * 1000, 1),
            }
            if app.config["LEDA_LOG_CLIENT_ADDRESS"]:
                fields["client"] = request.remote_addr
            log.info(
                "%s %s %s in %.1f ms",
                request.method,
                request.endpoint,
                response.status_code,
                seconds * 1000,
                extra=fields,
            )
        return response
