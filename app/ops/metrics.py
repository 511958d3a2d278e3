"""Prometheus metrics: requests by endpoint, their latency, and the job queue's backlog.

Counted by endpoint (``learning.lesson``), never by path, which carries ids and codes, and
with the method folded into a known few, so a client cannot grow the series without bound.

Under gunicorn each worker is a process with its own counts. With ``PROMETHEUS_MULTIPROC_DIR``
set (to an empty folder, emptied at every start, the same for all workers) prometheus_client
keeps the counts in files there and a scrape of any worker adds up all of them; without it, a
scrape sees the one worker that answered. The queue's numbers are asked of the queue at each
scrape, so they are the same whichever worker answers.
"""

import os
from collections.abc import Iterator

from flask import Flask
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

from app.jobs import huey

METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
NO_ROUTE = "(no route)"


class Metrics:
    """One app's request metrics, in a registry of its own (so each test app counts from 0)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "leda_http_requests",
            "Requests answered, by endpoint, method and status.",
            ["endpoint", "method", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "leda_http_request_duration_seconds",
            "Time to the response's headers, by endpoint and method.",
            ["endpoint", "method"],
            registry=self.registry,
        )
        self.registry.register(QueueCollector())

    def observe(self, endpoint: str | None, method: str, status: int, seconds: float) -> None:
        endpoint = endpoint or NO_ROUTE
        method = method if method in METHODS else "other"
        self.requests.labels(endpoint, method, str(status)).inc()
        self.latency.labels(endpoint, method).observe(seconds)

    def exposition(self) -> bytes:
        """The text format; in multiprocess mode, every worker's counts added up."""
        if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            return generate_latest(self.registry)
        registry = CollectorRegistry()
        MultiProcessCollector(registry)
        registry.register(QueueCollector())
        return generate_latest(registry)


class QueueCollector(Collector):
    """The job queue's backlog, asked at scrape time; up 0 (and no counts) when it fails."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        try:
            waiting, scheduled = huey.pending_count(), huey.scheduled_count()
        except Exception:  # noqa: BLE001 (a queue that does not answer is what this reports)
            yield GaugeMetricFamily("leda_job_queue_up", "The job queue answers.", value=0)
            return
        yield GaugeMetricFamily("leda_job_queue_up", "The job queue answers.", value=1)
        yield GaugeMetricFamily(
            "leda_jobs_waiting", "Jobs in the queue, ready to run.", value=waiting
        )
        yield GaugeMetricFamily(
            "leda_jobs_scheduled", "Jobs waiting for a later time (retries).", value=scheduled
        )


def init_metrics(app: Flask) -> Metrics:
    """Refuses to start (RuntimeError) on a PROMETHEUS_MULTIPROC_DIR that is not a folder this
    process can write to, where every request would otherwise fail to count itself."""
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if folder and not (os.path.isdir(folder) and os.access(folder, os.W_OK | os.X_OK)):
        raise RuntimeError(
            f"PROMETHEUS_MULTIPROC_DIR={folder!r} must be an existing folder this user can"
            " write to (emptied at each start)"
        )
    metrics = Metrics()
    app.extensions["leda_metrics"] = metrics
    return metrics


def current_metrics(app: Flask) -> Metrics:
    return app.extensions["leda_metrics"]
