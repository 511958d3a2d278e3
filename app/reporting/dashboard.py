"""The HR dashboard: completion and pass rates per module and per unit, overdue counts, the
completions of the last twelve weeks, and the quiz questions most often answered wrong in each
language, to improve the course.

Every figure comes from an aggregate query (five in all, whatever the organisation's size);
Python only adds the groups up. A module counts by its current version, as everywhere else.

An organisation of more than LEDA_DASHBOARD_LIVE_PEOPLE people would wait seconds for those
queries on every view, so the job queue works its dashboard out every ten minutes (and when HR
asks) and the page shows that snapshot, with the time it was made. Smaller ones are counted
live on every view.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from flask import current_app
from huey import crontab
from pydantic import TypeAdapter
from sqlalchemy import Date, and_, case, cast, delete, func, select

from app.content import current_course
from app.content.models import LOCALES
from app.db import db, upsert, utcnow
from app.jobs import periodic_task, task
from app.learning.models import CompletionStatus, Registration
from app.onboarding.models import AssignedModule
from app.onboarding.services import TIMEZONE, today
from app.orgs.models import Organisation, User
from app.orgs.services import unit_paths
from app.quiz.models import QuizAnswer, QuizAttempt

from .models import DashboardSnapshot

WEEKS = 12
HARDEST = 5  # questions shown per language


@dataclass
class Rates:
    """How far the people of one group (a unit, or everyone) have come in one module or all."""

    slots: int = 0  # people × modules counted
    completed: int = 0  # every lesson done
    passed: int = 0  # lessons done and the quiz passed
    overdue: int = 0

    @property
    def completed_percent(self) -> int:
        return round(100 * self.completed / self.slots) if self.slots else 0

    @property
    def passed_percent(self) -> int:
        return round(100 * self.passed / self.slots) if self.slots else 0

    def add(self, other: "Rates") -> None:
        self.slots += other.slots
        self.completed += other.completed
        self.passed += other.passed
        self.overdue += other.overdue


@dataclass(frozen=True)
class Question:
    module_id: str
    question_id: str
    answered: int
    wrong: int

    @property
    def wrong_percent(self) -> int:
        return round(100 * self.wrong / self.answered)


@dataclass
class Dashboard:
    people: int
    modules: dict[str, Rates]  # by module id, in course order
    units: list[tuple[str, int, Rates]]  # unit path ("" for no unit), its people, all modules
    weeks: list[tuple[date, int]]  # Monday of each week, modules passed that week (Oslo)
    hardest: dict[str, list[Question]] = field(default_factory=dict)  # by locale

    @property
    def busiest_week(self) -> int:
        return max((count for _week, count in self.weeks), default=0)


_FIGURES = TypeAdapter(Dashboard)


def current_dashboard(org: Organisation, now: datetime) -> tuple[Dashboard, datetime | None]:
    """The dashboard to show, and the moment it was worked out if it is a snapshot: the
    snapshot where there is one, else counted now (and not stored: a page view never writes)."""
    snapshot = db.session.scalar(
        select(DashboardSnapshot).where(DashboardSnapshot.org_id == org.id)
    )
    if snapshot is not None:
        return _FIGURES.validate_json(snapshot.figures), snapshot.computed_at
    return dashboard(org, now), None


def refresh_snapshots(now: datetime, org_id: int | None = None) -> int:
    """Work out and store the dashboard of every organisation (or of ``org_id``) larger than
    LEDA_DASHBOARD_LIVE_PEOPLE; drop the snapshots of smaller ones, which are counted live.
    Idempotent. Returns how many snapshots were stored."""
    limit = current_app.config["LEDA_DASHBOARD_LIVE_PEOPLE"]
    active = and_(User.deactivated_at.is_(None), User.erased_at.is_(None))
    sizes = select(Organisation.id, func.count(User.id)).outerjoin(
        User, and_(User.org_id == Organisation.id, active)
    )
    if org_id is not None:
        sizes = sizes.where(Organisation.id == org_id)
    stored = 0
    for org_id_, people in db.session.execute(sizes.group_by(Organisation.id)).all():
        if people <= limit:
            db.session.execute(delete(DashboardSnapshot).where(DashboardSnapshot.org_id == org_id_))
            continue
        org = db.session.get_one(Organisation, org_id_)
        figures = _FIGURES.dump_json(dashboard(org, now)).decode()
        values = {"computed_at": now, "figures": figures}
        upsert(DashboardSnapshot, {"org_id": org_id_, **values}, ["org_id"], values)
        stored += 1
    db.session.commit()
    return stored


@periodic_task(crontab(minute="*/10"))
def refresh_snapshots_job() -> int:
    return refresh_snapshots(utcnow())


@task()
def refresh_snapshot_job(org_id: int) -> int:
    """HR's "Refresh now"."""
    return refresh_snapshots(utcnow(), org_id)


def dashboard(org: Organisation, now: datetime) -> Dashboard:
    modules = list(current_course().modules)
    versions = {m.id: m.version for m in modules}
    active = and_(User.org_id == org.id, User.deactivated_at.is_(None), User.erased_at.is_(None))
    people = dict(
        db.session.execute(
            select(User.unit_id, func.count()).where(active).group_by(User.unit_id)
        ).all()
    )
    progress: dict[tuple[int | None, str], Rates] = defaultdict(Rates)
    for unit_id, module_id, version, completed, passed in db.session.execute(
        select(
            User.unit_id,
            Registration.module_id,
            Registration.module_version,
            func.sum(
                case((Registration.completion_status == CompletionStatus.COMPLETED, 1), else_=0)
            ),
            func.sum(case((Registration.completed_at.is_not(None), 1), else_=0)),
        )
        .join(User, User.id == Registration.user_id)
        .where(Registration.org_id == org.id, active)
        .group_by(User.unit_id, Registration.module_id, Registration.module_version)
    ):
        if versions.get(module_id) == version:
            rates = progress[unit_id, module_id]
            rates.completed += completed
            rates.passed += passed
    done = (
        select(Registration.id)
        .where(
            Registration.user_id == AssignedModule.user_id,
            Registration.module_id == AssignedModule.module_id,
            Registration.completed_at.is_not(None),
        )
        .correlate(AssignedModule)
    )
    for unit_id, module_id, count in db.session.execute(
        select(User.unit_id, AssignedModule.module_id, func.count())
        .join(User, User.id == AssignedModule.user_id)
        .where(AssignedModule.org_id == org.id, active, AssignedModule.due_on < today(now))
        .where(~done.exists())
        .group_by(User.unit_id, AssignedModule.module_id)
    ):
        if module_id in versions:
            progress[unit_id, module_id].overdue += count
    for unit_id, count in people.items():
        for module in modules:
            progress[unit_id, module.id].slots = count

    by_module = {m.id: Rates() for m in modules}
    by_unit: dict[int | None, Rates] = defaultdict(Rates)
    for (unit_id, module_id), rates in progress.items():
        by_module[module_id].add(rates)
        by_unit[unit_id].add(rates)
    paths = unit_paths(org.id)
    units = sorted(
        ((paths.get(unit_id, "") if unit_id is not None else "", people[unit_id], rates)
         for unit_id, rates in by_unit.items() if people.get(unit_id)),
        key=lambda item: item[0].casefold(),
    )  # fmt: skip
    return Dashboard(
        people=sum(people.values()),
        modules=by_module,
        units=units,
        weeks=_weeks(org, now),
        hardest=_hardest(org),
    )


def _weeks(org: Organisation, now: datetime) -> list[tuple[date, int]]:
    """Modules passed in each of the last WEEKS weeks, by the day (UTC) they were passed."""
    this_monday = today(now) - timedelta(days=today(now).weekday())
    first = this_monday - timedelta(weeks=WEEKS - 1)
    postgres = db.session.get_bind().dialect.name == "postgresql"
    day = (
        cast(Registration.completed_at, Date) if postgres else func.date(Registration.completed_at)
    )
    counts: dict[date, int] = defaultdict(int)
    for passed_on, count in db.session.execute(
        select(day, func.count())
        .where(
            Registration.org_id == org.id,
            Registration.completed_at >= datetime.combine(first, time(), TIMEZONE),
        )
        .group_by(day)
    ):
        passed_on = passed_on if isinstance(passed_on, date) else date.fromisoformat(passed_on)
        counts[passed_on - timedelta(days=passed_on.weekday())] += count
    return [(first + timedelta(weeks=i), counts[first + timedelta(weeks=i)]) for i in range(WEEKS)]


def _hardest(org: Organisation) -> dict[str, list[Question]]:
    """The questions most often answered wrong, per language: the one the questions were
    shown in (before 0017, the learner's language now)."""
    locale = func.coalesce(QuizAttempt.locale, User.locale, org.default_locale)
    answered: dict[str, list[Question]] = defaultdict(list)
    for language, module_id, question_id, count, wrong in db.session.execute(
        select(
            locale,
            QuizAttempt.module_id,
            QuizAnswer.question_id,
            func.count(),
            func.sum(case((QuizAnswer.is_correct, 0), else_=1)),
        )
        .join(QuizAttempt, QuizAttempt.id == QuizAnswer.attempt_id)
        .join(User, User.id == QuizAttempt.user_id)
        .where(QuizAnswer.org_id == org.id)
        .group_by(locale, QuizAttempt.module_id, QuizAnswer.question_id)
    ):
        if wrong:
            answered[language].append(Question(module_id, question_id, count, wrong))
    return {
        language: sorted(
            answered[language], key=lambda q: (-q.wrong / q.answered, -q.answered, q.question_id)
        )[:HARDEST]
        for language in LOCALES
        if answered[language]
    }
