"""Probes for the load balancer and the process manager: no login, no personal data."""

from flask import Blueprint, jsonify
from werkzeug.wrappers import Response

from . import services

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
