"""What Leda stores about a person, for their own download (GDPR art. 15 and 20).

One function gathers it all, so the file a learner downloads is the complete answer to "what
do you keep about me": the account, sessions, links, every progress record, every quiz answer,
every practice answer, every reflection, commitment and follow-up answer, every certificate
and what the audit log says was done to them.
"""

from datetime import datetime
from typing import Any

from sqlalchemy import Select, select

from app.auth.models import AccountToken, UserSession
from app.certificates.models import Certificate
from app.db import db
from app.learning.models import (
    Commitment,
    LessonProgress,
    PendingReflection,
    Reflection,
    Registration,
)
from app.mail.models import MailMessage
from app.onboarding.models import ManagerDigest, Reminder
from app.practice.models import PracticeAnswer, ScenarioRun
from app.quiz.models import QuizAttempt

from .models import AuditEvent, User
from .services import unit_paths


def _rows(query: Select[Any], skip: frozenset[str] = frozenset()) -> list[dict[str, Any]]:
    return [_plain(row, skip) for row in db.session.scalars(query)]


def _plain(row: Any, skip: frozenset[str] = frozenset()) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for column in row.__table__.columns:
        if column.key in skip:
            continue
        value = getattr(row, column.key)
        out[column.key] = value.isoformat() if isinstance(value, datetime) else value
    return out


def personal_data(user: User) -> dict[str, Any]:
    """Everything stored about ``user``, as JSON-ready values. Secrets are left out: password and
    token hashes say nothing about the person and would only help an attacker."""
    secrets = frozenset({"password_hash", "token_hash"})
    attempts = db.session.scalars(
        select(QuizAttempt).where(QuizAttempt.user_id == user.id).order_by(QuizAttempt.id)
    ).all()
    commitments = db.session.scalars(
        select(Commitment).where(Commitment.user_id == user.id).order_by(Commitment.id)
    ).all()
    return {
        "account": {
            **_plain(user, secrets),
            "organisation": user.organisation.name,
            "unit": unit_paths(user.org_id).get(user.unit_id or 0),
            "manager": user.manager.name if user.manager else None,
            "roles": sorted(role.value for role in user.roles),
        },
        "sessions": _rows(select(UserSession).where(UserSession.user_id == user.id), secrets),
        "links": _rows(select(AccountToken).where(AccountToken.user_id == user.id), secrets),
        "registrations": _rows(select(Registration).where(Registration.user_id == user.id)),
        "lessons": _rows(select(LessonProgress).where(LessonProgress.user_id == user.id)),
        "quiz_attempts": [
            {**_plain(attempt), "answers": [_plain(answer) for answer in attempt.answers]}
            for attempt in attempts
        ],
        "practice_answers": _rows(
            select(PracticeAnswer)
            .where(PracticeAnswer.user_id == user.id)
            .order_by(PracticeAnswer.id)
        ),
        "scenario_runs": _rows(
            select(ScenarioRun).where(ScenarioRun.user_id == user.id).order_by(ScenarioRun.id)
        ),
        "reflections": _rows(select(Reflection).where(Reflection.user_id == user.id)),
        # Sent after a session had ended, waiting for the next login (a day at most).
        "reflections_awaiting_login": _rows(
            select(PendingReflection).where(PendingReflection.user_id == user.id)
        ),
        "commitments": [
            {**_plain(c), "follow_ups": [_plain(f) for f in c.follow_ups]} for c in commitments
        ],
        "certificates": _rows(
            select(Certificate).where(Certificate.user_id == user.id).order_by(Certificate.id)
        ),
        "mail": _rows(
            select(MailMessage).where(MailMessage.to_address == user.email),
            frozenset({"text_body", "html_body"}),  # may hold a secret link; sent ones are empty
        ),
        "reminders": _rows(
            select(Reminder).where(Reminder.user_id == user.id).order_by(Reminder.id)
        ),
        "digests": _rows(
            select(ManagerDigest)
            .where(ManagerDigest.manager_id == user.id)
            .order_by(ManagerDigest.id)
        ),
        "audit_events": _rows(
            select(AuditEvent).where(AuditEvent.target_user_id == user.id), frozenset({"actor_id"})
        ),
    }
