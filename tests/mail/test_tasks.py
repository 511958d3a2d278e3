"""send_mail and the sweep: lost enqueues, failed attempts, a dead worker's claim."""

import logging
from datetime import timedelta

from app.db import db
from app.mail.models import MailMessage
from app.mail.services import queue_mail
from app.mail.tasks import LEASE, _claim, send_mail, sweep_outbox
from tests.conftest import make_app
from tests.factories import make_org
from tests.helpers import read_outbox, running


def invite(org_id: int) -> int:
    message = queue_mail(
        org_id=org_id,
        to="kari@vik.test",
        locale="en",
        template="auth/mail/invitation",
        given_name="Kari",
        org_name="Vik kommune",
        link="https://leda.example/invitation/t",
        expires_days=7,
        inviter_name=None,
    )
    db.session.commit()
    return message.id


def unsent(org_id: int) -> int:
    """An outbox row nobody enqueued, as after a lost enqueue or a crash."""
    message = MailMessage(
        org_id=org_id,
        to_address="kari@vik.test",
        locale="en",
        subject="Hello",
        text_body="Hello Kari\n",
        html_body="<p>Hello Kari</p>\n",
    )
    db.session.add(message)
    db.session.commit()
    return message.id


def test_the_sweep_sends_a_message_whose_enqueue_failed(database, outbox, clock, caplog):
    down = make_app(
        database,
        LEDA_MAIL_OUTBOX=str(outbox),
        LEDA_HUEY_IMMEDIATE=False,
        REDIS_URL="redis://127.0.0.1:1/0",  # nothing listens there: the queue is down
    )
    with running(down), caplog.at_level(logging.WARNING, logger="app.jobs"):
        message_id = invite(make_org().id)
    assert caplog.messages == ["could not enqueue send_mail after commit: ConnectionError"]
    assert read_outbox(outbox) == []

    with running(make_app(database, LEDA_MAIL_OUTBOX=str(outbox))):  # the queue is back
        assert sweep_outbox.call_local() == []  # the after-commit enqueue may still be on its way
        clock.advance(60)
        assert sweep_outbox.call_local() == [message_id]
        assert [email["Subject"] for email in read_outbox(outbox)] == [
            "Invitation to Leda from Vik kommune"
        ]
        assert sweep_outbox.call_local() == []


def test_a_failed_delivery_is_retried_later_then_given_up(database, tmp_path, clock, caplog):
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the outbox folder should be")
    config = {"LEDA_MAIL_OUTBOX": str(blocked / "outbox")}
    with running(make_app(database, **config)), caplog.at_level(logging.INFO, "app.mail"):
        message_id = invite(make_org().id)
        start = clock.now
        message = db.session.get(MailMessage, message_id)
        assert (message.attempts, message.next_attempt_at) == (1, start + timedelta(minutes=1))

        for minutes, attempts in ((1, 2), (6, 3), (36, 4), (156, 5)):
            clock.now = start + timedelta(minutes=minutes) - timedelta(seconds=1)
            assert sweep_outbox.call_local() == []  # not due yet
            clock.advance(1)
            assert sweep_outbox.call_local() == [message_id]
            db.session.expire_all()
            assert message.attempts == attempts

        assert message.text_body is not None
        assert sweep_outbox.call_local() == []  # out of attempts: not sent again...
        db.session.expire_all()
        assert (message.text_body, message.html_body, message.sent_at) == (None, None, None)
        assert message.subject == "Invitation to Leda from Vik kommune"  # ...but on record

    assert caplog.messages == [
        f"mail {message_id}: attempt {n} of 5 failed: NotADirectoryError" for n in range(1, 6)
    ]


def test_a_claim_left_by_a_dead_worker_expires_and_the_sweep_sends(app, outbox, clock):
    message_id = unsent(make_org().id)
    assert _claim(message_id) is True  # a worker claimed it, then died before sending
    assert send_mail.call_local(message_id) is False  # claimed: nobody else sends it
    clock.advance(int(LEASE.total_seconds()) - 1)
    assert sweep_outbox.call_local() == []
    clock.advance(1)
    assert sweep_outbox.call_local() == [message_id]
    [email] = read_outbox(outbox)
    assert email.get_body(("plain",)).get_content() == "Hello Kari\n"
    db.session.expire_all()
    assert db.session.get(MailMessage, message_id).attempts == 2
