"""xAPI 1.0.3 statements of what learners did, built from the rows that record it.

One statement per event, of five kinds (``KINDS``): a lesson done (experienced), a quiz question
answered (answered), a quiz attempt (passed or failed), a module finished (completed) and the
course finished, i.e. a certificate issued (completed). What callers may rely on:

- A statement's id is derived from its kind, its row's id and the learner's account name
  (:func:`statement_id`), so the same event always gives the same statement and an LRS can
  drop a repeat.
- ``timestamp`` is when the event happened, read from the row; ``stored`` is the LRS's to set.
- The actor is an account on the organisation's home page named by the person's random
  ``xapi_id``, unless the organisation chose e-mail addresses (``mbox``). Erased people are
  never in a statement.
- Nothing a learner wrote is ever in one: an answer's response is the ids of the options chosen.
- A statement holds only what was settled when the event happened (no running totals such as
  time on task or the best score), so the one queued for an LRS then and the one exported
  later are the same, and the LRS takes a resend of either as a repeat, not a conflict.

Statements are read in batches of ``BATCH_SIZE`` rows and built one at a time, so an export of
any size runs in constant memory.
"""

import json
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, TextIO

from flask import current_app
from sqlalchemy import ColumnElement, Row, Select

from app.certificates.models import Certificate
from app.content import current_course
from app.content.models import Course, Question
from app.db import db, in_org
from app.learning.models import LessonProgress, Registration
from app.orgs.models import Organisation, User
from app.quiz.models import QuizAnswer, QuizAttempt

VERSION = "1.0.3"
# Fixed for good: changing it would give every event a new statement id.
NAMESPACE = uuid.UUID("6f0b6a57-2c1e-4a39-9d0e-5f1c3b8a7e21")
BATCH_SIZE = 500
PLATFORM = "Leda"
# The course's locales as RFC 5646 tags in language maps and context.language.
LANGUAGE_TAGS = {"nb": "nb-NO", "sv": "sv-SE", "en": "en"}

_VERBS = "http://adlnet.gov/expapi/verbs/"
_ACTIVITIES = "http://adlnet.gov/expapi/activities/"


class Verb(StrEnum):
    EXPERIENCED = "experienced"
    ANSWERED = "answered"
    PASSED = "passed"
    FAILED = "failed"
    COMPLETED = "completed"

    @property
    def iri(self) -> str:
        return _VERBS + self.value


class Kind(StrEnum):
    """What happened; with the row's id it names one event, hence one statement id."""

    LESSON = "lesson-experienced"
    ANSWER = "question-answered"
    ATTEMPT = "quiz-attempted"
    MODULE = "module-completed"
    COURSE = "course-completed"


def statement_id(kind: Kind, row_id: int, xapi_id: str) -> str:
    """The one id the statement of this event ever has (UUID 5).

    Row ids repeat across installations (and databases made anew), so the learner's random
    account name goes in too: two Leda databases sending to one LRS never collide.
    """
    return str(uuid.uuid5(NAMESPACE, f"{kind}/{row_id}/{xapi_id}"))


def registration_id(xapi_id: str, module_id: str, module_version: int) -> str:
    """context.registration: one UUID per learner and module version, derived from the
    learner's random account name, so it reveals no more than the account does."""
    return str(uuid.uuid5(NAMESPACE, f"registration/{xapi_id}/{module_id}/{module_version}"))


def iso_time(moment: datetime) -> str:
    """A stored time as ISO 8601 UTC with milliseconds, as LRSs keep it."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def home_page(org: Organisation) -> str:
    """Where the organisation's accounts and activities live: its own address, else Leda's."""
    return (org.home_page or current_app.config["LEDA_BASE_URL"]).rstrip("/")


def _language_map(text: Mapping[str, str]) -> dict[str, str]:
    return {LANGUAGE_TAGS[locale]: value for locale, value in text.items() if value}


@dataclass(frozen=True)
class Statements:
    """What every statement of one organisation shares: where its IRIs live, the course, how
    actors are named."""

    org: Organisation
    course: Course
    base: str

    @classmethod
    def of(cls, org: Organisation) -> "Statements":
        return cls(org, current_course(), home_page(org))

    # --- activities ---------------------------------------------------------------------

    def iri(self, *path: str) -> str:
        return "/".join((self.base, "xapi", "activities", *path))

    def _activity(self, iri: str, kind: str, name: Mapping[str, str] | None) -> dict[str, Any]:
        definition: dict[str, Any] = {"type": _ACTIVITIES + kind}
        if name:
            definition["name"] = _language_map(name)
        return {"objectType": "Activity", "id": iri, "definition": definition}

    def course_activity(self, course_id: str, title: Mapping[str, str] | None = None) -> dict:
        if title is None and course_id == self.course.id:
            title = self.course.title
        return self._activity(self.iri("course", course_id), "course", title)

    def module_activity(self, module_id: str) -> dict[str, Any]:
        module = self.course.module(module_id)
        return self._activity(
            self.iri("module", module_id), "module", module.title if module else None
        )

    def lesson_activity(self, module_id: str, lesson_id: str) -> dict[str, Any]:
        module = self.course.module(module_id)
        lesson = module.lesson(lesson_id) if module else None
        return self._activity(
            self.iri("module", module_id, "lesson", lesson_id),
            "lesson",
            lesson.title if lesson else None,
        )

    def question_activity(self, module_id: str, question_id: str) -> dict[str, Any]:
        module = self.course.module(module_id)
        question = module.question(question_id) if module else None
        activity = self._activity(
            self.iri("module", module_id, "question", question_id),
            "cmi.interaction",
            question.prompt if question else None,
        )
        if question is not None:
            activity["definition"].update(_interaction(question))
        return activity

    # --- actor and context --------------------------------------------------------------

    def actor(self, learner: Row) -> dict[str, Any]:
        if self.org.xapi_email_enabled and learner.email:
            return {"objectType": "Agent", "mbox": f"mailto:{learner.email}"}
        return {
            "objectType": "Agent",
            "account": {"homePage": self.base, "name": learner.xapi_id},
        }

    def context(
        self,
        learner: Row,
        module_id: str | None = None,
        module_version: int | None = None,
        *,
        grouped: bool = False,
    ) -> dict[str, Any]:
        """Language always; for what happened in a module, its registration and version, the
        course as parent and, for a lesson or question, the module as grouping."""
        context: dict[str, Any] = {"platform": PLATFORM}
        locale = learner.locale or self.org.default_locale
        context["language"] = LANGUAGE_TAGS.get(locale, LANGUAGE_TAGS["nb"])
        if module_id is not None and module_version is not None:
            context["registration"] = registration_id(learner.xapi_id, module_id, module_version)
            context["revision"] = str(module_version)
            activities: dict[str, Any] = {"parent": [self.course_activity(self.course.id)]}
            if grouped:
                activities["grouping"] = [self.module_activity(module_id)]
            context["contextActivities"] = activities
        return context

    def statement(
        self,
        kind: Kind,
        row_id: int,
        learner: Row,
        verb: Verb,
        activity: dict[str, Any],
        result: dict[str, Any],
        context: dict[str, Any],
        timestamp: datetime,
    ) -> dict[str, Any]:
        return {
            "id": statement_id(kind, row_id, learner.xapi_id),
            "actor": self.actor(learner),
            "verb": {"id": verb.iri, "display": {"en-US": verb.value}},
            "object": activity,
            "result": result,
            "context": context,
            "timestamp": iso_time(timestamp),
            "version": VERSION,
        }


def _interaction(question: Question) -> dict[str, Any]:
    """The question as an xAPI interaction; true/false options are ids "true" and "false",
    which is what a true-false response is."""
    if question.type == "true_false":
        return {"interactionType": "true-false"}
    return {
        "interactionType": "choice",
        "choices": [
            {"id": option.id, "description": _language_map(option.text)}
            for option in question.options
        ],
    }


def _score(raw: int | None, maximum: int | None) -> dict[str, Any] | None:
    if raw is None or not maximum:
        return None
    return {"scaled": round(raw / maximum, 4), "raw": raw, "min": 0, "max": maximum}


def _without_none(values: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in values.items() if value is not None}


# --- one query and one builder per kind -----------------------------------------------------

_LEARNER = (User.id.label("user_id"), User.xapi_id, User.email, User.locale)


def _lessons(org_id: int) -> Select:
    return (
        in_org(LessonProgress, org_id)
        .with_only_columns(
            LessonProgress.id,
            LessonProgress.module_id,
            LessonProgress.module_version,
            LessonProgress.lesson_id,
            LessonProgress.completed_at.label("happened_at"),
            *_LEARNER,
        )
        .join(User, User.id == LessonProgress.user_id)
        .where(LessonProgress.completed_at.is_not(None))
    )


def _lesson_statement(statements: Statements, row: Row) -> dict[str, Any]:
    return statements.statement(
        Kind.LESSON,
        row.id,
        row,
        Verb.EXPERIENCED,
        statements.lesson_activity(row.module_id, row.lesson_id),
        # No duration: the lesson's time on task keeps growing after it is done (page views
        # are credited to the lesson the learner is on), and a statement must not change.
        {"completion": True},
        statements.context(row, row.module_id, row.module_version, grouped=True),
        row.happened_at,
    )


def _answers(org_id: int) -> Select:
    return (
        in_org(QuizAnswer, org_id)
        .with_only_columns(
            QuizAnswer.id,
            QuizAnswer.question_id,
            QuizAnswer.option_ids,
            QuizAnswer.is_correct,
            QuizAttempt.module_id,
            QuizAttempt.module_version,
            QuizAttempt.submitted_at.label("happened_at"),
            *_LEARNER,
        )
        .join(QuizAttempt, QuizAttempt.id == QuizAnswer.attempt_id)
        .join(User, User.id == QuizAttempt.user_id)
    )


def _answer_statement(statements: Statements, row: Row) -> dict[str, Any]:
    return statements.statement(
        Kind.ANSWER,
        row.id,
        row,
        Verb.ANSWERED,
        statements.question_activity(row.module_id, row.question_id),
        # xAPI's choice response: the ids chosen, joined by "[,]"
        {"success": row.is_correct, "response": "[,]".join(row.option_ids)},
        statements.context(row, row.module_id, row.module_version, grouped=True),
        row.happened_at,
    )


def _attempts(org_id: int) -> Select:
    return (
        in_org(QuizAttempt, org_id)
        .with_only_columns(
            QuizAttempt.id,
            QuizAttempt.module_id,
            QuizAttempt.module_version,
            QuizAttempt.score_raw,
            QuizAttempt.score_max,
            QuizAttempt.passed,
            QuizAttempt.submitted_at.label("happened_at"),
            *_LEARNER,
        )
        .join(User, User.id == QuizAttempt.user_id)
    )


def _attempt_statement(statements: Statements, row: Row) -> dict[str, Any]:
    return statements.statement(
        Kind.ATTEMPT,
        row.id,
        row,
        Verb.PASSED if row.passed else Verb.FAILED,
        statements.module_activity(row.module_id),
        _without_none({"score": _score(row.score_raw, row.score_max), "success": row.passed}),
        statements.context(row, row.module_id, row.module_version),
        row.happened_at,
    )


def _modules(org_id: int) -> Select:
    return (
        in_org(Registration, org_id)
        .with_only_columns(
            Registration.id,
            Registration.module_id,
            Registration.module_version,
            Registration.completed_at.label("happened_at"),
            *_LEARNER,
        )
        .join(User, User.id == Registration.user_id)
        .where(Registration.completed_at.is_not(None))
    )


def _module_statement(statements: Statements, row: Row) -> dict[str, Any]:
    # completed_at is set once the module is both completed and passed: success is known.
    # No score or duration: the registration keeps the best score and the total time, which
    # later attempts and visits change, and a statement must not (the attempts carry scores).
    return statements.statement(
        Kind.MODULE,
        row.id,
        row,
        Verb.COMPLETED,
        statements.module_activity(row.module_id),
        {"success": True, "completion": True},
        statements.context(row, row.module_id, row.module_version),
        row.happened_at,
    )


def _courses(org_id: int) -> Select:
    return (
        in_org(Certificate, org_id)
        .with_only_columns(
            Certificate.id,
            Certificate.course_id,
            Certificate.course_version,
            Certificate.course_title,
            Certificate.issued_at.label("happened_at"),
            *_LEARNER,
        )
        .join(User, User.id == Certificate.user_id)
        .where(Certificate.revoked_at.is_(None))
    )


def _course_statement(statements: Statements, row: Row) -> dict[str, Any]:
    context = statements.context(row)
    context["revision"] = str(row.course_version)
    return statements.statement(
        Kind.COURSE,
        row.id,
        row,
        Verb.COMPLETED,
        statements.course_activity(row.course_id, row.course_title),
        {"success": True, "completion": True},
        context,
        row.happened_at,
    )


@dataclass(frozen=True)
class KindOfEvent:
    query: Callable[[int], Select]  # id first, the event's time labelled happened_at
    id_column: ColumnElement[int]
    time_column: ColumnElement[datetime]
    build: Callable[[Statements, Row], dict[str, Any]]


KINDS: dict[Kind, KindOfEvent] = {
    Kind.LESSON: KindOfEvent(
        _lessons, LessonProgress.id, LessonProgress.completed_at, _lesson_statement
    ),
    Kind.ANSWER: KindOfEvent(_answers, QuizAnswer.id, QuizAttempt.submitted_at, _answer_statement),
    Kind.ATTEMPT: KindOfEvent(
        _attempts, QuizAttempt.id, QuizAttempt.submitted_at, _attempt_statement
    ),
    Kind.MODULE: KindOfEvent(
        _modules, Registration.id, Registration.completed_at, _module_statement
    ),
    Kind.COURSE: KindOfEvent(_courses, Certificate.id, Certificate.issued_at, _course_statement),
}


def statements_of(org: Organisation, since: datetime | None = None) -> Iterator[dict[str, Any]]:
    """Every statement about the organisation's people (erased people left out), kind by kind
    in ``KINDS`` order and by row within a kind; only events at or after ``since`` if given.

    Reads ``BATCH_SIZE`` rows at a time, each batch after the last id of the one before, so
    rows written meanwhile are either in the export or not, never twice.
    """
    statements = Statements.of(org)
    for kind in KINDS.values():
        query = kind.query(org.id).where(User.erased_at.is_(None))
        if since is not None:
            query = query.where(kind.time_column >= since)
        last = 0
        while True:
            rows = db.session.execute(
                query.where(kind.id_column > last).order_by(kind.id_column).limit(BATCH_SIZE)
            ).all()
            for row in rows:
                yield kind.build(statements, row)
            if len(rows) < BATCH_SIZE:
                break
            last = rows[-1].id


def write_statements(org: Organisation, stream: TextIO, since: datetime | None = None) -> int:
    """Write the organisation's statements to ``stream`` as JSON Lines (one statement per
    line, UTF-8 text as is); returns how many. Reads only, never flushes or commits."""
    count = 0
    for statement in statements_of(org, since):
        stream.write(json.dumps(statement, ensure_ascii=False, separators=(",", ":")) + "\n")
        count += 1
    return count
