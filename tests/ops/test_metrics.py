"""/metrics: behind a bearer token, counted by endpoint, the queue's backlog, and the counts of
every gunicorn worker added up in multiprocess mode."""

import os
import shutil
import subprocess
import sys
import time
import urllib.request
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from app.jobs import huey
from app.mail.tasks import send_mail
from tests.conftest import CONTENT, make_app
from tests.helpers import free_port, running, wait_for

TOKEN = "scrape-8c2f0d1e9b7a4c33"
BEARER = {"Authorization": f"Bearer {TOKEN}"}
SLOW = 120  # seconds gunicorn may take to start on a loaded 2-core machine


def samples(text: str, name: str) -> dict[tuple[tuple[str, str], ...], float]:
    """The samples called ``name`` in an exposition, by their labels."""
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name:
                found[tuple(sorted(sample.labels.items()))] = sample.value
    return found


def requests_by_label(text: str) -> dict[tuple[str, str, str], float]:
    return {
        (labels["endpoint"], labels["method"], labels["status"]): value
        for key, value in samples(text, "leda_http_requests_total").items()
        for labels in [dict(key)]
    }


def test_without_a_token_configured_there_is_no_metrics_page(client):
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", headers=BEARER).status_code == 404


def test_a_missing_or_wrong_token_is_refused(database):
    with running(make_app(database, LEDA_METRICS_TOKEN=TOKEN)) as app:
        client = app.test_client()
        missing = client.get("/metrics")
        wrong = client.get("/metrics", headers={"Authorization": "Bearer not-the-token"})
        basic = client.get("/metrics", headers={"Authorization": f"Basic {TOKEN}"})
    for response in (missing, wrong, basic):
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"] == "Bearer realm=metrics"
        assert "leda_http" not in response.text


def test_requests_are_counted_by_endpoint_never_by_path(database):
    with running(make_app(database, LEDA_METRICS_TOKEN=TOKEN)) as app:
        client = app.test_client()
        client.get("/login")
        client.get("/login?email=kari@vik.test")
        client.post("/login", data={"email": "kari@vik.test", "password": "x"})
        client.get("/verify/ABCD-EFGH-JKMN")
        client.get("/no/such/page")
        client.open("/login", method="PROPFIND")
        client.get("/metrics")  # refused: counted too
        response = client.get("/metrics", headers=BEARER)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/plain; version=0.0.4; charset=utf-8"
    assert requests_by_label(response.text) == {
        ("auth.login", "GET", "200"): 2,
        ("auth.login", "POST", "400"): 1,
        ("certificates.verify", "GET", "404"): 1,
        ("(no route)", "GET", "404"): 1,
        ("(no route)", "other", "405"): 1,
        ("ops.metrics", "GET", "401"): 1,
    }
    latency = samples(response.text, "leda_http_request_duration_seconds_count")
    assert latency[(("endpoint", "auth.login"), ("method", "GET"))] == 2
    assert "kari" not in response.text and "ABCD" not in response.text


def test_the_job_queue_backlog_is_asked_at_each_scrape(database):
    name = f"leda_test_{uuid.uuid4().hex}"  # a queue of its own on the shared Redis
    config = {
        "LEDA_METRICS_TOKEN": TOKEN,
        "LEDA_HUEY_IMMEDIATE": False,
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        "LEDA_HUEY_NAME": name,
    }
    with running(make_app(database, **config)) as app:
        try:
            for message_id in (1, 2, 3):
                send_mail(message_id)  # waiting: no consumer runs
            retry = send_mail.s(4)  # as a failed task waits for its retry
            retry.eta = datetime.now(UTC).replace(tzinfo=None) + timedelta(hours=1)
            huey.add_schedule(retry)
            text = app.test_client().get("/metrics", headers=BEARER).text
        finally:
            huey.storage.flush_all()
    assert samples(text, "leda_job_queue_up") == {(): 1}
    assert samples(text, "leda_jobs_waiting") == {(): 3}
    assert samples(text, "leda_jobs_scheduled") == {(): 1}


def test_a_queue_that_does_not_answer_is_reported_down(database):
    config = {
        "LEDA_METRICS_TOKEN": TOKEN,
        "LEDA_HUEY_IMMEDIATE": False,
        "REDIS_URL": f"redis://127.0.0.1:{free_port()}/0",
    }
    with running(make_app(database, **config)) as app:
        response = app.test_client().get("/metrics", headers=BEARER)
    assert response.status_code == 200
    assert samples(response.text, "leda_job_queue_up") == {(): 0}
    assert samples(response.text, "leda_jobs_waiting") == {}


def test_a_multiprocess_folder_that_cannot_be_written_stops_the_start(
    database, tmp_path, monkeypatch
):
    missing = tmp_path / "no-such-folder"
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(missing))
    with pytest.raises(RuntimeError) as refused:
        make_app(database)
    assert str(refused.value) == (
        f"PROMETHEUS_MULTIPROC_DIR={str(missing)!r} must be an existing folder this user can"
        " write to (emptied at each start)"
    )


def test_gunicorn_workers_counts_add_up_in_multiprocess_mode(sqlite_template, tmp_path):
    """Two sync workers, each counting in its own process: with PROMETHEUS_MULTIPROC_DIR any
    worker's scrape shows every request, whichever worker served it."""
    database = tmp_path / "leda.sqlite"
    shutil.copy(sqlite_template, database)
    metrics_dir = tmp_path / "metrics"
    metrics_dir.mkdir()
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("LEDA_", "REDIS_URL"))},
        "DATABASE_URL": f"sqlite:///{database}",
        "SECRET_KEY": "test-secret",
        "LEDA_INSTANCE_PATH": str(tmp_path / "instance"),
        "LEDA_CONTENT_ROOT": str(CONTENT),
        "LEDA_METRICS_TOKEN": TOKEN,
        "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir),
    }
    command = [sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}"]
    server = subprocess.Popen(
        [*command, "app.wsgi:application"],
        env=env,
        cwd=Path(__file__).resolve().parents[2],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        # Once the socket listens a request waits for a worker: no try times out unseen.
        wait_for(lambda: _answers(f"{base}/healthz", timeout=SLOW), timeout=SLOW)
        sent = 1
        # Until both workers have served a request (each keeps a file of its own): the second
        # may still be starting while the first serves, so for up to SLOW seconds.
        deadline = time.monotonic() + SLOW
        while len(list(metrics_dir.glob("counter_*.db"))) < 2 and time.monotonic() < deadline:
            assert _answers(f"{base}/healthz")
            sent += 1
            time.sleep(0.05)
        assert len(list(metrics_dir.glob("counter_*.db"))) == 2
        scrapes = []
        for _ in range(4):  # new connections: the workers take turns as they accept them
            request = urllib.request.Request(f"{base}/metrics", headers=BEARER)
            with urllib.request.urlopen(request, timeout=10) as response:
                scrapes.append(requests_by_label(response.read().decode()))
    finally:
        server.terminate()
        server.wait(timeout=30)
    for earlier, scrape in enumerate(scrapes):
        assert scrape[("ops.healthz", "GET", "200")] == sent
        assert scrape.get(("ops.metrics", "GET", "200"), 0) == earlier


def _answers(url: str, timeout: float = 10) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status == 200
    except OSError:
        return False
