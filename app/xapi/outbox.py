"""Queueing statements for an organisation's LRS, in the transaction of the progress they report.

Learning, quiz and certificates announce each progress row they first write
(``app.learning.events``); the hooks here turn it into statements (the same builders as the
export, so a pushed statement and an exported one are the same) and put them in the outbox, one
row per statement id. After commit the job queue pushes them (``tasks.push_statements``); on a
rollback nothing was queued. An organisation without an LRS queues nothing.
"""

from datetime import datetime
from urllib.parse import urlsplit

from sqlalchemy import ColumnElement, delete, func, select

from app.certificates.models import Certificate
from app.db import db, in_org, insert_missing, upsert, utcnow
from app.errors import LedaError
from app.i18n import _l
from app.jobs import enqueue_after_commit
from app.learning.events import when_module_done, when_recorded
from app.learning.models import LessonProgress, Registration
from app.orgs.models import Organisation, User
from app.orgs.services import audit
from app.quiz.models import QuizAnswer, QuizAttempt

from . import tasks
from .models import LrsSettings, XapiStatement
from .statements import KINDS, Kind, Statements, statement_id

# What each announced row makes: the kinds of statement and which of their rows belong to it.
RECORDED: dict[type, tuple[tuple[Kind, ColumnElement[int]], ...]] = {
    LessonProgress: ((Kind.LESSON, LessonProgress.id),),
    QuizAttempt: ((Kind.ANSWER, QuizAnswer.attempt_id), (Kind.ATTEMPT, QuizAttempt.id)),
    Certificate: ((Kind.COURSE, Certificate.id),),
}


class InvalidEndpoint(LedaError):
    message = _l("The LRS endpoint must be an http:// or https:// address.")


def lrs_of(org_id: int) -> LrsSettings | None:
    return db.session.scalar(in_org(LrsSettings, org_id))


def has_lrs(org_id: int) -> bool:
    return lrs_of(org_id) is not None


def set_lrs(org: Organisation, endpoint: str, key: str, secret: str) -> LrsSettings:
    """Send the organisation's statements from now on to this LRS (replacing any before).
    Statements of earlier progress are not queued: ``leda export xapi`` gives them. Flushes."""
    endpoint = endpoint.strip().rstrip("/")
    if urlsplit(endpoint).scheme not in ("http", "https") or not urlsplit(endpoint).netloc:
        raise InvalidEndpoint()
    values = {"endpoint": endpoint, "key": key, "secret": secret}
    upsert(LrsSettings, {"org_id": org.id, **values}, ["org_id"], values)
    audit(org.id, None, "xapi_lrs_set", endpoint=endpoint)
    db.session.flush()
    return db.session.scalars(
        in_org(LrsSettings, org.id).execution_options(populate_existing=True)
    ).one()


def remove_lrs(org: Organisation) -> None:
    """Send nothing more; statements still waiting stay, and go if an LRS is set again."""
    db.session.execute(delete(LrsSettings).where(LrsSettings.org_id == org.id))
    audit(org.id, None, "xapi_lrs_removed")
    db.session.flush()


def queue_statements(org: Organisation, kind: Kind, of: ColumnElement[bool]) -> int:
    """Put the statements of ``kind`` whose rows match ``of`` in the outbox, unless there
    already; returns how many were new. Flushes; pushed after commit. Erased people's rows make
    none."""
    statements = Statements.of(org)
    events = KINDS[kind]
    now = utcnow()
    rows = [
        {
            "org_id": org.id,
            "statement_id": statement_id(kind, row.id, row.xapi_id),
            "user_id": row.user_id,
            "statement": events.build(statements, row),
            "created_at": now,
            "attempts": 0,
        }
        for row in db.session.execute(
            events.query(org.id).where(User.erased_at.is_(None), of).order_by(events.id_column)
        )
    ]
    made = insert_missing(XapiStatement, rows, ["statement_id"]) if rows else 0
    if made:
        enqueue_after_commit(tasks.push_statements, org.id)
    return made


def _queue(user: User, made: tuple[tuple[Kind, ColumnElement[int]], ...], row_id: int) -> None:
    if not has_lrs(user.org_id):
        return
    org = db.session.get_one(Organisation, user.org_id)
    for kind, column in made:
        queue_statements(org, kind, column == row_id)


@when_recorded
def queue_recorded(user: User, model: type, row_id: int) -> None:
    """Learning's hook: a lesson done, a quiz attempt (and its answers), a certificate."""
    if model in RECORDED:
        _queue(user, RECORDED[model], row_id)


@when_module_done
def queue_module_done(user: User, registration: Registration, now: datetime) -> None:
    """Learning's hook: the module is finished (completed)."""
    _queue(user, ((Kind.MODULE, Registration.id),), registration.id)


def pending_count(org_id: int) -> tuple[int, int]:
    """(waiting, sent) statements of the organisation's outbox."""
    sent = XapiStatement.sent_at.is_not(None)
    rows = db.session.execute(
        select(sent, func.count()).where(XapiStatement.org_id == org_id).group_by(sent)
    ).all()
    counts = {bool(is_sent): count for is_sent, count in rows}
    return counts.get(False, 0), counts.get(True, 0)
