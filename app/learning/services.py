"""A learner's progress through modules: page views, lessons done, reflections, registrations.

Every write is idempotent (a unique constraint defines "the same write", ``upsert`` performs it)
and flushes without committing; the view or command commits once.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, exists, func, or_

from app.content.models import Course, Module
from app.db import db, in_org, upsert, utcnow
from app.orgs.models import User

from .models import CompletionStatus, LessonProgress, Reflection, Registration, SuccessStatus

# Time between two page views counts as time on task up to this many seconds, so a tab left
# open over lunch adds five minutes, not an hour.
MAX_SECONDS_PER_VIEW = 300


def registration_for_update(user: User, module: Module) -> Registration:
    """The learner's registration for the module's current version, created if new, row-locked."""
    upsert(
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
        {},
    )
    return db.session.scalars(
        in_org(Registration, user.org_id)
        .where(
            Registration.user_id == user.id,
            Registration.module_id == module.id,
            Registration.module_version == module.version,
        )
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()


def record_visit(user: User, module: Module, lesson_id: str | None = None) -> Registration:
    """Count a page view of the module (and lesson): access times, capped time on task, bookmark.

    The time since the previous view is credited to the lesson the learner was on.
    """
    now = utcnow()
    registration = registration_for_update(user, module)
    if registration.last_access is not None:
        seconds = int((now - registration.last_access).total_seconds())
        credit = max(0, min(seconds, MAX_SECONDS_PER_VIEW))
        registration.total_time += credit
        if registration.location and credit:
            _lesson_progress(user, module, registration.location, now)
            db.session.execute(
                LessonProgress.__table__.update()
                .where(*_lesson_key(user, module, registration.location))
                .values(time_spent=LessonProgress.time_spent + credit)
            )
    registration.first_access = registration.first_access or now
    registration.last_access = now
    if registration.completion_status == CompletionStatus.NOT_ATTEMPTED:
        registration.completion_status = CompletionStatus.INCOMPLETE
    if lesson_id is not None:
        registration.location = lesson_id
        _lesson_progress(user, module, lesson_id, now)
    db.session.flush()
    return registration


def complete_lesson(user: User, module: Module, lesson_id: str) -> Registration:
    """Mark a lesson done; twice keeps the first time. Completes the module when all are done."""
    registration = record_visit(user, module, lesson_id)
    now = utcnow()
    db.session.execute(
        LessonProgress.__table__.update()
        .where(*_lesson_key(user, module, lesson_id), LessonProgress.completed_at.is_(None))
        .values(completed_at=now)
    )
    if len(completed_lessons(user, module)) == len(module.lessons):
        registration.completion_status = CompletionStatus.COMPLETED
        _mark_done_if_finished(registration, now)
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
    _mark_done_if_finished(registration, utcnow())
    db.session.flush()
    return registration


def save_reflection(user: User, module: Module, lesson_id: str, text: str) -> None:
    """Keep the learner's private reflection; saving again replaces it."""
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


def reflection_text(user: User, module: Module, lesson_id: str) -> str:
    return (
        db.session.scalar(
            in_org(Reflection, user.org_id)
            .with_only_columns(Reflection.text)
            .where(
                Reflection.user_id == user.id,
                Reflection.module_id == module.id,
                Reflection.lesson_id == lesson_id,
            )
        )
        or ""
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
    """Every module of the course with the learner's registration and lessons done: two queries."""
    versions = {m.id: m.version for m in course.modules}
    registrations = {
        r.module_id: r
        for r in db.session.scalars(
            in_org(Registration, user.org_id).where(Registration.user_id == user.id)
        )
        if versions.get(r.module_id) == r.module_version
    }
    done = dict(
        db.session.execute(
            in_org(LessonProgress, user.org_id)
            .with_only_columns(LessonProgress.module_id, func.count())
            .where(LessonProgress.user_id == user.id, LessonProgress.completed_at.is_not(None))
            .where(
                or_(
                    *(
                        (LessonProgress.module_id == m) & (LessonProgress.module_version == v)
                        for m, v in versions.items()
                    )
                )
            )
            .group_by(LessonProgress.module_id)
        ).all()
    )
    return [ModuleStatus(m, registrations.get(m.id), done.get(m.id, 0)) for m in course.modules]


def module_done(
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


def _mark_done_if_finished(registration: Registration, now: datetime) -> None:
    if (
        registration.completed_at is None
        and registration.completion_status == CompletionStatus.COMPLETED
        and registration.success_status == SuccessStatus.PASSED
    ):
        registration.completed_at = now


def _lesson_key(user: User, module: Module, lesson_id: str) -> tuple:
    return (
        LessonProgress.user_id == user.id,
        LessonProgress.module_id == module.id,
        LessonProgress.module_version == module.version,
        LessonProgress.lesson_id == lesson_id,
    )


def _lesson_progress(user: User, module: Module, lesson_id: str, now: datetime) -> None:
    upsert(
        LessonProgress,
        {
            "org_id": user.org_id,
            "user_id": user.id,
            "module_id": module.id,
            "module_version": module.version,
            "lesson_id": lesson_id,
            "viewed_at": now,
            "time_spent": 0,
        },
        ["user_id", "module_id", "module_version", "lesson_id"],
        {},
    )
