"""Spaced retrieval: a few questions some days after a module is passed, to keep it in mind.

Passing a module for the first time schedules refreshers (by default at 2, 7 and 30 days), each
asking up to three questions, variants the learner has not seen where the module has them. A
due refresher is a card on the dashboard and one mail; its result is kept with it. An
organisation can turn them off (``Organisation.refreshers_enabled``): then none is scheduled,
shown or mailed.
"""

import random
import uuid
from datetime import datetime, timedelta

from flask import abort, current_app
from huey import crontab
from sqlalchemy import bindparam, select

from app.content import current_course
from app.content.models import Module, Question, text_in
from app.db import db, get_in_org_or_404, upsert_row, utcnow
from app.errors import LedaError
from app.i18n import _l
from app.jobs import periodic_task
from app.learning.cards import Card, dashboard_card
from app.orgs.models import Organisation, User
from app.web import external_url

from .models import Refresher
from .pools import check_answers, seen_questions

QUESTIONS_PER_REFRESHER = 3


class RefresherClosed(LedaError):
    message = _l("This refresher belongs to an earlier version of the module and is closed.")
    status = 409


def draw_refresher(module: Module, token: str, seen: set[str]) -> list[Question]:
    """Up to three questions from different pools, pools with an unseen variant first, an
    unseen variant where there is one; in the module's order."""
    rng = random.Random(f"{token}:refresher")
    pools = list(module.pools)
    rng.shuffle(pools)
    pools.sort(key=lambda pool: all(q.id in seen for q in pool))  # stable: unseen first
    picked = []
    for pool in pools[:QUESTIONS_PER_REFRESHER]:
        unseen = [q for q in pool if q.id not in seen]
        picked.append(rng.choice(unseen or list(pool)))
    order = [q.id for q in module.questions]
    return sorted(picked, key=lambda q: order.index(q.id))


def schedule_refreshers(user: User, module: Module, passed_at: datetime) -> list[Refresher]:
    """The refreshers of a module just passed; none when they exist already (a second pass
    schedules nothing more) or the organisation has turned them off."""
    if not user.organisation.refreshers_enabled:
        return []
    exists = db.session.scalar(
        select(Refresher.id).where(Refresher.user_id == user.id, Refresher.module_id == module.id)
    )
    if exists is not None:
        return []
    seen = seen_questions(user, module)
    refreshers = []
    for number, days in enumerate(current_app.config["LEDA_REFRESHER_DAYS"], start=1):
        token = str(uuid.uuid4())
        questions = draw_refresher(module, token, seen)
        seen |= {q.id for q in questions}
        refresher = upsert_row(
            Refresher,
            {
                "org_id": user.org_id,
                "user_id": user.id,
                "module_id": module.id,
                "module_version": module.version,
                "number": number,
                "token": token,
                "question_ids": [q.id for q in questions],
                "due_at": passed_at + timedelta(days=days),
            },
            ["user_id", "module_id", "number"],
            {},
        )
        if refresher is not None:
            refreshers.append(refresher)
    return refreshers


def due_refreshers(user: User, now: datetime) -> list[Refresher]:
    """The learner's refreshers that are due and not answered, oldest first."""
    if not user.organisation.refreshers_enabled:
        return []
    values = {"org": user.org_id, "user": user.id, "now": now}
    return list(db.session.scalars(_DUE_REFRESHERS, values))


# Built once: the dashboard asks on every view.
_DUE_REFRESHERS = (
    select(Refresher)
    .where(
        Refresher.org_id == bindparam("org"),
        Refresher.user_id == bindparam("user"),
        Refresher.due_at <= bindparam("now"),
        Refresher.answered_at.is_(None),
    )
    .order_by(Refresher.due_at, Refresher.id)
)


def refresher_of(user: User, refresher_id: int) -> Refresher:
    """The learner's own refresher; anyone else's, or one not due yet, is a 404."""
    refresher = get_in_org_or_404(Refresher, refresher_id, user.org_id)
    if refresher.user_id != user.id or refresher.due_at > utcnow():
        abort(404)
    return refresher


def questions_of(refresher: Refresher, module: Module) -> list[Question]:
    """The refresher's questions, or RefresherClosed when the module has changed since."""
    if refresher.module_version != module.version:
        raise RefresherClosed()
    questions = [module.question(question_id) for question_id in refresher.question_ids]
    if any(q is None for q in questions):
        raise RefresherClosed()
    return questions  # type: ignore[return-value]


def answer_refresher(
    refresher: Refresher, module: Module, answers: dict[str, list[str]], now: datetime
) -> Refresher:
    """Score and keep the answers; a refresher answered before stays as it was (a double
    submit changes nothing)."""
    questions = questions_of(refresher, module)
    if refresher.answered_at is not None:
        return refresher
    check_answers(questions, answers)
    results = [
        {
            "question_id": q.id,
            "option_ids": sorted(answers[q.id]),
            "correct": frozenset(answers[q.id]) == q.correct_ids,
        }
        for q in questions
    ]
    # only the first answer counts, even when two requests race: a conditional update
    db.session.execute(
        Refresher.__table__.update()
        .where(Refresher.id == refresher.id, Refresher.answered_at.is_(None))
        .values(
            answered_at=now,
            answers=results,
            score_raw=sum(
                q.points for q, r in zip(questions, results, strict=True) if r["correct"]
            ),
            score_max=sum(q.points for q in questions),
        )
    )
    db.session.expire(refresher)
    return refresher


@dashboard_card
def refresher_cards(user: User, now: datetime) -> list[Card]:
    course = current_course()
    cards = []
    for refresher in due_refreshers(user, now):
        module = course.module(refresher.module_id)
        if module is not None and refresher.module_version == module.version:
            cards.append(
                Card("quiz/_refresher_card.html", {"refresher": refresher, "module": module})
            )
    return cards


def mail_due_refreshers(now: datetime) -> int:
    """One mail for each due refresher not mailed yet, in the learner's language; returns how
    many. Marked in the same transaction as the outbox row, so none is ever mailed twice."""
    course = current_course()
    due = db.session.scalars(
        select(Refresher)
        .join(User, User.id == Refresher.user_id)
        .join(Organisation, Organisation.id == Refresher.org_id)
        .where(
            Refresher.due_at <= now,
            Refresher.mailed_at.is_(None),
            Refresher.answered_at.is_(None),
            Organisation.refreshers_enabled.is_(True),
            User.deactivated_at.is_(None),
            User.erased_at.is_(None),
        )
        .order_by(Refresher.id)
        .with_for_update(skip_locked=True, of=Refresher)
    ).all()
    from app.mail.services import queue_mail

    sent = 0
    for refresher in due:
        module = course.module(refresher.module_id)
        refresher.mailed_at = now
        if module is None or module.version != refresher.module_version:
            continue
        user = db.session.get_one(User, refresher.user_id)
        locale = user.locale or user.organisation.default_locale
        queue_mail(
            org_id=user.org_id,
            to=user.email,
            locale=locale,
            template="quiz/mail/refresher",
            given_name=user.given_name,
            org_name=user.organisation.name,
            module_title=text_in(module.title, locale),
            questions=len(refresher.question_ids),
            link=external_url("quiz.refresher", refresher_id=refresher.id),
        )
        sent += 1
    db.session.flush()
    return sent


@periodic_task(crontab(minute="*/15"))
def send_refresher_mail() -> int:
    sent = mail_due_refreshers(utcnow())
    db.session.commit()
    return sent
