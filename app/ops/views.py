"""Probes for the load balancer and the process manager, and metrics for Prometheus: no
login, no personal data."""

import hmac

from flask import Blueprint, abort, current_app, jsonify, request
from werkzeug.datastructures import WWWAuthenticate
from werkzeug.exceptions import Unauthorized
from werkzeug.wrappers import Response

from . import services
from .metrics import current_metrics

bp = Blueprint("ops", __name__)


@bp.get("/healthz")
def healthz() -> Response:
    """The process is up and answers; nothing else is asked."""
    return jsonify(status="ok")


@bp.get("/readyz")
def readyz() -> tuple[Response, int]:
    """Ready to serve: the database answers and is migrated, Redis and the queue answer."""
    checks = services.readiness()
    ready = all(check.ok for check in checks)
    body = {
        "status": "ready" if ready else "not ready",
        "checks": {c.name: {"status": c.status.value, "detail": c.detail} for c in checks},
    }
    return jsonify(body), 200 if ready else 503


@bp.get("/metrics")
def metrics() -> Response:
    """Prometheus's text format, for a scraper holding LEDA_METRICS_TOKEN as a bearer token.

    Without a token configured there is no such page (404), so a deployment that does not
    scrape shows nothing; a missing or wrong token is a 401.
    """
    token = current_app.config["LEDA_METRICS_TOKEN"]
    if not token:
        abort(404)
    auth = request.authorization
    given = (auth.token or "") if auth and auth.type == "bearer" else ""
    if not hmac.compare_digest(given.encode(), token.encode()):
        raise Unauthorized(www_authenticate=WWWAuthenticate("bearer", {"realm": "metrics"}))
    body = current_metrics(current_app).exposition()
    return Response(body, content_type="text/plain; version=0.0.4; charset=utf-8")
