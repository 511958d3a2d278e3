"""Reminders about assigned modules, and each manager's weekly digest of overdue reports.

:func:`send_reminders` is the whole job, for the periodic task below and ``leda remind`` alike:

- due soon: a module due within ``LEDA_REMIND_DAYS_BEFORE`` days (7) is reminded once for
  its due date;
- overdue: after the due date, once per ISO week, so three weeks late is three mails and never
  two in one week;
- each learner gets one mail per run, listing every module reminded in it, in their language;
- on Mondays each manager with overdue reports (direct, or further down the manager chain)
  gets one digest of them per ISO week, unless they turned it off on their profile.

Days are calendar days in Europe/Oslo (``services.today``). A passed module (``is_module_done``)
is never reminded; deactivated and erased people get nothing and are not listed. Each mail is
queued in the transaction that inserts the rows recording it (``Reminder``, ``ManagerDigest``),
whose unique keys make a second run in the same period, or two workers at once, send nothing.
"""

import logging
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from itertools import groupby

from flask import current_app
from huey import crontab
from sqlalchemy import select
from sqlalchemy.orm import aliased

from app.content import current_course
from app.content.models import Course, text_in
from app.db import db, upsert, utcnow
from app.jobs import periodic_task
from app.learning.services import is_module_done
from app.mail.services import mailable, queue_mail
from app.orgs.models import Role, User, UserRole
from app.web import external_url

from .models import AssignedModule, ManagerDigest, Reminder, ReminderKind
from .services import reports_of, today

log = logging.getLogger(__name__)

MONDAY = 1


@dataclass
class Sent:
    """What one run sent: modules reminded, by kind; mails to learners; digests to managers."""

    due_soon: int = 0
    overdue: int = 0
    learner_mails: int = 0
    digests: int = 0


@dataclass(frozen=True)
class Open:
    """An assigned module that is not done: who, which, by when, and who assigned it."""

    learner: User
    module_id: str
    due_on: date
    assigned_by: str | None


@dataclass(frozen=True)
class Line:
    """One module as a mail lists it, in the recipient's language."""

    title: str
    link: str
    due_on: date
    assigned_by: str


def days_before() -> int:
    days = int(current_app.config["LEDA_REMIND_DAYS_BEFORE"])
    if days < 1:
        raise ValueError(f"LEDA_REMIND_DAYS_BEFORE must be 1 or more, not {days}")
    return days


def iso_week(day: date) -> str:
    """The overdue reminder's and the digest's period, e.g. ``2026-W10``."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def team_link() -> str:
    """The manager's team page, as an absolute link for the digest."""
    return external_url("team.team_page")


def open_assignments(course: Course, due_by: date) -> list[Open]:
    """Assigned modules of active people that are due on or before ``due_by``, not done, and
    still in the course: by person (id), then due date and the course's order. One query."""
    assigner = aliased(User)
    rows = db.session.execute(
        select(User, AssignedModule.module_id, AssignedModule.due_on, assigner)
        .select_from(AssignedModule)
        .join(User, User.id == AssignedModule.user_id)
        .outerjoin(assigner, assigner.id == AssignedModule.assigned_by_id)
        .where(
            AssignedModule.due_on <= due_by,
            AssignedModule.module_id.in_([m.id for m in course.modules]),
            User.deactivated_at.is_(None),
            User.erased_at.is_(None),
            User.email.is_not(None),
            ~is_module_done(course, AssignedModule.user_id, AssignedModule.module_id),
        )
    ).all()
    order = {m.id: n for n, m in enumerate(course.modules)}
    found = [
        Open(user, module_id, due_on, (by.name or None) if by is not None else None)
        for user, module_id, due_on, by in rows
    ]
    return sorted(found, key=lambda o: (o.learner.id, o.due_on, order[o.module_id]))


def _line(course: Course, item: Open, locale: str) -> Line:
    module = course.module(item.module_id)
    assert module is not None  # open_assignments keeps only modules in the course
    return Line(
        title=text_in(module.title, locale),
        link=external_url("learning.module", module_id=module.id),
        due_on=item.due_on,
        assigned_by=item.assigned_by or item.learner.organisation.name,
    )


def _by_person(items: list[Open]) -> Iterator[tuple[User, list[Open]]]:
    for _id, group in groupby(items, key=lambda o: o.learner.id):
        listed = list(group)
        yield listed[0].learner, listed


def _remind_learner(
    course: Course, learner: User, items: list[Open], day: date, now: datetime
) -> tuple[int, int]:
    """Record and mail the learner's reminders not yet sent in their period; returns how many
    modules were reminded as due soon and as overdue (0, 0: nothing was new, no mail)."""
    week = iso_week(day)
    reminded: dict[ReminderKind, list[Open]] = {ReminderKind.DUE_SOON: [], ReminderKind.OVERDUE: []}
    for item in items:
        if item.due_on < day:
            kind, period = ReminderKind.OVERDUE, week
        else:
            kind, period = ReminderKind.DUE_SOON, item.due_on.isoformat()
        inserted = upsert(
            Reminder,
            {
                "org_id": learner.org_id,
                "user_id": learner.id,
                "module_id": item.module_id,
                "kind": kind,
                "period": period,
                "sent_at": now,
            },
            ["user_id", "module_id", "kind", "period"],
            {},
        )
        if inserted is not None:
            reminded[kind].append(item)
    due_soon, overdue = reminded[ReminderKind.DUE_SOON], reminded[ReminderKind.OVERDUE]
    if not due_soon and not overdue:
        return 0, 0
    locale = learner.preferred_locale
    queue_mail(
        org_id=learner.org_id,
        to=learner.email or "",
        locale=locale,
        template="onboarding/mail/reminder",
        given_name=learner.given_name,
        org_name=learner.organisation.name,
        overdue=[_line(course, item, locale) for item in overdue],
        due_soon=[_line(course, item, locale) for item in due_soon],
        days_before=days_before(),
    )
    return len(due_soon), len(overdue)


def _send_digest(
    course: Course, manager: User, reports: list[tuple[User, list[Open]]], day: date, now: datetime
) -> bool:
    """Record and mail this week's digest unless it went already; True if it was queued."""
    inserted = upsert(
        ManagerDigest,
        {
            "org_id": manager.org_id,
            "manager_id": manager.id,
            "period": iso_week(day),
            "sent_at": now,
        },
        ["manager_id", "period"],
        {},
    )
    if inserted is None:
        return False
    locale = manager.preferred_locale
    queue_mail(
        org_id=manager.org_id,
        to=manager.email or "",
        locale=locale,
        template="onboarding/mail/digest",
        given_name=manager.given_name,
        org_name=manager.organisation.name,
        reports=[
            (person.name, [_line(course, item, locale) for item in items])
            for person, items in reports
        ],
        team_link=team_link(),
        profile_link=external_url("auth.profile") + "#digest",
    )
    return True


def _managers() -> list[User]:
    """Active managers who can be mailed and want the digest, by id."""
    holders = select(UserRole.user_id).where(UserRole.role == Role.MANAGER)
    return list(
        db.session.scalars(
            select(User)
            .where(
                User.id.in_(holders),
                User.deactivated_at.is_(None),
                User.erased_at.is_(None),
                User.email.is_not(None),
                User.digest_enabled.is_(True),
            )
            .order_by(User.id)
        )
    )


def _can_mail(person: User) -> bool:
    """Checked before anything is recorded, so an address the mail service would refuse skips
    that one person (logged by id) instead of failing everyone's run."""
    if mailable(person.email or ""):
        return True
    log.warning("reminders: user %s has an address that cannot be mailed; skipped", person.id)
    return False


def _send_digests(course: Course, day: date, now: datetime) -> int:
    overdue = open_assignments(course, day - timedelta(days=1))
    people = {learner.id: (learner, items) for learner, items in _by_person(overdue)}
    if not people:
        return 0
    digests = 0
    for manager in _managers():
        reports = [
            people[report_id]
            for report_id in db.session.scalars(reports_of(manager))
            if report_id in people and people[report_id][0].org_id == manager.org_id
        ]
        if reports and _can_mail(manager):
            reports.sort(key=lambda report: (report[0].name.casefold(), report[0].id))
            digests += _send_digest(course, manager, reports, day, now)
    return digests


def send_reminders(now: datetime) -> Sent:
    """Send what is due at ``now``: learners' reminders every day, managers' digests on
    Mondays (Oslo). Idempotent per period; flushes, never commits."""
    course = current_course()
    day = today(now)
    sent = Sent()
    for learner, items in _by_person(open_assignments(course, day + timedelta(days_before()))):
        if not _can_mail(learner):
            continue
        due_soon, overdue = _remind_learner(course, learner, items, day, now)
        sent.due_soon += due_soon
        sent.overdue += overdue
        sent.learner_mails += bool(due_soon or overdue)
    if day.isoweekday() == MONDAY:
        sent.digests = _send_digests(course, day, now)
    db.session.flush()
    return sent


@periodic_task(crontab(minute="0", hour="6-9"))
def send_reminder_mail() -> dict[str, int]:
    """Every morning, 06:00 to 09:00 UTC on the hour: the first run sends the day's reminders,
    the later ones only what it could not (a worker down at six, a Monday digest missed)."""
    sent = send_reminders(utcnow())
    db.session.commit()
    return asdict(sent)
