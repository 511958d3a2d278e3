"""Pushing to an LRS: statements queued with the progress, sent after commit to a real LRS
(ralph's, on loopback), kept and retried later when the LRS fails or does not answer."""

import logging
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import select

import app.xapi.tasks as tasks
from app.db import db
from app.orgs import services as orgs
from app.orgs.models import AuditEvent, Organisation, User
from app.xapi import outbox
from app.xapi.models import LrsSettings, XapiStatement
from app.xapi.tasks import post_statements, push_statements, sweep_xapi_outbox
from tests.factories import make_org, make_user
from tests.xapi.helpers import export, work_through
from tests.xapi.lrs import KEY, SECRET, ralph_lrs, stored_statements


@pytest.fixture
def lrs(tmp_path: Path) -> Iterator[str]:
    """A fresh LRS per test: ralph's file backend takes one write per file (a second POST of
    new statements fails with 500), so each test makes one successful push at most."""
    with ralph_lrs(tmp_path / "lrs") as endpoint:
        yield endpoint


class _Failing(BaseHTTPRequestHandler):
    delay = 0.0
    status = 503
    location = ""

    def do_POST(self) -> None:  # noqa: N802 (http.server's name)
        time.sleep(self.delay)
        self.send_response(self.status)
        if self.location:
            self.send_header("Location", self.location)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def failing_lrs() -> Iterator[ThreadingHTTPServer]:
    """An LRS on loopback that answers every POST with ``status`` (503) after ``delay``
    seconds, with ``location`` as its Location header if set."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Failing)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    _Failing.delay, _Failing.status, _Failing.location = 0.0, 503, ""
    server.shutdown()
    server.server_close()


@pytest.fixture
def learner(app: Flask) -> User:
    org = make_org()
    org.home_page = "https://vik.kommune.no"
    return make_user(org, email="kari@vik.kommune.no", locale="sv")


def _outbox() -> list[XapiStatement]:
    db.session.expire_all()
    return list(db.session.scalars(select(XapiStatement).order_by(XapiStatement.id)))


def _without_lrs_fields(statement: dict) -> dict:
    return {k: v for k, v in statement.items() if k not in ("stored", "authority")}


def test_progress_is_pushed_to_the_lrs_after_commit(learner, clock, lrs, tmp_path):
    outbox.set_lrs(learner.organisation, lrs + "/", KEY, SECRET)
    work_through(learner, clock)
    queued = _outbox()
    assert len(queued) == 12 and {row.sent_at for row in queued} == {None}  # not before commit

    db.session.commit()

    sent = _outbox()
    assert {(row.sent_at, row.statement, row.attempts) for row in sent} == {(clock.now, None, 1)}
    exported = export(learner.organisation)
    assert sorted(row.statement_id for row in sent) == sorted(s["id"] for s in exported)
    stored = {
        s["id"]: s for s in stored_statements(lrs) if s["id"] in {r.statement_id for r in sent}
    }
    assert len(stored) == 12
    for statement in exported:
        assert _without_lrs_fields(stored[statement["id"]]) == statement


def test_a_resend_is_harmless_because_an_event_keeps_its_id(learner, clock, lrs):
    outbox.set_lrs(learner.organisation, lrs, KEY, SECRET)
    work_through(learner, clock)
    db.session.commit()
    before = len(stored_statements(lrs))
    lrs_row = db.session.scalar(select(LrsSettings))

    post_statements(lrs_row, export(learner.organisation))  # as after a crash before sent_at

    assert len(stored_statements(lrs)) == before
    assert push_statements.call_local(learner.org_id) == 0  # nothing is due: all were sent


def test_a_failing_lrs_keeps_them_queued_with_backoff_until_it_works(
    learner, clock, lrs, failing_lrs, caplog
):
    org = learner.organisation
    outbox.set_lrs(org, f"http://127.0.0.1:{failing_lrs.server_port}", KEY, SECRET)
    work_through(learner, clock)
    with caplog.at_level(logging.WARNING, logger="app.xapi.tasks"):
        db.session.commit()

    assert caplog.messages == [f"xAPI: org {org.id}: 12 statements wait for a retry: 503"]
    assert SECRET not in caplog.text
    first = clock.now
    assert {(r.sent_at, r.attempts, r.next_attempt_at) for r in _outbox()} == {
        (None, 1, first + timedelta(minutes=1))
    }
    clock.advance(60)
    assert sweep_xapi_outbox.call_local() == [org.id]  # fails again: two minutes next
    assert {(r.attempts, r.next_attempt_at) for r in _outbox()} == {
        (2, clock.now + timedelta(minutes=2))
    }

    outbox.set_lrs(org, lrs, KEY, SECRET)  # the LRS is back (here: another address)
    db.session.commit()
    clock.advance(60)
    assert sweep_xapi_outbox.call_local() == []  # not due for another minute
    clock.advance(60)
    assert sweep_xapi_outbox.call_local() == [org.id]

    assert {(r.sent_at, r.attempts) for r in _outbox()} == {(clock.now, 3)}
    ids = {s["id"] for s in stored_statements(lrs)}
    assert {r.statement_id for r in _outbox()} <= ids
    assert sweep_xapi_outbox.call_local() == []


def test_an_lrs_that_does_not_answer_in_time_keeps_them_queued(
    learner, clock, failing_lrs, monkeypatch, caplog
):
    monkeypatch.setattr(tasks, "TIMEOUT", 0.2)
    _Failing.delay = 1.0
    outbox.set_lrs(learner.organisation, f"http://127.0.0.1:{failing_lrs.server_port}", KEY, "s")
    work_through(learner, clock)
    with caplog.at_level(logging.WARNING, logger="app.xapi.tasks"):
        db.session.commit()

    assert caplog.messages == [
        f"xAPI: org {learner.org_id}: 12 statements wait for a retry: TimeoutError"
    ]
    assert {(r.sent_at, r.attempts) for r in _outbox()} == {(None, 1)}


def test_without_an_lrs_nothing_is_queued(learner, clock):
    work_through(learner, clock)
    db.session.commit()

    assert _outbox() == []


def test_erasing_a_person_drops_their_statements_from_the_outbox(learner, clock, failing_lrs):
    outbox.set_lrs(learner.organisation, f"http://127.0.0.1:{failing_lrs.server_port}", KEY, "s")
    other = make_user(learner.organisation, email="per@vik.kommune.no")
    work_through(learner, clock)
    work_through(other, clock)
    db.session.commit()
    assert len(_outbox()) == 24

    orgs.erase_user(learner, None)

    assert {r.user_id for r in _outbox()} == {other.id}


def test_the_cli_sets_shows_and_removes_the_lrs_never_the_secret(runner: FlaskCliRunner, app):
    org = make_org()
    db.session.commit()

    result = runner.invoke(
        args=["xapi", "lrs", "vik", "--endpoint", "https://lrs.example.org/xapi/", "--key", "k1"],
        input="top-secret\n",
    )

    assert result.exit_code == 0, result.output
    assert "top-secret" not in result.output
    assert result.output == (
        "LRS secret: \nendpoint\thttps://lrs.example.org/xapi\nkey\tk1\nwaiting\t0\nsent\t0\n"
    )
    db.session.expire_all()
    settings = db.session.scalar(select(LrsSettings))
    assert (settings.org_id, settings.secret) == (org.id, "top-secret")
    result = runner.invoke(args=["xapi", "lrs", "vik", "--off"])
    assert result.output == "endpoint\t-\nkey\t-\nwaiting\t0\nsent\t0\n"
    assert db.session.scalar(select(LrsSettings)) is None
    events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    assert [(e.action, e.details) for e in events] == [
        ("xapi_lrs_set", {"endpoint": "https://lrs.example.org/xapi"}),
        ("xapi_lrs_removed", {}),
    ]
    bad = runner.invoke(
        args=["xapi", "lrs", "vik", "--endpoint", "ftp://x", "--key", "k"], input="s\n"
    )
    assert bad.exit_code == 1
    assert "The LRS endpoint must be an http:// or https:// address." in bad.output
    assert db.session.get(Organisation, org.id) is not None


def test_progress_rolled_back_queues_and_sends_nothing(learner, clock, failing_lrs, caplog):
    outbox.set_lrs(learner.organisation, f"http://127.0.0.1:{failing_lrs.server_port}", KEY, "s")
    db.session.commit()
    work_through(learner, clock)
    assert len(_outbox()) == 12

    with caplog.at_level(logging.WARNING, logger="app.xapi.tasks"):
        db.session.rollback()

    assert _outbox() == []
    assert caplog.messages == []  # no attempt was made


def test_a_redirect_is_not_taken_for_success(learner, clock, lrs, failing_lrs, caplog):
    """urllib would follow a 302 as a GET, and the LRS answers a GET of its statements 200."""
    _Failing.status, _Failing.location = 302, f"{lrs}/statements"
    outbox.set_lrs(learner.organisation, f"http://127.0.0.1:{failing_lrs.server_port}", KEY, "s")
    work_through(learner, clock)
    with caplog.at_level(logging.WARNING, logger="app.xapi.tasks"):
        db.session.commit()

    assert caplog.messages == [f"xAPI: org {learner.org_id}: 12 statements wait for a retry: 302"]
    assert {(r.sent_at, r.attempts) for r in _outbox()} == {(None, 1)}
