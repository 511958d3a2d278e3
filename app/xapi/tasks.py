"""Pushing the outbox to each organisation's LRS: a task per organisation after each commit that
queues statements, and a sweep every minute for what is due again.

What is guaranteed: a statement is sent at least once, and never again after its ``sent_at`` is
committed. Each attempt first claims a batch in its own committed transaction (one UPDATE:
unsent, due, so two workers never both send a row); the claim is a lease, so a worker that
dies mid-attempt delays the batch by the lease. A 5xx, a refusal, a timeout or no answer leaves
the batch queued until its next retry, each one twice as far off as the one before, up to an
hour; the LRS keeps a statement it already has once (same id, same content), so the resend
after a crash between its answer and our commit is harmless.
"""

import base64
import http.client
import json
import logging
import urllib.error
import urllib.request
from datetime import timedelta
from typing import Any

from huey import crontab
from sqlalchemy import ColumnElement, or_, select, update

from app.db import db, utcnow
from app.jobs import periodic_task, task

from .models import LrsSettings, XapiStatement
from .statements import VERSION

log = logging.getLogger(__name__)

BATCH_SIZE = 50  # statements per POST
TIMEOUT = 15  # seconds; far inside the lease
LEASE = timedelta(minutes=5)
FIRST_RETRY = timedelta(minutes=1)
LAST_RETRY = timedelta(hours=1)
# A new statement is the after-commit enqueue's for this long before the sweep takes it.
SWEEP_GRACE = timedelta(minutes=1)


def retry_delay(attempts: int) -> timedelta:
    """After the n-th failed attempt: 1, 2, 4 … minutes, never more than an hour."""
    return min(FIRST_RETRY * 2 ** (attempts - 1), LAST_RETRY)


def _due() -> ColumnElement[bool]:
    return XapiStatement.sent_at.is_(None) & or_(
        XapiStatement.next_attempt_at.is_(None), XapiStatement.next_attempt_at <= utcnow()
    )


def _claim(org_id: int) -> list[int]:
    ids = db.session.scalars(
        select(XapiStatement.id)
        .where(XapiStatement.org_id == org_id, _due())
        .order_by(XapiStatement.id)
        .limit(BATCH_SIZE)
    ).all()
    claimed: list[int] = []
    if ids:
        claimed = list(
            db.session.scalars(
                update(XapiStatement)
                .where(XapiStatement.id.in_(ids), _due())
                .values(attempts=XapiStatement.attempts + 1, next_attempt_at=utcnow() + LEASE)
                .returning(XapiStatement.id)
                .execution_options(synchronize_session=False)
            )
        )
    db.session.commit()
    return sorted(claimed)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is a failure: urllib would follow it as a GET, whose 200 (the LRS's list
    of statements, say) would pass for a successful POST."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_opener = urllib.request.build_opener(_NoRedirects())


def post_statements(lrs: LrsSettings, statements: list[dict[str, Any]]) -> None:
    """POST ``statements`` to the LRS with basic auth; returns on a 2xx, raises otherwise
    (``urllib.error.HTTPError`` with its status, a 3xx too; ``URLError``, ``TimeoutError``)."""
    credentials = base64.b64encode(f"{lrs.key}:{lrs.secret}".encode()).decode("ascii")
    request = urllib.request.Request(
        f"{lrs.endpoint.rstrip('/')}/statements",
        data=json.dumps(statements, ensure_ascii=False).encode("utf-8"),
        method="POST",
        headers={
            "Content-Type": "application/json",
            "X-Experience-API-Version": VERSION,
            "Authorization": f"Basic {credentials}",
        },
    )
    with _opener.open(request, timeout=TIMEOUT) as response:
        response.read()


@task()
def push_statements(org_id: int) -> int:
    """Send the organisation's due statements in batches until none is left or the LRS fails;
    returns how many this call sent. Idempotent. A failure is logged by organisation, count
    and error type or status, never with the statements or the credentials."""
    sent = 0
    lrs = db.session.scalar(select(LrsSettings).where(LrsSettings.org_id == org_id))
    if lrs is None:
        return 0
    while claimed := _claim(org_id):
        rows = db.session.scalars(
            select(XapiStatement).where(XapiStatement.id.in_(claimed)).order_by(XapiStatement.id)
        ).all()
        try:
            post_statements(lrs, [row.statement for row in rows if row.statement is not None])
        except (OSError, http.client.HTTPException) as error:
            reason = (
                error.code if isinstance(error, urllib.error.HTTPError) else type(error).__name__
            )
            log.warning(
                "xAPI: org %s: %s statements wait for a retry: %s", org_id, len(rows), reason
            )
            now = utcnow()
            for row in rows:
                row.next_attempt_at = now + retry_delay(row.attempts)
            db.session.commit()
            return sent
        now = utcnow()
        for row in rows:
            row.sent_at = now
            row.next_attempt_at = None
            row.statement = None
        db.session.commit()
        sent += len(rows)
        log.info("xAPI: org %s: %s statements sent", org_id, len(rows))
    return sent


@periodic_task(crontab(minute="*"))
def sweep_xapi_outbox() -> list[int]:
    """Push for every organisation with statements due (a lost enqueue, a failed attempt, a
    dead worker's lease); returns the organisations' ids."""
    now = utcnow()
    org_ids = db.session.scalars(
        select(XapiStatement.org_id)
        .where(
            XapiStatement.sent_at.is_(None),
            or_(
                XapiStatement.next_attempt_at <= now,
                XapiStatement.next_attempt_at.is_(None)
                & (XapiStatement.created_at <= now - SWEEP_GRACE),
            ),
        )
        .distinct()
        .order_by(XapiStatement.org_id)
    ).all()
    db.session.commit()
    for org_id in org_ids:
        push_statements(org_id)
    return list(org_ids)
