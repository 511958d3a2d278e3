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
from typing import Any, TextIO

from flask_babel import force_locale, format_date
from flask_babel import gettext as _
from sqlalchemy import Row, Select, func, select

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


@dataclass(frozen=True)
class ModuleState:
    module_id: str
    progress: Progress
    score: int | None  # percent of the best attempt
    on: date | None  # the day it was passed, else the day last worked on
    due_on: date | None  # None: not assigned
    is_overdue: bool


@dataclass(frozen=True)
class Report:
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
    return moment.astimezone(TIMEZONE).date() if moment else None


def _state(
    module: Module, registration: Row[Any] | None, due_on: date | None, day: date
) -> ModuleState:
    r = registration
    if r is None or (r.completion_status == CompletionStatus.NOT_ATTEMPTED and not r.attempts):
        progress = Progress.NOT_STARTED
    elif r.completed_at is not None:
        progress = Progress.PASSED
    elif r.completion_status == CompletionStatus.COMPLETED:
        progress = Progress.COMPLETED
    else:
        progress = Progress.IN_PROGRESS
    score = on = None
    if r is not None:
        if r.score_raw is not None and r.score_max:
            score = (r.score_raw * 200 + r.score_max) // (2 * r.score_max)  # half up, as pages
        on = local_day(r.completed_at if progress == Progress.PASSED else r.last_access)
    overdue = due_on is not None and due_on < day and progress != Progress.PASSED
    return ModuleState(module.id, progress, score, on, due_on, overdue)


def _nudge_reason(states: list[ModuleState]) -> NudgeReason | None:
    if any(s.is_overdue for s in states):
        return NudgeReason.OVERDUE
    if all(s.progress == Progress.NOT_STARTED for s in states):
        return NudgeReason.NOT_STARTED
    return None


def _progress(
    org_id: int, ids: Select[tuple[int]], modules: list[Module], day: date
) -> tuple[dict[int, list[ModuleState]], dict[int, datetime]]:
    """Every module's state for the people ``ids`` selects, and when each was last active:
    two queries, whoever and however many they are."""
    versions = {m.id: m.version for m in modules}
    current: dict[tuple[int, str], Row[Any]] = {}
    last: dict[int, datetime] = {}
    for r in db.session.execute(
        select(
            Registration.user_id,
            Registration.module_id,
            Registration.module_version,
            Registration.completion_status,
            Registration.attempts,
            Registration.completed_at,
            Registration.score_raw,
            Registration.score_max,
            Registration.last_access,
        ).where(Registration.org_id == org_id, Registration.user_id.in_(ids))
    ):
        if r.last_access and (r.user_id not in last or r.last_access > last[r.user_id]):
            last[r.user_id] = r.last_access
        if versions.get(r.module_id) == r.module_version:
            current[r.user_id, r.module_id] = r
    due = {
        (user_id, module_id): due_on
        for user_id, module_id, due_on in db.session.execute(
            select(AssignedModule.user_id, AssignedModule.module_id, AssignedModule.due_on).where(
                AssignedModule.org_id == org_id, AssignedModule.user_id.in_(ids)
            )
        )
    }
    people = {user_id for user_id, _module in current} | {user_id for user_id, _module in due}
    states = {
        user_id: [
            _state(m, current.get((user_id, m.id)), due.get((user_id, m.id)), day) for m in modules
        ]
        for user_id in people
    }
    return states, last


def team_view(manager: User, filters: TeamFilters, now: datetime) -> TeamView:
    """The active people who report to ``manager``, directly or not, that pass ``filters``:
    overdue first, then by family and given name. Reads only; a constant number of queries."""
    course = current_course()
    org_id = manager.org_id
    day = today(now)
    ids = reports_of(manager)
    people = db.session.execute(
        select(
            User.id,
            User.given_name,
            User.family_name,
            User.unit_id,
            User.manager_id,
            User.deactivated_at,
            User.erased_at,
        ).where(User.org_id == org_id, User.id.in_(ids))
    ).all()
    states, last = _progress(org_id, ids, list(course.modules), day)
    nudged = dict(
        db.session.execute(
            select(Nudge.user_id, func.max(Nudge.created_at))
            .where(
                Nudge.org_id == org_id,
                Nudge.user_id.in_(ids),
                Nudge.created_at > now - NUDGE_INTERVAL,
            )
            .group_by(Nudge.user_id)
        ).all()
    )
    paths = unit_paths(org_id)
    names = {p.id: f"{p.given_name} {p.family_name}".strip() for p in people}
    shown = [m for m in course.modules if filters.module_id in (None, m.id)]
    shown_ids = {m.id for m in shown}
    within = paths.get(filters.unit_id) if filters.unit_id is not None else None
    untouched = [_state(m, None, None, day) for m in course.modules]
    reports = []
    for p in people:
        if p.deactivated_at is not None or p.erased_at is not None:
            continue
        if filters.direct_only and p.manager_id != manager.id:
            continue
        path = paths.get(p.unit_id, "") if p.unit_id is not None else ""
        if within is not None and path != within and not path.startswith(within + "/"):
            continue
        everything = states.get(p.id, untouched)
        visible = tuple(s for s in everything if s.module_id in shown_ids)
        if filters.progress is not None and all(s.progress != filters.progress for s in visible):
            continue
        is_overdue = any(s.is_overdue for s in visible)
        if filters.overdue_only and not is_overdue:
            continue
        reports.append(
            (
                (not is_overdue, p.family_name.casefold(), p.given_name.casefold(), p.id),
                Report(
                    user_id=p.id,
                    name=names[p.id],
                    unit_path=path,
                    manager_name=None if p.manager_id == manager.id else names.get(p.manager_id),
                    last_activity=last.get(p.id),
                    modules=visible,
                    is_overdue=is_overdue,
                    nudge_reason=_nudge_reason(everything),
                    nudged_at=nudged.get(p.id),
                ),
            )
        )
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
                    PROGRESS_LABELS[state.progress],
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
    states, _last = _progress(learner.org_id, one, modules, day)
    everything = states.get(learner.id) or [_state(m, None, None, day) for m in modules]
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
