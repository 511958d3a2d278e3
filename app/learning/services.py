"""A learner's progress through modules: page views, lessons done, registrations; and their
private journal: reflections, commitments to try an action at work, and the follow-ups on them.

Every write is idempotent (a unique constraint defines "the same write", ``upsert`` performs it)
and never commits; the view or command commits once.
"""

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from flask import current_app
from flask_babel import format_date, ngettext
from flask_babel import gettext as _
from itsdangerous import BadData, TimestampSigner, URLSafeTimedSerializer
from sqlalchemy import (
    ColumnElement,
    bindparam,
    delete,
    exists,
    func,
    or_,
    select,
    tuple_,
    update,
)
from sqlalchemy.orm import contains_eager, selectinload

from app.content.models import Course, Lesson, Module, text_in
from app.db import db, in_org, upsert, upsert_row, utcnow
from app.i18n import content_locale
from app.orgs.models import User
from app.practice.services import CHECK_CHOICE, CHECK_CORRECT

from .events import module_done as announce_module_done
from .events import recorded as announce_recorded
from .models import (
    Commitment,
    CompletionStatus,
    FollowUp,
    LessonProgress,
    PendingReflection,
    PendingStep,
    Reflection,
    Registration,
    SuccessStatus,
)

log = logging.getLogger(__name__)

# Time between two page views counts as time on task up to this many seconds, so a tab left
# open over lunch adds five minutes, not an hour.
MAX_SECONDS_PER_VIEW = 300


def registration_for_update(user: User, module: Module) -> Registration:
    """The learner's registration for the module's current version, created if new, row-locked:
    one statement. An existing row's update sets nothing new but takes the lock and returns the
    row (on PostgreSQL it also leaves a row version for vacuum: the price of a round trip)."""
    registration = upsert_row(
        Registration,
        {
            "org_id": user.org_id,
            "user_id": user.id,
            "module_id": module.id,
            "module_version": module.version,
            "completion_status": CompletionStatus.NOT_ATTEMPTED,
            "success_status": SuccessStatus.UNKNOWN,
            "attempts": 0,
            "total_time": 0,
        },
        ["user_id", "module_id", "module_version"],
        {"module_version": module.version},
    )
    assert registration is not None  # an update always returns its row
    return registration


def record_visit(user: User, module: Module, lesson_id: str | None = None) -> Registration:
    """Count a page view of the module (and lesson): access times, capped time on task, bookmark.

    The time since the previous view is credited to the lesson the learner was on. The
    registration's changes are left to the caller's flush (or commit): one UPDATE in all.
    """
    now = utcnow()
    registration = registration_for_update(user, module)
    credit = 0
    if registration.last_access is not None:
        seconds = int((now - registration.last_access).total_seconds())
        credit = max(0, min(seconds, MAX_SECONDS_PER_VIEW))
    credited = registration.location if credit else None
    if credited:
        _lesson_progress(user, module, credited, now, credit)
    if lesson_id is not None and lesson_id != credited:
        _lesson_progress(user, module, lesson_id, now)
    registration.total_time += credit
    registration.first_access = registration.first_access or now
    registration.last_access = now
    if registration.completion_status == CompletionStatus.NOT_ATTEMPTED:
        registration.completion_status = CompletionStatus.INCOMPLETE
    if lesson_id is not None:
        registration.location = lesson_id
    return registration


def complete_lesson(user: User, module: Module, lesson_id: str) -> Registration:
    """Mark a lesson done; twice keeps the first time. Completes the module when all are done."""
    registration = record_visit(user, module, lesson_id)
    now = utcnow()
    completed = db.session.execute(
        LessonProgress.__table__.update()
        .where(*_lesson_key(user, module, lesson_id), LessonProgress.completed_at.is_(None))
        .values(completed_at=now)
        .returning(LessonProgress.id)
    ).scalar_one_or_none()
    if completed is not None:
        announce_recorded(user, LessonProgress, completed)
    if len(completed_lessons(user, module)) == len(module.lessons):
        registration.completion_status = CompletionStatus.COMPLETED
        _mark_done_if_finished(user, registration, now)
    db.session.flush()
    return registration


def record_quiz_result(user: User, module: Module, raw: int, passed: bool) -> Registration:
    """Fold one quiz attempt into the registration: one more attempt, the best score kept,
    passed once any attempt passed."""
    registration = record_visit(user, module)
    registration.attempts += 1
    if registration.score_raw is None or raw > registration.score_raw:
        registration.score_raw = raw
    registration.score_min = 0
    registration.score_max = module.max_points
    if passed:
        registration.success_status = SuccessStatus.PASSED
    elif registration.success_status != SuccessStatus.PASSED:
        registration.success_status = SuccessStatus.FAILED
    _mark_done_if_finished(user, registration, utcnow())
    db.session.flush()
    return registration


def save_reflection(user: User, module: Module, lesson_id: str, text: str) -> bool:
    """Keep the learner's private reflection; saving again replaces it.

    Returns whether anything was written: the same text again, or a blank text where there is
    no reflection yet, writes nothing (so "Mark as done" with an untouched box changes no date).
    """
    stored = _reflection(user, module, lesson_id)
    if (stored.text if stored else "") == text or (stored is None and not text.strip()):
        return False
    now = utcnow()
    values = {"text": text, "updated_at": now, "module_version": module.version}
    upsert(
        Reflection,
        {
            "org_id": user.org_id,
            "user_id": user.id,
            "module_id": module.id,
            "lesson_id": lesson_id,
            **values,
        },
        ["user_id", "module_id", "lesson_id"],
        values,
    )
    if stored is not None:
        db.session.expire(stored)
    return True


@dataclass(frozen=True)
class LessonPage:
    """What a lesson page shows of its reader."""

    reflection: str
    done: frozenset[str]  # the module's lessons marked as done, in this version
    committed_at: datetime | None  # when the reader decided to try the lesson's action
    check: tuple[str | None, bool | None]  # the check's answer: option chosen, whether right


def lesson_page(user: User, module: Module, lesson_id: str) -> LessonPage:
    """The reader's reflection, done lessons, commitment and check answer for a lesson page,
    in one statement (the page is asked for more than any other)."""
    values = {
        "org": user.org_id,
        "user": user.id,
        "module": module.id,
        "version": module.version,
        "lesson": lesson_id,
    }
    row = db.session.execute(_LESSON_PAGE, values).one()
    return LessonPage(
        row.reflection or "",
        frozenset((row.done or "").split()),
        row.committed_at,
        (row.check_choice, row.check_correct),
    )


def _readers(model: type[Reflection | LessonProgress | Commitment]) -> ColumnElement[bool]:
    """The reader's rows of the module: the tenant's and the person's (in_org's filter, bound)."""
    return (
        (model.org_id == bindparam("org"))
        & (model.user_id == bindparam("user"))
        & (model.module_id == bindparam("module"))
    )


# Built once, with bind parameters: lesson ids are slugs, so a space joins them safely.
_LESSON_PAGE = select(
    select(Reflection.text)
    .where(_readers(Reflection), Reflection.lesson_id == bindparam("lesson"))
    .scalar_subquery()
    .label("reflection"),
    select(func.aggregate_strings(LessonProgress.lesson_id, " "))
    .where(
        _readers(LessonProgress),
        LessonProgress.module_version == bindparam("version"),
        LessonProgress.completed_at.is_not(None),
    )
    .scalar_subquery()
    .label("done"),
    select(Commitment.created_at)
    .where(_readers(Commitment), Commitment.lesson_id == bindparam("lesson"))
    .scalar_subquery()
    .label("committed_at"),
    CHECK_CHOICE,
    CHECK_CORRECT,
)


def reflection_text(user: User, module: Module, lesson_id: str) -> str:
    stored = _reflection(user, module, lesson_id)
    return stored.text if stored else ""


def _reflection(user: User, module: Module, lesson_id: str) -> Reflection | None:
    return db.session.scalar(
        in_org(Reflection, user.org_id).where(
            Reflection.user_id == user.id,
            Reflection.module_id == module.id,
            Reflection.lesson_id == lesson_id,
        )
    )


def completed_lessons(user: User, module: Module) -> set[str]:
    return set(
        db.session.scalars(
            in_org(LessonProgress, user.org_id)
            .with_only_columns(LessonProgress.lesson_id)
            .where(
                LessonProgress.user_id == user.id,
                LessonProgress.module_id == module.id,
                LessonProgress.module_version == module.version,
                LessonProgress.completed_at.is_not(None),
            )
        )
    )


@dataclass(frozen=True)
class ModuleStatus:
    module: Module
    registration: Registration | None
    lessons_done: int

    @property
    def is_done(self) -> bool:
        return self.registration is not None and self.registration.completed_at is not None

    @property
    def resume_lesson_id(self) -> str:
        if self.registration and self.registration.location:
            return self.registration.location
        return self.module.lessons[0].id


def course_status(user: User, course: Course) -> list[ModuleStatus]:
    """Every module of the course with the learner's registration and lessons done: two
    statements, built once at import."""
    values = {"org": user.org_id, "user": user.id, "versions": versions_of(course.modules)}
    registrations = {r.module_id: r for r in db.session.scalars(_REGISTRATIONS, values)}
    done = dict(db.session.execute(_LESSONS_DONE, values).all())
    return [ModuleStatus(m, registrations.get(m.id), done.get(m.id, 0)) for m in course.modules]


def versions_of(modules: Iterable[Module]) -> list[tuple[str, int]]:
    """The (module id, version) pairs ``in_versions`` matches."""
    return [(m.id, m.version) for m in modules]


def in_versions(model: type[Registration | LessonProgress], name: str) -> ColumnElement[bool]:
    """The row is of one of the module versions bound as ``name`` (``versions_of``)."""
    pair = tuple_(model.module_id, model.module_version)
    return pair.in_(bindparam(name, expanding=True))


_REGISTRATIONS = select(Registration).where(
    Registration.org_id == bindparam("org"),
    Registration.user_id == bindparam("user"),
    in_versions(Registration, "versions"),
)
_LESSONS_DONE = (
    select(LessonProgress.module_id, func.count())
    .where(
        LessonProgress.org_id == bindparam("org"),
        LessonProgress.user_id == bindparam("user"),
        LessonProgress.completed_at.is_not(None),
        in_versions(LessonProgress, "versions"),
    )
    .group_by(LessonProgress.module_id)
)


def is_module_done(
    course: Course, user_id: ColumnElement[int], module_id: ColumnElement[str]
) -> ColumnElement[bool]:
    """``ModuleStatus.is_done`` as SQL, for queries over many people at once: the person has a
    registration of the module's current version with ``completed_at`` set (passed, every
    lesson done)."""
    return exists().where(
        Registration.user_id == user_id,
        Registration.module_id == module_id,
        Registration.completed_at.is_not(None),
        or_(
            *(
                (Registration.module_id == m.id) & (Registration.module_version == m.version)
                for m in course.modules
            )
        ),
    )


def continue_with(statuses: list[ModuleStatus]) -> ModuleStatus | None:
    """Where to continue: the unfinished module touched last, else the first not started."""
    started = [
        s for s in statuses if s.registration and s.registration.last_access and not s.is_done
    ]
    if started:
        return max(started, key=lambda s: s.registration.last_access)  # type: ignore[union-attr]
    return next((s for s in statuses if not s.is_done), None)


def _mark_done_if_finished(user: User, registration: Registration, now: datetime) -> None:
    """Set ``completed_at`` the first time the module is both completed and passed, and tell
    the features that registered for it (``events.when_module_done``)."""
    if (
        registration.completed_at is None
        and registration.completion_status == CompletionStatus.COMPLETED
        and registration.success_status == SuccessStatus.PASSED
    ):
        registration.completed_at = now
        db.session.flush()
        announce_module_done(user, registration, now)


def _lesson_key(user: User, module: Module, lesson_id: str) -> tuple:
    return (
        LessonProgress.user_id == user.id,
        LessonProgress.module_id == module.id,
        LessonProgress.module_version == module.version,
        LessonProgress.lesson_id == lesson_id,
    )


def _lesson_progress(
    user: User, module: Module, lesson_id: str, now: datetime, credit: int = 0
) -> None:
    """The lesson's progress row, made on the first view; ``credit`` seconds added to its time."""
    upsert(
        LessonProgress,
        {
            "org_id": user.org_id,
            "user_id": user.id,
            "module_id": module.id,
            "module_version": module.version,
            "lesson_id": lesson_id,
            "viewed_at": now,
            "time_spent": credit,
        },
        ["user_id", "module_id", "module_version", "lesson_id"],
        {"time_spent": LessonProgress.time_spent + credit} if credit else {},
    )


# --- a lesson form sent after its session ended ---------------------------------------------

# A lesson page's form names the person it was rendered for in a signed token. A form sent
# without a live session is kept for its author only when this token is genuine and younger
# than this, so a page left open over a weekend still keeps its text.
OWNER_TOKEN_MAX_AGE = timedelta(days=7)
# A kept form waits this long for its author to log in again.
PENDING_LIFETIME = timedelta(days=1)


class _ClockSigner(TimestampSigner):
    """Token ages measured on the one clock, so tests can pin them."""

    def get_timestamp(self) -> int:
        return int(utcnow().timestamp())


def _owner_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(
        current_app.config["SECRET_KEY"], salt="leda.lesson-form-owner", signer=_ClockSigner
    )


def owner_token(user: User, module: Module, lesson_id: str) -> str:
    """The signed token a lesson form carries: whose page it is, for which lesson."""
    return _owner_serializer().dumps([user.id, module.id, lesson_id])


def form_owner(token: str, module: Module, lesson_id: str) -> User | None:
    """The active person a lesson form was rendered for, or None: a forged, stale or
    malformed token, one for another lesson, or a person deactivated since."""
    try:
        payload = _owner_serializer().loads(token, max_age=OWNER_TOKEN_MAX_AGE.total_seconds())
    except BadData:
        return None
    if (
        not isinstance(payload, list)
        or len(payload) != 3
        or payload[1:] != [module.id, lesson_id]
        or not isinstance(payload[0], int)
        or isinstance(payload[0], bool)
    ):
        return None
    user = db.session.get(User, payload[0])
    return user if user is not None and user.is_active else None


def keep_pending(user: User, module: Module, lesson_id: str, text: str, step: PendingStep) -> None:
    """Keep a form sent after its session ended until ``user`` logs in again. One per lesson:
    sending again replaces the text and the step. Flushes."""
    values = {"text": text, "step": step, "created_at": utcnow()}
    upsert(
        PendingReflection,
        {
            "org_id": user.org_id,
            "user_id": user.id,
            "module_id": module.id,
            "lesson_id": lesson_id,
            **values,
        },
        ["user_id", "module_id", "lesson_id"],
        values,
    )


class Saved(StrEnum):
    """What became of the reflection box a lesson form carried."""

    SAVED = "saved"
    UNCHANGED = "unchanged"  # the same text again, or nothing typed
    NEWER_KEPT = "newer_kept"  # kept for a login, and the learner saved another text since


@dataclass(frozen=True)
class Finished:
    """A lesson form's button, done: the step and what became of the reflection."""

    module: Module
    lesson: Lesson
    step: PendingStep
    reflection: Saved


def finish_pending(user: User, course: Course) -> list[Finished]:
    """Do what ``user`` asked for while logged out, oldest first: save each kept reflection and
    mark the lesson done or record the commitment. A reflection saved since a form was kept is
    newer and stays. Every kept row of the user is deleted, stale ones and ones whose lesson
    left the course too. Flushes; one query when nothing waits."""
    rows = db.session.scalars(
        in_org(PendingReflection, user.org_id)
        .where(PendingReflection.user_id == user.id)
        .order_by(PendingReflection.created_at, PendingReflection.id)
    ).all()
    if not rows:
        return []
    cutoff = utcnow() - PENDING_LIFETIME
    finished = []
    for row in rows:
        module = course.module(row.module_id)
        lesson = module.lesson(row.lesson_id) if module else None
        if module is None or lesson is None or row.created_at <= cutoff:
            continue
        stored = _reflection(user, module, lesson.id)
        if stored is not None and stored.updated_at > row.created_at:
            outcome = Saved.NEWER_KEPT
        elif save_reflection(user, module, lesson.id, row.text):
            outcome = Saved.SAVED
        else:
            outcome = Saved.UNCHANGED
        if row.step == PendingStep.COMPLETE:
            complete_lesson(user, module, lesson.id)
        elif row.step == PendingStep.COMMIT:
            commit_to_action(user, module, lesson.id)
        finished.append(Finished(module, lesson, row.step, outcome))
    db.session.execute(
        delete(PendingReflection).where(
            PendingReflection.org_id == user.org_id, PendingReflection.user_id == user.id
        )
    )
    db.session.flush()
    return finished


# --- commitments and follow-ups -------------------------------------------------------------

FOLLOW_UP_WEEKS = (1, 4)
# A follow-up is mailed only while it is this fresh, so a queue that was down for a month does
# not send a pile of stale questions at once; the dashboard still asks.
MAIL_WINDOW = timedelta(days=7)


def commit_to_action(
    user: User, module: Module, lesson_id: str, now: datetime | None = None
) -> Commitment:
    """Record that the learner will try the lesson's "try this at work" action (at ``now``,
    by default the clock's), with follow-ups at 1 and 4 weeks. Idempotent: pressing again
    keeps the first commitment and its dates."""
    upsert(
        Commitment,
        {
            "org_id": user.org_id,
            "user_id": user.id,
            "module_id": module.id,
            "lesson_id": lesson_id,
            "module_version": module.version,
            "created_at": now or utcnow(),
        },
        ["user_id", "module_id", "lesson_id"],
        {},
    )
    commitment = commitment_for(user, module, lesson_id)
    assert commitment is not None  # the upsert above made or kept it
    for weeks in FOLLOW_UP_WEEKS:
        upsert(
            FollowUp,
            {
                "org_id": user.org_id,
                "commitment_id": commitment.id,
                "weeks": weeks,
                "due_at": commitment.created_at + timedelta(weeks=weeks),
            },
            ["commitment_id", "weeks"],
            {},
        )
    db.session.flush()
    return commitment


def commitment_for(user: User, module: Module, lesson_id: str) -> Commitment | None:
    return db.session.scalar(
        in_org(Commitment, user.org_id).where(
            Commitment.user_id == user.id,
            Commitment.module_id == module.id,
            Commitment.lesson_id == lesson_id,
        )
    )


# The learner's own follow-ups (in_org's filter and the person's, bound): built once.
_OWN_FOLLOW_UPS = (
    select(FollowUp)
    .join(FollowUp.commitment)
    .where(FollowUp.org_id == bindparam("org"), Commitment.user_id == bindparam("user"))
    .options(contains_eager(FollowUp.commitment))
)
_DUE_FOLLOW_UPS = _OWN_FOLLOW_UPS.where(
    FollowUp.due_at <= bindparam("now"), FollowUp.answered_at.is_(None)
).order_by(FollowUp.due_at, FollowUp.id)


def due_follow_ups(user: User, now: datetime) -> list[FollowUp]:
    """The learner's unanswered follow-ups whose time has come, oldest first; one query."""
    values = {"org": user.org_id, "user": user.id, "now": now}
    return list(db.session.scalars(_DUE_FOLLOW_UPS, values))


def follow_up_of(user: User, follow_up_id: int, now: datetime) -> FollowUp | None:
    """One of the learner's own follow-ups that is due; None for anyone else's, or a future one."""
    return db.session.scalar(
        _OWN_FOLLOW_UPS.where(FollowUp.id == follow_up_id, FollowUp.due_at <= now),
        {"org": user.org_id, "user": user.id},
    )


def answer_follow_up(follow_up: FollowUp, answer: str) -> bool:
    """Store how it went; answering again replaces the answer. Returns whether it changed."""
    if follow_up.answer == answer:
        return False
    follow_up.answer = answer
    follow_up.answered_at = utcnow()
    db.session.flush()
    return True


def queue_follow_up_mail(course: Course, now: datetime) -> list[int]:
    """Queue one "How did it go?" mail for each follow-up that fell due in the last
    ``MAIL_WINDOW``, is unmailed and unanswered, and belongs to an active person with an email.

    Each follow-up is claimed by one UPDATE that only an unmailed row passes, in the
    transaction that queues its mail: two sweeps at once, or a retry, never mail it twice, and a
    rollback undoes claim and mail together. Returns the ids mailed. Flushes; the caller commits.
    """
    from app.mail.services import InvalidAddress, queue_mail
    from app.web import external_url

    rows = db.session.execute(
        select(FollowUp, Commitment, User)
        .join(Commitment, FollowUp.commitment_id == Commitment.id)
        .join(User, User.id == Commitment.user_id)
        .where(
            FollowUp.due_at <= now,
            FollowUp.due_at > now - MAIL_WINDOW,
            FollowUp.mailed_at.is_(None),
            FollowUp.answered_at.is_(None),
            User.deactivated_at.is_(None),
            User.erased_at.is_(None),
            User.email.is_not(None),
        )
        .order_by(FollowUp.id)
    ).all()
    mailed = []
    for follow_up, commitment, user in rows:
        claimed = db.session.execute(
            update(FollowUp)
            .where(FollowUp.id == follow_up.id, FollowUp.mailed_at.is_(None))
            .values(mailed_at=now)
            .execution_options(synchronize_session=False)
        )
        if claimed.rowcount != 1:  # another sweep took it
            continue
        locale = user.locale or user.organisation.default_locale
        module = course.module(commitment.module_id)
        lesson = module.lesson(commitment.lesson_id) if module else None
        try:
            queue_mail(
                org_id=user.org_id,
                to=user.email,
                locale=locale,
                template="learning/mail/follow_up",
                given_name=user.given_name,
                org_name=user.organisation.name,
                lesson_title=text_in(lesson.title, locale) if lesson else None,
                action=text_in(lesson.action, locale) if lesson else None,
                committed_at=commitment.created_at,
                weeks=follow_up.weeks,
                link=external_url("learning.follow_up", follow_up_id=follow_up.id),
            )
        except InvalidAddress:
            log.warning("follow-up %s: the address cannot be mailed", follow_up.id)
            continue
        mailed.append(follow_up.id)
    db.session.flush()
    return mailed


# --- the journal ------------------------------------------------------------------------------


@dataclass(frozen=True)
class JournalEntry:
    """What the learner wrote and decided in one lesson. ``module`` and ``lesson`` are None
    when the lesson is no longer in the course; the entry is kept and shown all the same."""

    module_id: str
    lesson_id: str
    module: Module | None
    lesson: Lesson | None
    reflection: Reflection | None
    commitment: Commitment | None


@dataclass(frozen=True)
class JournalModule:
    module: Module | None  # None: lessons that have left the course
    entries: list[JournalEntry]


def journal(user: User, course: Course) -> list[JournalModule]:
    """Every reflection (blank ones left out) and commitment of ``user`` with its follow-ups,
    grouped by module and lesson in course order; lessons that have left the course come last,
    in one group. Three queries however long the journal."""
    reflections = {
        (r.module_id, r.lesson_id): r
        for r in db.session.scalars(
            in_org(Reflection, user.org_id).where(Reflection.user_id == user.id)
        )
        if r.text.strip()
    }
    commitments = {
        (c.module_id, c.lesson_id): c
        for c in db.session.scalars(
            in_org(Commitment, user.org_id)
            .where(Commitment.user_id == user.id)
            .options(selectinload(Commitment.follow_ups))
        )
    }
    keys = reflections.keys() | commitments.keys()

    def entry(module_id: str, lesson_id: str, module: Module | None) -> JournalEntry:
        key = (module_id, lesson_id)
        lesson = module.lesson(lesson_id) if module else None
        return JournalEntry(
            module_id, lesson_id, module, lesson, reflections.get(key), commitments.get(key)
        )

    groups = []
    placed = set()
    for module in course.modules:
        entries = [
            entry(module.id, lesson.id, module)
            for lesson in module.lessons
            if (module.id, lesson.id) in keys
        ]
        placed.update((e.module_id, e.lesson_id) for e in entries)
        if entries:
            groups.append(JournalModule(module, entries))
    left = sorted(keys - placed)
    if left:
        groups.append(JournalModule(None, [entry(m, lesson, None) for m, lesson in left]))
    return groups


def journal_markdown(user: User, groups: list[JournalModule], now: datetime) -> str:
    """The journal as a Markdown document in the reader's language, with the same entries as
    the page. The learner's own words are quoted line by line, exactly as written."""
    locale = content_locale()

    def t(text: dict[str, str]) -> str:
        return text_in(text, locale)  # type: ignore[arg-type]

    def day(moment: datetime) -> str:
        return format_date(moment, "long")

    def quoted(text: str) -> list[str]:
        return [f"> {line}".rstrip() for line in text.splitlines()]

    lines = [
        f"# {_('My reflections')} – Leda",
        "",
        f"{user.name} · {_('Downloaded %(date)s', date=day(now))}",
    ]
    for group in groups:
        heading = (
            t(group.module.title) if group.module else _("From earlier versions of the course")
        )
        lines += ["", f"## {heading}"]
        for entry in group.entries:
            lesson = entry.lesson
            title = (
                t(lesson.title)
                if lesson
                else _(
                    "Lesson “%(lesson)s” of module “%(module)s”",
                    lesson=entry.lesson_id,
                    module=entry.module_id,
                )
            )
            lines += ["", f"### {title}"]
            if entry.reflection:
                prompt = f": {t(lesson.reflection)}" if lesson else ""
                lines += ["", f"**{_('Reflection')}**{prompt}", "", *quoted(entry.reflection.text)]
                saved = _("Last saved %(date)s", date=day(entry.reflection.updated_at))
                lines += ["", f"*{saved}*"]
            if entry.commitment:
                action = f": {t(lesson.action)}" if lesson else ""
                decided = _(
                    "You decided to try this on %(date)s.", date=day(entry.commitment.created_at)
                )
                lines += ["", f"**{_('Try this at work')}**{action}", "", decided]
                for follow_up in entry.commitment.follow_ups:
                    when = ngettext("After %(num)s week", "After %(num)s weeks", follow_up.weeks)
                    if follow_up.answer and follow_up.answered_at:
                        answered = _("Answered %(date)s", date=day(follow_up.answered_at))
                        lines += ["", f"*{when}* ({answered})", "", *quoted(follow_up.answer)]
                    elif follow_up.due_at <= now:
                        lines += ["", f"*{when}*: {_('Not answered yet.')}"]
                    else:
                        asks = _("Leda asks you on %(date)s.", date=day(follow_up.due_at))
                        lines += ["", f"*{when}*: {asks}"]
    return "\n".join(lines) + "\n"
