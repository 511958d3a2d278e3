"""The manager's team: everyone who reports to them, directly or through their own managers,
with each module's status, score, dates and due date; the CSV of it; and the nudge.

Nothing private leaves here: registrations give status, score and dates, assignments give due
dates, and no reflection or quiz answer is read at all. ``team_view`` reads in three queries
however large the team: one for the people and their progress (the reports' recursive query,
their registrations and assigned modules grouped per person in the database, the filters), then
the recent nudges and unit paths of the part shown. The page, the CSV download and ``leda team``
all show what it returns, the last two through ``write_csv``.
"""

import csv
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any, NamedTuple, TextIO

from flask_babel import force_locale, format_date
from flask_babel import gettext as _
from sqlalchemy import Select, Subquery, case, func, or_, select
from sqlalchemy.orm import aliased

from app.content import current_course
from app.content.models import Module, text_in
from app.db import db
from app.errors import LedaError
from app.i18n import _l
from app.learning.models import CompletionStatus, Registration
from app.orgs.models import OrgUnit, User
from app.orgs.services import tree_below, unit_paths
from app.spreadsheets import DELIMITERS, safe_cell
from app.web import external_url

from .models import AssignedModule, Nudge, NudgeReason
from .services import TIMEZONE, reports_of, today


class Progress(StrEnum):
    """A report's state in one module (the current version), as the team view names it."""

    NOT_STARTED = "not-started"
    IN_PROGRESS = "in-progress"
    COMPLETED = "completed"  # every lesson done, the quiz not passed
    PASSED = "passed"  # the module is done: lessons and quiz


PROGRESS_LABELS = {
    Progress.NOT_STARTED: _l("Not started"),
    Progress.IN_PROGRESS: _l("In progress"),
    Progress.COMPLETED: _l("Lessons done, quiz left"),
    Progress.PASSED: _l("Passed"),
}

# One reminder per learner in this time, whoever sends it.
NUDGE_INTERVAL = timedelta(days=3)


@dataclass(frozen=True)
class TeamFilters:
    module_id: str | None = None  # show this module only, and filter by it
    progress: Progress | None = None  # someone with a shown module in this state
    overdue_only: bool = False  # someone with a shown module overdue
    unit_id: int | None = None  # someone in this unit or one of its sub-units
    direct_only: bool = False  # someone whose own manager is the viewer


class ModuleState(NamedTuple):  # a tuple: a big team makes thousands
    module_id: str
    progress: Progress
    score: int | None  # percent of the best attempt
    on: date | None  # the day it was passed, else the day last worked on
    due_on: date | None  # None: not assigned
    is_overdue: bool


class Report(NamedTuple):
    user_id: int
    name: str
    unit_path: str
    manager_name: str | None  # None: reports to the viewer directly
    last_activity: datetime | None
    modules: tuple[ModuleState, ...]  # the modules shown, in course order
    is_overdue: bool  # in a module shown
    nudge_reason: NudgeReason | None  # over the whole course: why a nudge may be sent, if it may
    nudged_at: datetime | None  # the last nudge within NUDGE_INTERVAL

    @property
    def last_active_on(self) -> date | None:
        return local_day(self.last_activity)

    @property
    def nudged_on(self) -> date | None:
        return local_day(self.nudged_at)


@dataclass(frozen=True)
class TeamView:
    modules: list[Module]  # the modules shown
    reports: list[Report]  # overdue first, then by name: the part asked for
    count: int  # everyone who passes the filters
    overdue: int  # of them, those overdue in a module shown


def local_day(moment: datetime | None) -> date | None:
    """The calendar day of ``moment`` where the learners live (None for None)."""
    return today(moment) if moment else None


def progress_labels() -> dict[Progress, str]:
    """The status words in the current language, looked up once for a long list."""
    return {progress: str(label) for progress, label in PROGRESS_LABELS.items()}


# Progress in the order its SQL code numbers it.
PROGRESS_ORDER = (Progress.NOT_STARTED, Progress.IN_PROGRESS, Progress.COMPLETED, Progress.PASSED)
PASSED_CODE = PROGRESS_ORDER.index(Progress.PASSED)


def progress_code() -> Any:
    """A registration's place in PROGRESS_ORDER, in SQL."""
    return case(
        (Registration.completed_at.is_not(None), PASSED_CODE),
        (Registration.completion_status == CompletionStatus.COMPLETED, 2),
        (
            (Registration.completion_status == CompletionStatus.NOT_ATTEMPTED)
            & (func.coalesce(Registration.attempts, 0) == 0),
            0,
        ),
        else_=1,
    )


def _people(org_id: int, people: Subquery, modules: list[Module], day: date) -> Select[Any]:
    """One row per active person among ``people`` (ids in column ``id``): id, given and family
    name, unit, manager id and name, last activity, then for each module (course order) its
    progress code (None: no registration), score %, day it was passed or last worked on (a UTC
    time), due date and whether it is overdue. Only a registration of a module's current version
    counts; the last activity counts every registration. One statement, grouped in the database.
    """
    facts = []
    for i, module in enumerate(modules):
        this = (Registration.module_id == module.id) & (
            Registration.module_version == module.version
        )
        score = (Registration.score_raw * 200 + Registration.score_max) // (
            2 * Registration.score_max
        )  # whole percent, rounded half up as the pages round
        facts += [
            func.max(case((this, progress_code()))).label(f"p{i}"),
            func.max(case((this & (Registration.score_max > 0), score))).label(f"s{i}"),
            func.max(
                case((this, func.coalesce(Registration.completed_at, Registration.last_access)))
            ).label(f"t{i}"),
        ]
    registered = (
        select(
            Registration.user_id,
            func.max(Registration.last_access).label("last"),
            *facts,
        )
        .join(people, Registration.user_id == people.c.id)
        .where(Registration.org_id == org_id)
        .group_by(Registration.user_id)
        .subquery("registered")
    )
    assigned = (
        select(
            AssignedModule.user_id,
            *(
                func.max(case((AssignedModule.module_id == m.id, AssignedModule.due_on))).label(
                    f"d{i}"
                )
                for i, m in enumerate(modules)
            ),
        )
        .join(people, AssignedModule.user_id == people.c.id)
        .where(AssignedModule.org_id == org_id)
        .group_by(AssignedModule.user_id)
        .subquery("assigned")
    )
    boss = aliased(User)
    columns: list[Any] = [
        User.id,
        User.given_name,
        User.family_name,
        User.unit_id,
        User.manager_id,
        boss.given_name,
        boss.family_name,
        registered.c.last,
    ]
    for i in range(len(modules)):
        due_on = assigned.c[f"d{i}"]
        overdue = (due_on < day) & (func.coalesce(registered.c[f"p{i}"], 0) != PASSED_CODE)
        columns += [
            registered.c[f"p{i}"],
            registered.c[f"s{i}"],
            registered.c[f"t{i}"],
            due_on,
            func.coalesce(overdue, False).label(f"o{i}"),
        ]
    return (
        select(*columns)
        .join(people, User.id == people.c.id)
        .outerjoin(boss, boss.id == User.manager_id)
        .outerjoin(registered, registered.c.user_id == User.id)
        .outerjoin(assigned, assigned.c.user_id == User.id)
        .where(User.org_id == org_id, User.deactivated_at.is_(None), User.erased_at.is_(None))
    )


_BEFORE_MODULES = 8  # the columns of _people before the modules'
_PER_MODULE = 5


def _module_columns(i: int) -> slice:
    start = _BEFORE_MODULES + i * _PER_MODULE
    return slice(start, start + _PER_MODULE)


def _states(row: Any, modules: list[Module]) -> list[ModuleState]:
    """Every module's state, in course order, from a row of _people."""
    states = []
    for i, module in enumerate(modules):
        code, score, moment, due_on, overdue = row[_module_columns(i)]
        progress = PROGRESS_ORDER[code or 0]
        states.append(
            ModuleState(
                module.id,
                progress,
                None if code is None else score,
                local_day(moment),
                due_on,
                bool(overdue),
            )
        )
    return states


def _nudge_reason(states: list[ModuleState]) -> NudgeReason | None:
    if any(s.is_overdue for s in states):
        return NudgeReason.OVERDUE
    if all(s.progress == Progress.NOT_STARTED for s in states):
        return NudgeReason.NOT_STARTED
    return None


def team_view(
    manager: User, filters: TeamFilters, now: datetime, start: int = 0, stop: int | None = None
) -> TeamView:
    """The active people who report to ``manager``, directly or not, that pass ``filters``:
    overdue first, then by family and given name; ``reports`` holds those from ``start`` to
    ``stop`` of them. Reads only, in three statements whatever the team's size: the people with
    their progress, their recent nudges and the unit paths."""
    course = current_course()
    modules = list(course.modules)
    org_id, manager_id = manager.org_id, manager.id
    day = today(now)
    # Joined from, never "IN": a planner misjudging the tree's size (stale statistics) then
    # still probes indexes instead of rescanning the tree for every row.
    reports = reports_of(manager).subquery("reports")
    query = _people(org_id, reports, modules, day)
    shown = [i for i, m in enumerate(modules) if filters.module_id in (None, m.id)]
    overdue = [query.selected_columns[_module_columns(i).start + 4] for i in shown]
    if filters.direct_only:
        query = query.where(User.manager_id == manager_id)
    if filters.unit_id is not None:
        query = query.where(User.unit_id.in_(tree_below(OrgUnit.parent_id, [filters.unit_id])))
    if filters.progress is not None:
        code = PROGRESS_ORDER.index(filters.progress)
        query = query.where(
            or_(
                *(
                    func.coalesce(query.selected_columns[_module_columns(i).start], 0) == code
                    for i in shown
                )
            )
        )
    if filters.overdue_only:
        query = query.where(or_(*overdue))
    rows = []
    for row in db.session.execute(query):
        is_overdue = any(row[_module_columns(i).start + 4] for i in shown)
        rows.append(((not is_overdue, row[2].casefold(), row[1].casefold(), row[0]), row))
    rows.sort(key=lambda pair: pair[0])
    page = [row for _key, row in rows[start:stop]]
    nudged = (
        dict(
            db.session.execute(
                select(Nudge.user_id, func.max(Nudge.created_at))
                .where(
                    Nudge.org_id == org_id,
                    Nudge.user_id.in_([row[0] for row in page]),
                    Nudge.created_at > now - NUDGE_INTERVAL,
                )
                .group_by(Nudge.user_id)
            ).all()
        )
        if page
        else {}
    )
    paths = unit_paths(org_id) if page else {}
    report_rows = []
    for row in page:
        user_id, given_name, family_name, unit_id, their_manager_id, boss_given, boss_family = row[
            :7
        ]
        everything = _states(row, modules)
        visible = tuple(everything[i] for i in shown)
        report_rows.append(
            Report(
                user_id=user_id,
                name=f"{given_name} {family_name}".strip(),
                unit_path=paths.get(unit_id, "") if unit_id is not None else "",
                manager_name=None
                if their_manager_id == manager_id or boss_given is None
                else f"{boss_given} {boss_family}".strip(),
                last_activity=row[7],
                modules=visible,
                is_overdue=any(s.is_overdue for s in visible),
                nudge_reason=_nudge_reason(everything),
                nudged_at=nudged.get(user_id),
            )
        )
    return TeamView(
        modules=[modules[i] for i in shown],
        reports=report_rows,
        count=len(rows),
        overdue=sum(1 for key, _row in rows if not key[0]),
    )


# --- the CSV ------------------------------------------------------------------------------


def write_csv(view: TeamView, stream: TextIO, locale: str) -> None:
    """The team view as CSV text for a spreadsheet in ``locale``: headers and status words in
    it, its delimiter, ISO dates, Oslo times, formulas neutralised. The caller encodes it
    (UTF-8 with a BOM, so Excel reads æøå)."""
    with force_locale(locale):
        writer = csv.writer(stream, delimiter=DELIMITERS[locale])
        header = [_("Name"), _("Unit"), _("Reports to"), _("Last activity"), _("Overdue")]
        for module in view.modules:
            title = text_in(module.title, locale)
            header += [
                _("%(module)s: status", module=title),
                _("%(module)s: score %%", module=title),
                _("%(module)s: date", module=title),
                _("%(module)s: due", module=title),
            ]
        writer.writerow([safe_cell(h) for h in header])
        yes, no = _("yes"), _("no")
        labels = progress_labels()
        for report in view.reports:
            active = report.last_activity.astimezone(TIMEZONE) if report.last_activity else None
            row = [
                report.name,
                report.unit_path,
                report.manager_name,
                active.strftime("%Y-%m-%d %H:%M") if active else None,
                yes if report.is_overdue else no,
            ]
            for state in report.modules:
                row += [
                    labels[state.progress],
                    state.score,
                    state.on.isoformat() if state.on else None,
                    state.due_on.isoformat() if state.due_on else None,
                ]
            writer.writerow([safe_cell(value) for value in row])


# --- the nudge ----------------------------------------------------------------------------


class NothingToNudge(LedaError):
    message = _l("This person has started and has nothing overdue, so no reminder was sent.")
    status = 409


class NudgedRecently(LedaError):
    status = 429


def nudge(manager: User, learner: User, now: datetime) -> Nudge:
    """Queue one reminder mail to ``learner``, who reports to ``manager`` (the caller checks),
    in their language: who sends it, why (a module overdue, or nothing started yet) and a link
    to that module. Records a Nudge row in the same transaction; flushes.

    Raises NothingToNudge when the learner has started and nothing is overdue, and
    NudgedRecently when anyone nudged them within NUDGE_INTERVAL; either way nothing is sent.
    Two managers pressing at once send one mail: the learner's row is locked (PostgreSQL) and
    the row is written before the others are counted (SQLite takes its write lock there).
    """
    from app.mail.services import queue_mail

    course = current_course()
    modules = list(course.modules)
    day = today(now)
    one = select(User.id).where(User.id == learner.id)
    row = db.session.execute(_people(learner.org_id, one.subquery(), modules, day)).first()
    everything = _states(row, modules) if row else []
    reason = _nudge_reason(everything) if row else None
    if reason is None or learner.email is None:
        raise NothingToNudge()
    # The module it is about: the overdue one due first; with nothing started, the assigned
    # one due first, else the course's first.
    overdue = [s for s in everything if s.is_overdue]
    assigned = [s for s in everything if s.due_on is not None]
    state = min(overdue or assigned, key=lambda s: s.due_on or day, default=everything[0])
    db.session.execute(one.with_for_update())
    row = Nudge(
        org_id=learner.org_id,
        user_id=learner.id,
        sent_by_id=manager.id,
        module_id=state.module_id,
        reason=reason,
        created_at=now,
    )
    db.session.add(row)
    db.session.flush()
    earlier = db.session.scalar(
        select(func.max(Nudge.created_at)).where(
            Nudge.user_id == learner.id, Nudge.id != row.id, Nudge.created_at > now - NUDGE_INTERVAL
        )
    )
    if earlier is not None:
        again = local_day(earlier + NUDGE_INTERVAL)
        raise NudgedRecently(
            _l(
                "%(name)s was reminded on %(day)s. You can send another reminder on %(again)s.",
                name=learner.name,
                day=format_date(local_day(earlier), "long"),
                again=format_date(again, "long"),
            )
        )
    module = next(m for m in modules if m.id == state.module_id)
    locale = learner.preferred_locale
    with force_locale(locale):
        due = format_date(state.due_on, "long") if state.due_on else ""
    queue_mail(
        org_id=learner.org_id,
        to=learner.email,
        locale=locale,
        template="onboarding/mail/nudge",
        given_name=learner.given_name,
        manager_name=manager.name,
        org_name=learner.organisation.name,
        module_title=text_in(module.title, locale),
        minutes=module.minutes,
        overdue=reason == NudgeReason.OVERDUE,
        due=due,
        link=external_url("learning.module", module_id=state.module_id),
    )
    return row
