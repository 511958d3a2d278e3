"""Sending the outbox: one task per message, and a sweep every minute for what was left behind.

What is guaranteed: a message is handed to the transport at least once while it has attempts
left, and never again after its ``sent_at`` is committed. Each attempt first claims the row in
its own committed transaction (one UPDATE: unsent, attempts left, not claimed by someone else),
so two workers given the same id never both send; the claim is a lease, so a worker that dies
mid-attempt delays the message by the lease rather than losing it. The one window for a
duplicate is a crash after the transport accepted the message and before ``sent_at`` commits;
the resend then carries the same Message-ID.
"""

import logging
from datetime import timedelta

from flask import current_app
from huey import crontab
from sqlalchemy import or_, select, update

from app.db import db, utcnow
from app.jobs import periodic_task, task

from .models import MailMessage
from .transport import build_email, deliver

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
LEASE = timedelta(minutes=10)  # far longer than an attempt can take (SMTP_TIMEOUT)
# After the n-th failed attempt the next may start this much later; after the last, none does.
RETRY_DELAYS = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
)
# A new message is the after-commit enqueue's for this long before the sweep takes it.
SWEEP_GRACE = timedelta(minutes=1)


def _claim(message_id: int) -> bool:
    now = utcnow()
    claimed = db.session.execute(
        update(MailMessage)
        .where(
            MailMessage.id == message_id,
            MailMessage.sent_at.is_(None),
            MailMessage.attempts < MAX_ATTEMPTS,
            or_(MailMessage.next_attempt_at.is_(None), MailMessage.next_attempt_at <= now),
        )
        .values(attempts=MailMessage.attempts + 1, next_attempt_at=now + LEASE)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return claimed.rowcount == 1


@task()
def send_mail(message_id: int) -> bool:
    """Send one outbox message unless it is sent, claimed or out of attempts; idempotent.

    Returns whether this call sent it. On success the bodies are cleared in the same commit
    that sets ``sent_at``. A failure is logged by message id and error type only (SMTP errors
    can quote the address) and the message waits for the sweep's next retry.
    """
    if not _claim(message_id):
        return False
    message = db.session.get(MailMessage, message_id)
    if message is None:  # the recipient was erased (GDPR) since the claim: nothing to send
        return False
    config = current_app.config
    try:
        deliver(build_email(message, config["LEDA_MAIL_FROM"]), message, config)
    except Exception as error:
        log.warning(
            "mail %s: attempt %s of %s failed: %s",
            message.id,
            message.attempts,
            MAX_ATTEMPTS,
            type(error).__name__,
        )
        last = message.attempts >= MAX_ATTEMPTS
        message.next_attempt_at = utcnow() + (
            timedelta(0) if last else RETRY_DELAYS[message.attempts - 1]
        )
        db.session.commit()
        return False
    message.sent_at = utcnow()
    message.next_attempt_at = None
    message.text_body = message.html_body = None
    db.session.commit()
    log.info("mail %s sent", message.id)
    return True


@periodic_task(crontab(minute="*"))
def sweep_outbox() -> list[int]:
    """Re-enqueue unsent messages that are due (a lost enqueue, a failed attempt, a dead
    worker's lease), and clear the bodies of messages out of attempts. Returns the ids enqueued.
    """
    now = utcnow()
    unsent = MailMessage.sent_at.is_(None)
    due = db.session.scalars(
        select(MailMessage.id)
        .where(
            unsent,
            MailMessage.attempts < MAX_ATTEMPTS,
            or_(
                MailMessage.next_attempt_at <= now,
                MailMessage.next_attempt_at.is_(None)
                & (MailMessage.created_at <= now - SWEEP_GRACE),
            ),
        )
        .order_by(MailMessage.id)
    ).all()
    db.session.execute(
        update(MailMessage)
        .where(
            unsent,
            MailMessage.attempts >= MAX_ATTEMPTS,
            MailMessage.next_attempt_at <= now,
            MailMessage.text_body.is_not(None),
        )
        .values(text_body=None, html_body=None)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    for message_id in due:
        send_mail(message_id)
    return list(due)
