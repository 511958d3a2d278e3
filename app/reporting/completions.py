"""The HR completion report: one row per active person × module of the course, with what HR
systems and audits ask for (who, where, the SCORM statuses and score, attempts, time on task,
dates, the assignment's due date).

``completion_rows`` is the one generator of its rows; the formats in ``app.reporting.formats``
write them, and the page, ``leda report completions`` and the API all call that pair. Rows
stream from one query in batches, so memory does not grow with the organisation. A row shows
the registration of the module's current version, as the team view and certificates count it.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import Integer, String, and_, case, literal, select, union_all
from sqlalchemy.orm import aliased

from app.content import current_course
from app.db import db
from app.i18n import _l
from app.learning.models import CompletionStatus, Registration, SuccessStatus
from app.onboarding.models import AssignedModule
from app.onboarding.services import TIMEZONE, today
from app.onboarding.team import PROGRESS_ORDER, Progress, progress_code
from app.orgs.models import Organisation, OrgUnit, User
from app.orgs.services import tree_below, unit_paths

BATCH = 2000  # rows fetched at a time


class Kind(StrEnum):
    """How a format writes a field's value."""

    TEXT = "text"
    INTEGER = "integer"
    DECIMAL = "decimal"
    DATE = "date"
    TIME = "time"  # a moment, UTC
    DURATION = "duration"  # seconds, written as ISO 8601 (PT1H2M3S)
    BOOLEAN = "boolean"


@dataclass(frozen=True)
class Field:
    id: str  # the JSON key and API field; stable
    label: Any  # the column header people read (lazy, translated)
    kind: Kind
    width: int  # a spreadsheet column's width, in characters


FIELDS = (
    Field("employee_number", _l("Employee number"), Kind.TEXT, 14),
    Field("name", _l("Name"), Kind.TEXT, 28),
    Field("email", _l("Email"), Kind.TEXT, 30),
    Field("unit", _l("Unit"), Kind.TEXT, 34),
    Field("manager", _l("Manager"), Kind.TEXT, 26),
    Field("module_id", _l("Module"), Kind.TEXT, 24),
    Field("module_version", _l("Module version"), Kind.INTEGER, 9),
    Field("completion_status", _l("Completion status"), Kind.TEXT, 15),
    Field("success_status", _l("Success status"), Kind.TEXT, 13),
    Field("lesson_status", _l("SCORM 1.2 lesson status"), Kind.TEXT, 14),
    Field("score_raw", _l("Score"), Kind.INTEGER, 8),
    Field("score_max", _l("Maximum score"), Kind.INTEGER, 8),
    Field("score_scaled", _l("Scaled score"), Kind.DECIMAL, 8),
    Field("attempts", _l("Quiz attempts"), Kind.INTEGER, 8),
    Field("first_access", _l("First access (UTC)"), Kind.TIME, 20),
    Field("completed_at", _l("Completed (UTC)"), Kind.TIME, 20),
    Field("total_time", _l("Time spent"), Kind.DURATION, 12),
    Field("assigned_at", _l("Assigned (UTC)"), Kind.TIME, 20),
    Field("due_on", _l("Due date"), Kind.DATE, 12),
    Field("overdue", _l("Overdue"), Kind.BOOLEAN, 9),
)
FIELD_IDS = tuple(field.id for field in FIELDS)


@dataclass(frozen=True)
class CompletionFilters:
    unit_id: int | None = None  # people in this unit or its sub-units
    module_id: str | None = None
    progress: Progress | None = None
    assignment_id: int | None = None  # rows of the modules this assignment gave
    due_by: date | None = None  # assigned and due on or before this day
    completed_from: date | None = None  # completed on or after this day (Oslo)
    completed_to: date | None = None  # completed on or before this day (Oslo)
    overdue_only: bool = False

    def described(self) -> dict[str, object]:
        """The filters set, as plain values (for the audit log)."""
        return {
            key: value.isoformat() if isinstance(value, date) else str(value)
            for key, value in vars(self).items()
            if value not in (None, False)
        }


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time(), TIMEZONE)


def lesson_status(completion: str | None, success: str | None) -> str:
    """SCORM 1.2's one status from the two of SCORM 2004 (Registration.lesson_status's rule)."""
    if completion == CompletionStatus.COMPLETED:
        if success == SuccessStatus.PASSED:
            return "passed"
        return "failed" if success == SuccessStatus.FAILED else "completed"
    if success == SuccessStatus.FAILED:
        return "failed"
    if completion in (None, CompletionStatus.NOT_ATTEMPTED):
        return "not attempted"
    return "incomplete"


def completion_query(org: Organisation, filters: CompletionFilters, now: datetime) -> Any:
    """The report's statement: people × modules, ordered by person id then course order."""
    modules_table = union_all(
        *(
            select(
                literal(m.id, String).label("module_id"),
                literal(m.version, Integer).label("module_version"),
                literal(i, Integer).label("position"),
            )
            for i, m in enumerate(current_course().modules)
        )
    )
    course = modules_table.subquery("course_module")
    boss = aliased(User)
    day = today(now)
    overdue = and_(
        AssignedModule.due_on.is_not(None),
        AssignedModule.due_on < day,
        Registration.completed_at.is_(None),
    )
    query = (
        select(
            User.employee_number,
            User.given_name,
            User.family_name,
            User.email,
            User.unit_id,
            boss.given_name,
            boss.family_name,
            course.c.module_id,
            course.c.module_version,
            Registration.completion_status,
            Registration.success_status,
            Registration.score_raw,
            Registration.score_max,
            Registration.attempts,
            Registration.first_access,
            Registration.completed_at,
            Registration.total_time,
            AssignedModule.assigned_at,
            AssignedModule.due_on,
            case((overdue, True), else_=False).label("overdue"),
        )
        .select_from(User)
        .join(course, literal(True))
        .outerjoin(boss, boss.id == User.manager_id)
        .outerjoin(
            Registration,
            and_(
                Registration.user_id == User.id,
                Registration.module_id == course.c.module_id,
                Registration.module_version == course.c.module_version,
            ),
        )
        .outerjoin(
            AssignedModule,
            and_(
                AssignedModule.user_id == User.id,
                AssignedModule.module_id == course.c.module_id,
            ),
        )
        .where(User.org_id == org.id, User.deactivated_at.is_(None), User.erased_at.is_(None))
        .order_by(User.id, course.c.position)
    )
    if filters.module_id is not None:
        query = query.where(course.c.module_id == filters.module_id)
    if filters.unit_id is not None:
        query = query.where(User.unit_id.in_(tree_below(OrgUnit.parent_id, [filters.unit_id])))
    if filters.progress is not None:
        progress = case((Registration.id.is_(None), 0), else_=progress_code())
        query = query.where(progress == PROGRESS_ORDER.index(filters.progress))
    if filters.assignment_id is not None:
        query = query.where(AssignedModule.assignment_id == filters.assignment_id)
    if filters.due_by is not None:
        query = query.where(AssignedModule.due_on <= filters.due_by)
    if filters.completed_from is not None:
        query = query.where(Registration.completed_at >= _start_of(filters.completed_from))
    if filters.completed_to is not None:
        end = _start_of(filters.completed_to + timedelta(days=1))
        query = query.where(Registration.completed_at < end)
    if filters.overdue_only:
        query = query.where(overdue)
    return query


def completion_rows(
    org: Organisation, filters: CompletionFilters, now: datetime
) -> Iterator[tuple[Any, ...]]:
    """The report's rows, values in FIELDS order (None where there is nothing), streamed."""
    paths = unit_paths(org.id)
    result = db.session.execute(
        completion_query(org, filters, now), execution_options={"yield_per": BATCH}
    )
    for (
        number,
        given,
        family,
        email,
        unit_id,
        boss_given,
        boss_family,
        module_id,
        version,
        completion,
        success,
        raw,
        most,
        attempts,
        first_access,
        completed_at,
        total_time,
        assigned_at,
        due_on,
        overdue,
    ) in result:
        yield (
            number,
            f"{given} {family}".strip(),
            email,
            paths.get(unit_id) if unit_id is not None else None,
            f"{boss_given} {boss_family}".strip() if boss_given is not None else None,
            module_id,
            version,
            completion or CompletionStatus.NOT_ATTEMPTED.value,
            success or SuccessStatus.UNKNOWN.value,
            lesson_status(completion, success),
            raw,
            most,
            round(raw / most, 4) if raw is not None and most else None,
            attempts or 0,
            first_access,
            completed_at,
            total_time or 0,
            assigned_at,
            due_on,
            bool(overdue),
        )
