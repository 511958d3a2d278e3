"""The job queue: after-commit hand-over, and real consumers (a thread, `leda worker`, the
quick start's `leda run`) delivering mail through SQLite and Redis storage."""

import os
import signal
import stat
import subprocess
import sys
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask import has_app_context
from huey.storage import RedisStorage, SqliteStorage
from sqlalchemy import func, select

from app import ROOT
from app.db import db
from app.jobs import enqueue_after_commit, huey, start_background_consumer, task
from app.mail.models import MailMessage
from app.mail.services import queue_mail
from app.orgs.models import Organisation
from tests.conftest import CONTENT, make_app
from tests.factories import make_org
from tests.helpers import free_port, read_outbox, running, wait_for

LEDA = Path(sys.executable).with_name("leda")  # the console script of this environment
SLOW = 120  # seconds a subprocess may take to start and deliver on a loaded 2-core machine
SEEN: list[tuple[str, bool, int]] = []


@task()
def remember(value: str) -> None:
    """Records that it ran, whether in an app context, and how many organisations it saw."""
    organisations = db.session.scalar(select(func.count()).select_from(Organisation))
    SEEN.append((value, has_app_context(), organisations))


@pytest.fixture(autouse=True)
def _forget() -> None:
    SEEN.clear()


def test_a_job_runs_after_commit_in_an_app_context_and_sees_the_commit(app):
    make_org()
    enqueue_after_commit(remember, "after")
    assert SEEN == []
    db.session.commit()
    assert SEEN == [("after", True, 1)]
    db.session.commit()
    assert SEEN == [("after", True, 1)]  # handed over once


def test_a_job_of_a_rolled_back_transaction_never_runs(app):
    make_org()
    enqueue_after_commit(remember, "rolled back")
    db.session.rollback()
    make_org(slug="dal", name="Dal kommune")
    db.session.commit()
    assert SEEN == []


def invite(org_id: int, to: str = "kari@vik.test") -> int:
    message = queue_mail(
        org_id=org_id,
        to=to,
        locale="nb",
        template="auth/mail/invitation",
        given_name="Kari",
        org_name="Vik kommune",
        link="https://leda.example/invitation/t",
        expires_days=7,
        inviter_name=None,
    )
    db.session.commit()
    return message.id


@contextmanager
def background_consumer() -> Iterator[None]:
    consumer = start_background_consumer()
    try:
        yield
    finally:
        consumer.stop(graceful=True)


def private(path: Path) -> bool:
    return stat.S_IMODE(path.stat().st_mode) == (0o700 if path.is_dir() else 0o600)


def test_a_consumer_delivers_through_sqlite_storage(database, tmp_path, monkeypatch):
    instance = tmp_path / "instance"
    monkeypatch.setenv("LEDA_INSTANCE_PATH", str(instance))
    outbox = tmp_path / "outbox"
    config = {"LEDA_MAIL_OUTBOX": str(outbox), "LEDA_HUEY_IMMEDIATE": False}
    with running(make_app(database, **config)):
        message_id = invite(make_org().id)
        assert isinstance(huey.storage, SqliteStorage)
        assert huey.storage.filename == str(instance / "jobs.sqlite")
        assert huey.pending_count() == 1  # waiting in the queue, not sent in process
        assert read_outbox(outbox) == []

        with background_consumer():
            [email] = wait_for(lambda: read_outbox(outbox))
        assert email["Subject"] == "Invitasjon til Leda fra Vik kommune"
        # Nothing left to send (the scheduler may have queued its sweep meanwhile).
        assert [t for t in huey.pending() if t.name == "send_mail"] == []
        db.session.expire_all()
        assert db.session.get(MailMessage, message_id).sent_at is not None
    jobs_files = sorted(path.name for path in instance.glob("jobs.sqlite*"))
    assert jobs_files[0] == "jobs.sqlite"
    assert all(private(instance / name) for name in jobs_files)


def test_a_consumer_delivers_through_redis_storage(database, outbox):
    name = f"leda_test_{uuid.uuid4().hex}"  # a queue of its own on the shared Redis
    config = {
        "LEDA_MAIL_OUTBOX": str(outbox),
        "LEDA_HUEY_IMMEDIATE": False,
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        "LEDA_HUEY_NAME": name,
    }
    with running(make_app(database, **config)):
        try:
            invite(make_org().id)
            assert isinstance(huey.storage, RedisStorage)
            assert huey.storage.conn.llen(f"huey.redis.{name}") == 1
            with background_consumer():
                [email] = wait_for(lambda: read_outbox(outbox))
            assert email["To"] == "kari@vik.test"
            # Nothing left to send (the scheduler may have queued its sweep meanwhile).
            assert [t for t in huey.pending() if t.name == "send_mail"] == []
        finally:
            huey.storage.flush_all()


def leda_env(instance: Path, **variables: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LEDA_", "REDIS_URL"))}
    env.pop("DATABASE_URL", None)
    return {**env, "LEDA_INSTANCE_PATH": str(instance), **variables}


def start_worker(env: dict[str, str]) -> subprocess.Popen[str]:
    """`leda worker` with one thread in ``env``; its output (stdout and stderr) for ``stop``.
    In a session of its own, so that a test can kill its whole process group."""
    return subprocess.Popen(
        [str(LEDA), "worker", "--workers", "1"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )


def _ctrl_c_as_in_a_terminal() -> None:
    """A job started in the background (`cmd &`, as some CI runners do) ignores SIGINT, and its
    children inherit that; a person's terminal does not. The dev server relies on Python's own
    Ctrl-C handling, which Python sets up only where SIGINT is not ignored."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def stop(process: subprocess.Popen[str]) -> str:
    """Ctrl-C, as a person would; the process must exit cleanly. Returns what it printed."""
    process.send_signal(signal.SIGINT)
    output, _ = process.communicate(timeout=SLOW)
    assert process.returncode == 0, output
    return output


def test_leda_worker_delivers_and_stops_on_ctrl_c(database, tmp_path, monkeypatch):
    instance, outbox = tmp_path / "instance", tmp_path / "outbox"
    monkeypatch.setenv("LEDA_INSTANCE_PATH", str(instance))
    env = leda_env(
        instance,
        DATABASE_URL=database,
        LEDA_MAIL_OUTBOX=str(outbox),
        LEDA_CONTENT_ROOT=str(CONTENT),
    )
    worker = start_worker(env)
    try:
        with running(make_app(database, LEDA_HUEY_IMMEDIATE=False)):
            invite(make_org().id, to="per@vik.test")
            [email] = wait_for(lambda: read_outbox(outbox), timeout=SLOW)
            assert email["To"] == "per@vik.test"
    finally:
        output = stop(worker)
    assert "app.mail.tasks.send_mail" in output  # the consumer announced the task it runs
    assert "per@vik.test" not in output  # no personal data in the worker's log


def test_the_quick_start_serves_and_sends_mail_from_one_command(tmp_path, monkeypatch):
    """`leda demo && leda run` (no REDIS_URL): the server's own consumer writes the outbox, and
    everything in the instance folder is private to the user running it."""
    instance = tmp_path / "instance"
    monkeypatch.setenv("LEDA_INSTANCE_PATH", str(instance))
    env = leda_env(instance)
    subprocess.run([str(LEDA), "demo"], env=env, check=True, capture_output=True, cwd=ROOT)
    port = free_port()
    server = subprocess.Popen(
        [str(LEDA), "run", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=ROOT,
        preexec_fn=_ctrl_c_as_in_a_terminal,
    )
    try:
        login = f"http://127.0.0.1:{port}/login"

        def serving() -> bool:
            try:
                with urllib.request.urlopen(login, timeout=2) as response:
                    return response.status == 200
            except OSError:
                return False

        wait_for(serving, timeout=SLOW)
        database = f"sqlite:///{instance / 'leda.sqlite'}"
        with running(make_app(database, content=ROOT, LEDA_HUEY_IMMEDIATE=False)):
            demo = db.session.scalar(select(Organisation).where(Organisation.slug == "demo"))
            invite(demo.id, to="ny@demo.leda.test")
            # The server's periodic jobs may mail the demo's due refresher or reminders too,
            # when a quarter hour comes round while it runs: wait for the invitation itself.
            [email] = wait_for(
                lambda: [
                    m for m in read_outbox(instance / "outbox") if m["To"] == "ny@demo.leda.test"
                ],
                timeout=SLOW,
            )
            assert email["Subject"] == "Invitasjon til Leda fra Vik kommune"  # as invite() wrote it
    finally:
        output = stop(server)
    assert f" * Job queue: running in this process; mail goes to {instance / 'outbox'}" in output
    everything = sorted(instance.rglob("*"))
    assert {path.name for path in everything} >= {
        "secret_key",
        "leda.sqlite",
        "jobs.sqlite",
        "outbox",
    }
    assert [path.name for path in everything if not private(path)] == []
