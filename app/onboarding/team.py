"""The manager's team: everyone who reports to them, directly or through their own managers,
with each module's status, score, dates and due date; the CSV of it; and the nudge.

Nothing private leaves here: registrations give status, score and dates, assignments give due
dates, and no reflection or quiz answer is read at all. ``team_view`` reads in a constant number
of queries however large the team (the reports' recursive query, then their registrations,
assigned modules, recent nudges and the unit paths); the page, the CSV download and
``leda team`` all show what it returns, the last two through ``write_csv``.
"""

import csv
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any, NamedTuple, TextIO

from flask_babel import force_locale, format_date
from flask_babel import gettext as _
from sqlalchemy import Subquery, func, select

from app.content import current_course
from app.content.models import Module, text_in
from app.db import db
from app.errors import LedaError
from app.i18n import _l
from app.learning.models import CompletionStatus, Registration
from app.orgs.models import User
from app.orgs.services import unit_paths
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
    reports: list[Report]  # overdue first, then by name


def local_day(moment: datetime | None) -> date | None:
    """The calendar day of ``moment`` where the learners live (None for None)."""
    return today(moment) if moment else None


def progress_labels() -> dict[Progress, str]:
    """The status words in the current language, looked up once for a long list."""
    return {progress: str(label) for progress, label in PROGRESS_LABELS.items()}


# What _state reads of a registration, in this order.
_FACTS = (
    Registration.completion_status,
    Registration.attempts,
    Registration.completed_at,
    Registration.score_raw,
    Registration.score_max,
    Registration.last_access,
)


def _state(
    module_id: str, facts: tuple[Any, ...] | None, due_on: date | None, day: date
) -> ModuleState:
    """One module's state from its registration's _FACTS (None: no registration)."""
    score = on = None
    if facts is None:
        progress = Progress.NOT_STARTED
    else:
        completion, attempts, completed_at, raw, most, last_access = facts
        if completed_at is not None:
            progress = Progress.PASSED
        elif completion == CompletionStatus.COMPLETED:
            progress = Progress.COMPLETED
        elif completion == CompletionStatus.NOT_ATTEMPTED and not attempts:
            progress = Progress.NOT_STARTED
        else:
            progress = Progress.IN_PROGRESS
        if raw is not None and most:
            score = (raw * 200 + most) // (2 * most)  # rounded half up, as the pages round
        on = local_day(completed_at or last_access)
    overdue = due_on is not None and due_on < day and progress != Progress.PASSED
    return ModuleState(module_id, progress, score, on, due_on, overdue)


def _nudge_reason(states: list[ModuleState]) -> NudgeReason | None:
    if any(s.is_overdue for s in states):
        return NudgeReason.OVERDUE
    if all(s.progress == Progress.NOT_STARTED for s in states):
        return NudgeReason.NOT_STARTED
    return None


def _progress(
    org_id: int, people: Subquery, modules: list[Module], day: date
) -> tuple[dict[int, list[ModuleState]], dict[int, datetime]]:
    """Every module's state (in course order) for the ``people`` (ids in column ``id``) who have a
    registration or an assigned module, and when each was last active: two queries, whoever
    and however many they are. Only a registration of a module's current version counts."""
    position = {m.id: (i, m.version) for i, m in enumerate(modules)}
    facts: dict[int, list[tuple[Any, ...] | None]] = {}
    last: dict[int, datetime] = {}
    for user_id, module_id, version, *row in db.session.execute(
        select(Registration.user_id, Registration.module_id, Registration.module_version, *_FACTS)
        .join(people, Registration.user_id == people.c.id)
        .where(Registration.org_id == org_id)
    ):
        last_access = row[-1]
        if last_access is not None and (user_id not in last or last_access > last[user_id]):
            last[user_id] = last_access
        where = position.get(module_id)
        if where is not None and where[1] == version:
            facts.setdefault(user_id, [None] * len(modules))[where[0]] = tuple(row)
    due: dict[int, list[date | None]] = {}
    for user_id, module_id, due_on in db.session.execute(
        select(AssignedModule.user_id, AssignedModule.module_id, AssignedModule.due_on)
        .join(people, AssignedModule.user_id == people.c.id)
        .where(AssignedModule.org_id == org_id)
    ):
        if module_id in position:
            due.setdefault(user_id, [None] * len(modules))[position[module_id][0]] = due_on
    nothing = [None] * len(modules)
    states = {
        user_id: [
            _state(m.id, registered, due_on, day)
            for m, registered, due_on in zip(
                modules, facts.get(user_id, nothing), due.get(user_id, nothing), strict=True
            )
        ]
        for user_id in facts.keys() | due.keys()
    }
    return states, last


def team_view(manager: User, filters: TeamFilters, now: datetime) -> TeamView:
    """The active people who report to ``manager``, directly or not, that pass ``filters``:
    overdue first, then by family and given name. Reads only; a constant number of queries."""
    course = current_course()
    org_id, manager_id = manager.org_id, manager.id
    day = today(now)
    # Joined from, never "IN": a planner misjudging the tree's size (stale statistics) then
    # still probes indexes instead of rescanning the tree for every row.
    reports = reports_of(manager).subquery("reports")
    # everyone under the manager, the inactive too: they may be someone's manager
    people = db.session.execute(
        select(
            User.id,
            User.given_name,
            User.family_name,
            User.unit_id,
            User.manager_id,
            (User.deactivated_at.is_(None) & User.erased_at.is_(None)).label("active"),
        )
        .join(reports, User.id == reports.c.id)
        .where(User.org_id == org_id)
    ).all()
    states, last = _progress(org_id, reports, list(course.modules), day)
    nudged = dict(
        db.session.execute(
            select(Nudge.user_id, func.max(Nudge.created_at))
            .join(reports, Nudge.user_id == reports.c.id)
            .where(Nudge.org_id == org_id, Nudge.created_at > now - NUDGE_INTERVAL)
            .group_by(Nudge.user_id)
        ).all()
    )
    paths = unit_paths(org_id)
    names = {row[0]: f"{row[1]} {row[2]}".strip() for row in people}
    shown = [m for m in course.modules if filters.module_id in (None, m.id)]
    shown_ids = {m.id for m in shown}
    within = paths.get(filters.unit_id) if filters.unit_id is not None else None
    untouched = [_state(m.id, None, None, day) for m in course.modules]
    reports = []
    for user_id, given_name, family_name, unit_id, their_manager_id, active in people:
        if not active or (filters.direct_only and their_manager_id != manager_id):
            continue
        path = paths.get(unit_id, "") if unit_id is not None else ""
        if within is not None and path != within and not path.startswith(within + "/"):
            continue
        everything = states.get(user_id, untouched)
        visible = tuple(s for s in everything if s.module_id in shown_ids)
        if filters.progress is not None and all(s.progress != filters.progress for s in visible):
            continue
        is_overdue = any(s.is_overdue for s in visible)
        if filters.overdue_only and not is_overdue:
            continue
        key = (not is_overdue, family_name.casefold(), given_name.casefold(), user_id)
        report = Report(
            user_id=user_id,
            name=names[user_id],
            unit_path=path,
            manager_name=None if their_manager_id == manager_id else names.get(their_manager_id),
            last_activity=last.get(user_id),
            modules=visible,
            is_overdue=is_overdue,
            nudge_reason=_nudge_reason(everything),
            nudged_at=nudged.get(user_id),
        )
        reports.append((key, report))
    return TeamView(shown, [report for _key, report in sorted(reports, key=lambda r: r[0])])


# --- the CSV ------------------------------------------------------------------------------

# Excel in Norway and Sweden splits cells at ";" (the comma is the decimal sign there).
DELIMITERS = {"nb": ";", "sv": ";", "en": ","}
# A cell starting with one of these is a formula to a spreadsheet (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


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
        writer.writerow([_cell(h) for h in header])
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
            writer.writerow([_cell(value) for value in row])


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
    states, _last = _progress(learner.org_id, one.subquery(), modules, day)
    everything = states.get(learner.id) or [_state(m.id, None, None, day) for m in modules]
    reason = _nudge_reason(everything)
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
