"""Issuing, finding and revoking certificates of course completion.

A certificate is issued the moment a learner finishes the last required module, whichever way
that happens (the last lesson marked done or the quiz passed): learning calls
``issue_on_completion`` through its ``when_module_done`` hook, in the same transaction, so
learning never imports this package. ``issue_certificate`` is the one function that issues. It
is idempotent (one certificate per learner and course version; the unique constraint decides)
and is also what the completion page's button calls for a learner who completed the course
before certificates existed, or whose last two modules were passed in two racing requests.
"""

import re
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, func, select

from app.content import current_course
from app.content.models import Course, Module
from app.db import db, in_org, upsert, utcnow
from app.errors import LedaError
from app.i18n import _l
from app.learning.cards import Card, dashboard_card
from app.learning.events import recorded, when_module_done
from app.learning.models import Registration
from app.learning.services import ModuleStatus, course_status, in_versions, versions_of
from app.orgs.models import User

from .models import Certificate

# No 0/O, 1/I/L: a code read aloud or typed from paper cannot be mistaken. 31 symbols, 12 of
# them: about 59 bits, far beyond guessing through the rate-limited verify page.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 12
_CODE = re.compile(rf"^[{CODE_ALPHABET}]{{{CODE_LENGTH}}}$")


class CourseNotCompleted(LedaError):
    message = _l("You have not passed every module of the course yet, so there is no certificate.")
    status = 409


def required_modules(user: User) -> list[Module]:
    """The modules ``user`` must pass to complete the course: for now all of the course's.

    The one place the rule lives, so assignments of chosen modules can change it later.
    """
    return list(current_course().modules)


def completion_status(user: User, course: Course) -> list[ModuleStatus]:
    """The learner's status in each required module, in course order."""
    required = {module.id for module in required_modules(user)}
    return [s for s in course_status(user, course) if s.module.id in required]


def has_completed(statuses: list[ModuleStatus]) -> bool:
    return bool(statuses) and all(s.is_done for s in statuses)


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def format_code(code: str) -> str:
    """ABCD-EFGH-JKMN: easier to read and type than twelve letters in a row."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def normalise_code(text: str) -> str | None:
    """The stored form of a code as someone typed it (any case, hyphens or spaces between
    groups), or None when it cannot be a code at all."""
    code = re.sub(r"[\s-]", "", text[:64]).upper()
    return code if _CODE.match(code) else None


def certificate_of(user: User, course: Course | None = None) -> Certificate | None:
    """The learner's live certificate for the course's current version, if issued."""
    course = course or current_course()
    return db.session.scalar(
        in_org(Certificate, user.org_id).where(
            Certificate.user_id == user.id,
            Certificate.course_id == course.id,
            Certificate.course_version == course.version,
            Certificate.revoked_at.is_(None),
        )
    )


def issue_certificate(user: User, now: datetime | None = None) -> Certificate:
    """The learner's certificate for the current course version, issued now if they have
    passed every required module and have none yet.

    Idempotent: a certificate issued before is returned unchanged (two racing requests insert
    one row). Raises CourseNotCompleted, changing nothing, while a required module is not done.
    Flushes.
    """
    course = current_course()
    statuses = completion_status(user, course)
    if not has_completed(statuses):
        raise CourseNotCompleted()
    issued = upsert(
        Certificate,
        {
            "org_id": user.org_id,
            "user_id": user.id,
            "course_id": course.id,
            "course_version": course.version,
            "course_title": dict(course.title),
            "modules": [_module_record(s) for s in statuses],
            "code": new_code(),
            "issued_at": now or utcnow(),
        },
        ["user_id", "course_id", "course_version"],
        {},
    )
    certificate = db.session.scalar(
        in_org(Certificate, user.org_id)
        .where(
            Certificate.user_id == user.id,
            Certificate.course_id == course.id,
            Certificate.course_version == course.version,
        )
        .execution_options(populate_existing=True)
    )
    if certificate is None or certificate.revoked_at is not None:
        raise CourseNotCompleted()  # revoked: only an erased person's, who cannot sign in
    if issued is not None:
        recorded(user, Certificate, issued)
    return certificate


def _module_record(status: ModuleStatus) -> dict:
    registration = status.registration
    assert registration is not None and registration.completed_at is not None
    return {
        "id": status.module.id,
        "version": status.module.version,
        "title": dict(status.module.title),
        "completed_at": registration.completed_at.isoformat(),
    }


@when_module_done
def issue_on_completion(user: User, registration: Registration, now: datetime) -> None:
    """Learning's hook: the module just finished may have been the last one required."""
    if has_completed(completion_status(user, current_course())):
        issue_certificate(user, now)


def certificate_by_code(text: str) -> Certificate | None:
    """The live certificate with this code, from any organisation (the code is the key, as on
    paper); None for a malformed, unknown or revoked code, alike."""
    code = normalise_code(text)
    if code is None:
        return None
    return db.session.scalar(
        select(Certificate).where(Certificate.code == code, Certificate.revoked_at.is_(None))
    )


def holder_name(certificate: Certificate) -> str:
    """The name a certificate shows: given and family name, never the email that stands in
    for a missing name elsewhere."""
    user = certificate.user
    return f"{user.given_name} {user.family_name}".strip()


@dataclass(frozen=True)
class CompletedModule:
    id: str
    title: dict[str, str]
    completed_at: datetime


def completed_modules(certificate: Certificate) -> list[CompletedModule]:
    return [
        CompletedModule(m["id"], m["title"], datetime.fromisoformat(m["completed_at"]))
        for m in certificate.modules
    ]


def has_finished(user: User) -> bool:
    """True when the learner holds a live certificate for the current course version or has
    passed every required module (then the completion page's button issues it). One query:
    the dashboard and the quiz result page ask on every view."""
    course = current_course()
    required = required_modules(user)
    values = {
        "org": user.org_id,
        "user": user.id,
        "course": course.id,
        "course_version": course.version,
        "required": versions_of(required),
    }
    is_certified, modules_done = db.session.execute(_FINISHED, values).one()
    return bool(is_certified) or (bool(required) and modules_done == len(required))


# Built once (the dashboard asks on every view): a live certificate of this course version, and
# how many of the required modules are done.
_FINISHED = select(
    select(Certificate.id)
    .where(
        Certificate.org_id == bindparam("org"),
        Certificate.user_id == bindparam("user"),
        Certificate.course_id == bindparam("course"),
        Certificate.course_version == bindparam("course_version"),
        Certificate.revoked_at.is_(None),
    )
    .exists(),
    select(func.count())
    .where(
        Registration.org_id == bindparam("org"),
        Registration.user_id == bindparam("user"),
        Registration.completed_at.is_not(None),
        in_versions(Registration, "required"),
    )
    .scalar_subquery(),
)


@dashboard_card
def completion_card(user: User, now: datetime) -> list[Card]:
    """Once the course is complete: a card leading to the certificate, where the card for
    continuing would otherwise have left nothing."""
    return [Card("certificates/_card.html")] if has_finished(user) else []
