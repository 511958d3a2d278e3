"""A `leda worker` killed (SIGKILL, its whole process group) in the middle of a job: the mail or
the statements it was sending go out once, from the next worker, when the dead worker's claim
runs out. Real processes and servers on loopback: `leda worker`, an SMTP server (aiosmtpd)
whose handler holds a delivery until the test lets it go, and ralph's LRS behind a small proxy
that holds the first POST. The queue is Redis, as in production, or the instance's SQLite file.
"""

import asyncio
import json
import os
import select
import signal
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from huey.storage import RedisStorage
from sqlalchemy import select as sql_select
from sqlalchemy import update

from app.db import db, utcnow
from app.mail import tasks as mail_tasks
from app.mail.models import MailMessage
from app.mail.tasks import sweep_outbox
from app.xapi import outbox as xapi_outbox
from app.xapi import tasks as xapi_tasks
from app.xapi.models import XapiStatement
from app.xapi.tasks import sweep_xapi_outbox
from tests.conftest import CONTENT, make_app
from tests.factories import make_org, make_user
from tests.helpers import free_port, running, wait_for
from tests.test_jobs import SLOW, invite, leda_env, start_worker, stop
from tests.xapi.helpers import work_through
from tests.xapi.lrs import KEY, SECRET, ralph_lrs, stored_statements

REDIS = "redis://127.0.0.1:6379/0"
SENDER = "Leda i Vik <leda@vik.test>"
HOLD = 60  # seconds a held delivery waits for the test at most (SMTP_TIMEOUT is 30)


# -- The queue ---------------------------------------------------------------------------------


@pytest.fixture
def queue(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch) -> Iterator[dict[str, str]]:
    """The queue the test's app and its workers share, as settings for both (config and
    environment): Redis under a name of this test's own, or ``jobs.sqlite`` in one instance
    folder (``LEDA_INSTANCE_PATH``, set here for the test's app)."""
    instance = tmp_path / "instance"
    monkeypatch.setenv("LEDA_INSTANCE_PATH", str(instance))
    if request.param == "file-queue":
        yield {}
        return
    name = f"leda_test_{uuid.uuid4().hex}"
    yield {"REDIS_URL": REDIS, "LEDA_HUEY_NAME": name}
    storage = RedisStorage(name, url=REDIS)
    storage.flush_all()
    storage.conn.connection_pool.disconnect()


def worker_env(database: str, queue: dict[str, str], **variables: str) -> dict[str, str]:
    return leda_env(
        Path(os.environ["LEDA_INSTANCE_PATH"]),
        DATABASE_URL=database,
        LEDA_CONTENT_ROOT=str(CONTENT),
        **queue,
        **variables,
    )


@contextmanager
def worker(
    env: dict[str, str], holder: "HoldingInbox | HoldingProxy | None" = None
) -> Iterator[subprocess.Popen[str]]:
    """A `leda worker` for the block; one still running at the end is stopped with Ctrl-C and
    must exit cleanly. ``holder``'s held delivery is let go first, so a test that fails while
    the worker waits on it stops at once, with its own error, instead of the worker's
    stop waiting out the SMTP or HTTP timeout."""
    process = start_worker(env)
    try:
        yield process
    finally:
        if holder is not None:
            holder.release.set()
        if process.poll() is None:
            stop(process)
        elif not process.stdout.closed:  # died by itself: read what it printed, close the pipe
            process.communicate(timeout=SLOW)


def kill(process: subprocess.Popen[str]) -> str:
    """SIGKILL the worker's whole process group (no handler runs, nothing is committed or
    given back to the queue); returns what it printed."""
    os.killpg(process.pid, signal.SIGKILL)
    output, _ = process.communicate(timeout=SLOW)
    assert process.returncode == -signal.SIGKILL, output
    return output


def let_the_lease_run_out(model: type[MailMessage] | type[XapiStatement]) -> None:
    """Stands for the lease passing (ten minutes for mail, five for statements) since the dead
    worker claimed its rows: the claims' ends move into the past, and nothing else changes."""
    db.session.execute(
        update(model)
        .where(model.sent_at.is_(None))
        .values(next_attempt_at=utcnow() - timedelta(seconds=1))
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


# -- An SMTP server that holds a delivery --------------------------------------------------------


class HoldingInbox:
    """aiosmtpd handler that accepts every message, except that it holds the first delivery
    at ``hold``: at "DATA", before answering the message (so it is not accepted); at "QUIT",
    after accepting it, before answering the QUIT that follows (so the client is past the
    accept and before whatever it does next). A held command is answered when ``release`` is
    set; a client that goes away meanwhile cancels it (``dropped`` is set)."""

    def __init__(self, hold: str) -> None:
        self.hold = hold
        self.accepted: list[EmailMessage] = []
        self.held: list[EmailMessage] = []  # held at DATA: seen, never accepted
        self.holding = threading.Event()
        self.release = threading.Event()
        self.dropped = threading.Event()

    async def _wait_for_release(self) -> None:
        self.holding.set()
        deadline = time.monotonic() + HOLD
        try:
            while not self.release.is_set() and time.monotonic() < deadline:
                await asyncio.sleep(0.02)
        except asyncio.CancelledError:  # the connection was lost
            self.dropped.set()
            raise

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 (aiosmtpd's name)
        email = message_from_bytes(envelope.content, _class=EmailMessage, policy=policy.default)
        if self.hold == "DATA" and not self.holding.is_set():
            self.held.append(email)
            await self._wait_for_release()
            return "451 4.3.0 Try again later"
        self.accepted.append(email)
        return "250 Message accepted"

    async def handle_QUIT(self, server, session, envelope) -> str:  # noqa: N802 (aiosmtpd's name)
        if self.hold == "QUIT" and self.accepted and not self.holding.is_set():
            await self._wait_for_release()
        return "221 Bye"


@contextmanager
def smtp_server(inbox: HoldingInbox) -> Iterator[int]:
    """The SMTP server on loopback for the block; yields its port."""
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield controller.port
    finally:
        inbox.release.set()
        controller.stop()


def message_id(message: MailMessage) -> str:
    """The Message-ID the transport derives from the row (with the sender's domain)."""
    return f"<leda.{message.id}.{int(message.created_at.timestamp())}@vik.test>"


def content(email: EmailMessage) -> tuple[list[tuple[str, str]], str, str]:
    """A message's headers (the top Content-Type aside: its MIME boundary is drawn afresh for
    each send), and its text and HTML bodies."""
    headers = [(name, value) for name, value in email.items() if name != "Content-Type"]
    text, html = (email.get_body((kind,)).get_content() for kind in ("plain", "html"))
    return headers, text, html


def mail_row(row_id: int) -> MailMessage:
    """The row as committed now (the test's last read transaction ends first: on SQLite it
    would go on seeing its snapshot)."""
    db.session.rollback()
    return db.session.get_one(MailMessage, row_id)


def sent(row_id: int) -> bool:
    return mail_row(row_id).sent_at is not None


@contextmanager
def mail_setup(database: str, queue: dict[str, str], inbox: HoldingInbox) -> Iterator[dict]:
    """The SMTP server, the test's app (enqueueing into ``queue``) in context, and the
    environment of a worker that sends through that server."""
    with smtp_server(inbox) as port:
        env = worker_env(
            database,
            queue,
            LEDA_SMTP_HOST="127.0.0.1",
            LEDA_SMTP_PORT=str(port),
            LEDA_SMTP_SECURITY="none",
            LEDA_MAIL_FROM=SENDER,
        )
        with running(make_app(database, LEDA_HUEY_IMMEDIATE=False, **queue)):
            yield env


@pytest.mark.parametrize("queue", ["redis-queue", "file-queue"], indirect=True)
def test_a_worker_killed_while_sending_a_mail_leaves_it_to_the_next_once(database, queue):
    inbox = HoldingInbox(hold="DATA")
    with mail_setup(database, queue, inbox) as env:
        row_id = invite(make_org().id)  # committed: send_mail is in the queue
        with worker(env, inbox) as first:
            assert inbox.holding.wait(SLOW)  # the worker is inside send_mail, its DATA unanswered
            claimed = mail_row(row_id)
            assert (claimed.attempts, claimed.sent_at) == (1, None)
            assert utcnow() < claimed.next_attempt_at <= utcnow() + mail_tasks.LEASE
            kill(first)
            assert inbox.dropped.wait(SLOW)  # the server saw the connection die, unanswered
        assert inbox.accepted == []
        assert sweep_outbox.call_local() == []  # the claim holds while the lease runs
        assert mail_row(row_id).attempts == 1

        let_the_lease_run_out(MailMessage)
        with worker(env):
            sweep_outbox()  # into the queue, as every worker's scheduler does each minute
            wait_for(lambda: sent(row_id), timeout=SLOW)
        message = mail_row(row_id)
        assert (message.attempts, message.next_attempt_at, message.text_body) == (2, None, None)
        assert [email["Message-ID"] for email in inbox.held] == [message_id(message)]
        [email] = inbox.accepted  # the one message the server took, and nothing else
        assert (email["Message-ID"], email["To"]) == (message_id(message), "kari@vik.test")
        assert email["Subject"] == "Invitasjon til Leda fra Vik kommune"


@pytest.mark.parametrize("queue", ["file-queue"], indirect=True)
def test_a_worker_killed_after_the_server_took_a_mail_resends_it_with_its_message_id(
    database, queue
):
    """The one duplicate window of the outbox (app/mail/tasks.py): the server has accepted the
    message and the worker dies before ``sent_at`` commits. The worker is held in smtplib's
    QUIT, after the server's 250 and before it can commit, and killed there: the resend is the
    same message with the same Message-ID, so the receiver can drop it."""
    inbox = HoldingInbox(hold="QUIT")
    with mail_setup(database, queue, inbox) as env:
        row_id = invite(make_org().id)
        with worker(env, inbox) as first:
            assert inbox.holding.wait(SLOW)  # accepted; the QUIT after it unanswered
            assert len(inbox.accepted) == 1
            kill(first)
            assert inbox.dropped.wait(SLOW)
        unsent = mail_row(row_id)
        assert (unsent.attempts, unsent.sent_at) == (1, None)  # the accept was not recorded

        let_the_lease_run_out(MailMessage)
        with worker(env):
            sweep_outbox()
            wait_for(lambda: sent(row_id), timeout=SLOW)
        message = mail_row(row_id)
        assert message.attempts == 2
        first_copy, second_copy = inbox.accepted
        assert first_copy["Message-ID"] == second_copy["Message-ID"] == message_id(message)
        assert content(first_copy) == content(second_copy)  # the same message


# -- An LRS that holds the first push ------------------------------------------------------------


class HoldingProxy(ThreadingHTTPServer):
    """A proxy in front of the real LRS: it holds the first POST of statements until
    ``release`` is set or its client goes away (``dropped``), then closes the connection
    without an answer; it forwards every later request and its answer. ``posts`` has the
    statement ids of each POST it received, in order."""

    def __init__(self, upstream: str) -> None:
        super().__init__(("127.0.0.1", 0), _ProxyHandler)
        self.upstream = upstream
        self.posts: list[list[str]] = []
        self.holding = threading.Event()
        self.release = threading.Event()
        self.dropped = threading.Event()

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.server_port}/xAPI"


class _ProxyHandler(BaseHTTPRequestHandler):
    server: HoldingProxy

    def do_POST(self) -> None:  # noqa: N802 (http.server's name)
        body = self.rfile.read(int(self.headers["Content-Length"]))
        proxy = self.server
        proxy.posts.append([statement["id"] for statement in json.loads(body)])
        if not proxy.holding.is_set():
            proxy.holding.set()
            self._hold()
            self.close_connection = True  # no answer at all
            return
        headers = {
            name: self.headers[name]
            for name in ("Content-Type", "X-Experience-API-Version", "Authorization")
        }
        target = proxy.upstream + self.path.removeprefix("/xAPI")
        request = urllib.request.Request(target, data=body, method="POST", headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=SLOW) as response:
                status, answer = response.status, response.read()
        except urllib.error.HTTPError as error:
            with error:
                status, answer = error.code, error.read()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def _hold(self) -> None:
        deadline = time.monotonic() + HOLD
        while not self.server.release.is_set() and time.monotonic() < deadline:
            readable, _, _ = select.select([self.connection], [], [], 0.02)
            if not readable:
                continue
            try:
                gone = self.connection.recv(1, socket.MSG_PEEK) == b""
            except OSError:  # ConnectionResetError: the client is gone, abruptly
                gone = True
            if gone:
                self.server.dropped.set()  # the client is gone
                return

    def log_message(self, *args: object) -> None:
        pass


@contextmanager
def holding_proxy(upstream: str) -> Iterator[HoldingProxy]:
    proxy = HoldingProxy(upstream)
    thread = threading.Thread(target=proxy.serve_forever, daemon=True)
    thread.start()
    try:
        yield proxy
    finally:
        proxy.release.set()
        proxy.shutdown()
        proxy.server_close()
        thread.join(SLOW)


class RealTime:
    """``work_through``'s clock left alone: the test and its workers share the real one."""

    def advance(self, seconds: int) -> None:
        pass


def statement_rows() -> list[XapiStatement]:
    """The outbox as committed now (see ``mail_row``)."""
    db.session.rollback()
    return list(db.session.scalars(sql_select(XapiStatement).order_by(XapiStatement.id)))


@pytest.mark.parametrize("queue", ["redis-queue"], indirect=True)
def test_a_worker_killed_while_pushing_statements_leaves_them_to_the_next_once(
    database, queue, tmp_path
):
    env = worker_env(database, queue)
    with (
        ralph_lrs(tmp_path / "lrs") as lrs,
        holding_proxy(lrs) as proxy,
        running(make_app(database, LEDA_HUEY_IMMEDIATE=False, **queue)),
    ):
        org = make_org()
        org.home_page = "https://vik.kommune.no"
        learner = make_user(org, email="kari@vik.kommune.no", locale="sv")
        xapi_outbox.set_lrs(org, proxy.endpoint, KEY, SECRET)
        work_through(learner, RealTime())
        db.session.commit()  # the statements are in the outbox, and pushes in the queue
        ids = sorted(row.statement_id for row in statement_rows())
        assert len(ids) == 12

        with worker(env, proxy) as first:
            assert proxy.holding.wait(SLOW)  # the worker is inside push_statements' POST
            claimed = statement_rows()
            assert {(row.attempts, row.sent_at) for row in claimed} == {(1, None)}
            assert all(
                utcnow() < row.next_attempt_at <= utcnow() + xapi_tasks.LEASE for row in claimed
            )
            kill(first)
            assert proxy.dropped.wait(SLOW)  # the proxy saw the connection die, unanswered
        assert [statement["id"] for statement in stored_statements(lrs)] == []
        assert sweep_xapi_outbox.call_local() == []  # the claims hold while the lease runs

        let_the_lease_run_out(XapiStatement)
        with worker(env):
            sweep_xapi_outbox()
            wait_for(lambda: all(row.sent_at for row in statement_rows()), timeout=SLOW)
        rows = statement_rows()
        assert {(row.attempts, row.next_attempt_at, row.statement) for row in rows} == {
            (2, None, None)
        }
        # Two POSTs of the same batch: the one dropped, the one the LRS got; it stores each once.
        assert [sorted(post) for post in proxy.posts] == [ids, ids]
        assert sorted(statement["id"] for statement in stored_statements(lrs)) == ids
