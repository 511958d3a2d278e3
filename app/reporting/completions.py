"""The HR completion report: one row per active person × module of the course, with what HR
systems and audits ask for (who, where, the SCORM statuses and score, attempts, time on task,
dates, the assignment's due date).

One query, ``completion_query``, makes the rows: ``completion_rows`` streams them as Python
values (for XLSX, JSON Lines and the API) and ``csv_query`` turns the same query's columns into
CSV cell text in SQL, for the database to write. The formats in ``app.reporting.formats`` write
a CompletionReport; the page and ``leda report completions`` call the same function. Rows
stream in batches, so memory does not grow with the organisation. A row shows the registration
of the module's current version, as the team view and certificates count it.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    Float,
    Integer,
    Numeric,
    String,
    Text,
    and_,
    case,
    cast,
    func,
    literal,
    or_,
    select,
    tuple_,
    union_all,
)
from sqlalchemy.orm import aliased

from app.content import current_course
from app.db import db
from app.i18n import _l
from app.learning.models import CompletionStatus, Registration, SuccessStatus, lesson_status
from app.onboarding.models import AssignedModule
from app.onboarding.services import TIMEZONE, today
from app.onboarding.team import PROGRESS_ORDER, Progress, progress_code
from app.orgs.models import Organisation, OrgUnit, User
from app.orgs.services import tree_below
from app.spreadsheets import DECIMAL_SIGNS, FORMULA_STARTS

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
    # Rows whose registration or assignment changed at or after this moment (the API's since).
    changed_since: datetime | None = None
    # Keyset paging (the API): rows after this (person id, course position), at most limit.
    after: tuple[int, int] | None = None
    limit: int | None = None

    def described(self) -> dict[str, object]:
        """The filters set, as plain values (for the audit log)."""
        return {
            key: value.isoformat() if isinstance(value, date) else str(value)
            for key, value in vars(self).items()
            if value not in (None, False)
        }


def _start_of(day: date) -> datetime | None:
    """Midnight in Oslo at the start of ``day``, in UTC; None when that moment is outside the
    years datetime holds (the day after 9999-12-31; 0001-01-01, whose midnight in Oslo is
    still year 0 in UTC): a bound out there bounds nothing."""
    try:
        return datetime.combine(day, time(), TIMEZONE).astimezone(UTC)
    except OverflowError:
        return None


def _start_of_next(day: date) -> datetime | None:
    return None if day == date.max else _start_of(day + timedelta(days=1))


def completion_query(org: Organisation, filters: CompletionFilters, now: datetime) -> Any:
    """The report's statement: people × modules, ordered by person id then course order."""
    return _query(org, filters, now)[0]


def _query(
    org: Organisation, filters: CompletionFilters, now: datetime
) -> tuple[Any, Any, Any, Any]:
    """The report's statement, and the course-module table, manager alias and unit paths it
    joins."""
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
    paths = _unit_paths(org.id)
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
            paths.c.path,
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
        .outerjoin(paths, paths.c.id == User.unit_id)
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
    # A day too early or too late for a moment (0001-01-01, 9999-12-31) leaves that side open.
    if filters.completed_from or filters.completed_to:
        query = query.where(Registration.completed_at.is_not(None))
    start = _start_of(filters.completed_from) if filters.completed_from else None
    if start is not None:
        query = query.where(Registration.completed_at >= start)
    end = _start_of_next(filters.completed_to) if filters.completed_to else None
    if end is not None:
        query = query.where(Registration.completed_at < end)
    if filters.overdue_only:
        query = query.where(overdue)
    if filters.changed_since is not None:
        since = filters.changed_since
        query = query.where(
            or_(
                Registration.last_access >= since,
                Registration.completed_at >= since,
                AssignedModule.assigned_at >= since,
            )
        )
    if filters.after is not None:
        user_id, position = filters.after
        # the first condition alone can use the primary key's index; the second is exact
        query = query.where(
            User.id >= user_id, tuple_(User.id, course.c.position) > tuple_(user_id, position)
        )
    if filters.limit is not None:
        query = query.limit(filters.limit)
    return query, course, boss, paths


@dataclass(frozen=True)
class CompletionReport:
    """What one export is of: an organisation, its filters and the moment it is made."""

    org: Organisation
    filters: CompletionFilters
    now: datetime

    def rows(self) -> Iterator[tuple[Any, ...]]:
        return completion_rows(self.org, self.filters, self.now)

    def count(self) -> int:
        query = completion_query(self.org, self.filters, self.now)
        return db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))

    def csv_query(self, locale: str, dialect: str) -> Any:
        return csv_query(self.org, self.filters, self.now, locale, dialect)


def completion_rows(
    org: Organisation, filters: CompletionFilters, now: datetime
) -> Iterator[tuple[Any, ...]]:
    """The report's rows, values in FIELDS order (None where there is nothing), streamed."""
    return (row for _key, row in keyed_completion_rows(org, filters, now))


def keyed_completion_rows(
    org: Organisation, filters: CompletionFilters, now: datetime
) -> Iterator[tuple[tuple[int, int], tuple[Any, ...]]]:
    """Each row with its place in the report's order, (person id, course position): the key
    that ``CompletionFilters.after`` resumes after, so a page of the API can name the next."""
    query, course, _boss, _paths = _query(org, filters, now)
    result = db.session.execute(
        query.add_columns(User.id, course.c.position), execution_options={"yield_per": BATCH}
    )
    for (
        number,
        given,
        family,
        email,
        unit_path,
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
        user_id,
        position,
    ) in result:
        yield (
            (user_id, position),
            (
                number,
                f"{given} {family}".strip(),
                email,
                unit_path,
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
            ),
        )


# --- the CSV, written by the database -------------------------------------------------------
#
# Python formatting 400,000 rows cell by cell costs many times what the database's own CSV
# writer does, so for CSV the database does the formatting: each field becomes the text of its
# cell in SQL (the same text the other formats' values would give), and PostgreSQL's COPY, or
# on SQLite one concatenated line per row, writes the file. The header comes from FIELDS.


def _as_text(value: Any) -> Any:
    return cast(value, Text)


class _Cells:
    """Cell text in SQL, the way each database spells it."""

    def __init__(self, dialect: str, locale: str) -> None:
        self.postgres = dialect == "postgresql"
        self.sign = DECIMAL_SIGNS[locale]

    def text(self, value: Any) -> Any:
        """Neutralised against formulas, as safe_cell does."""
        first = func.substr(value, 1, 1)
        return case((first.in_(FORMULA_STARTS), literal("'") + value), else_=value)

    def moment(self, value: Any) -> Any:
        """ISO 8601 in UTC without the Z (the header says UTC): LibreOffice reads that as a
        date and time, and leaves a Z'd one as text."""
        if self.postgres:
            utc = func.timezone("UTC", value)
            return func.to_char(utc, 'YYYY-MM-DD"T"HH24:MI:SS')
        return func.strftime("%Y-%m-%dT%H:%M:%S", value)

    def day(self, value: Any) -> Any:
        return func.to_char(value, "YYYY-MM-DD") if self.postgres else value

    def integer(self, value: Any) -> Any:
        return _as_text(value)

    def fixed4(self, numerator: Any, denominator: Any) -> Any:
        if self.postgres:
            text = func.to_char(
                func.round(cast(numerator, Numeric) / denominator, 4), "FM999990.0000"
            )
        else:
            text = func.printf("%.4f", cast(numerator, Float) / denominator)
        return func.replace(text, ".", self.sign) if self.sign != "." else text

    def duration(self, seconds: Any) -> Any:
        # no %: the PostgreSQL driver's paramstyle doubles it, even in a literal statement
        hours = seconds // 3600
        minutes = (seconds - hours * 3600) // 60
        rest = seconds - (seconds // 60) * 60

        def part(n: Any, unit: str) -> Any:
            return case((n > 0, _as_text(n) + unit), else_="")

        return case(
            (seconds > 0, "PT" + part(hours, "H") + part(minutes, "M") + part(rest, "S")),
            else_="PT0S",
        )


def _unit_paths(org_id: int) -> Any:
    """Every unit's path from the top, "Helse og omsorg/Sykehjem Nord", by one recursive query."""
    top = select(OrgUnit.id, _as_text(OrgUnit.name).label("path")).where(
        OrgUnit.org_id == org_id, OrgUnit.parent_id.is_(None)
    )
    paths = top.cte("unit_path", recursive=True)
    child = aliased(OrgUnit)
    return paths.union_all(
        select(child.id, paths.c.path + "/" + child.name).where(child.parent_id == paths.c.id)
    )


def csv_query(
    org: Organisation, filters: CompletionFilters, now: datetime, locale: str, dialect: str
) -> Any:
    """The report as CSV cell text, one column per field (NULL for an empty cell), in SQL."""
    from flask_babel import force_locale
    from flask_babel import gettext as _

    query, course, boss, paths = _query(org, filters, now)
    cells = _Cells(dialect, locale)
    with force_locale(locale):
        yes, no = _("yes"), _("no")
    scored = Registration.score_raw.is_not(None) & (Registration.score_max > 0)
    completion = func.coalesce(Registration.completion_status, CompletionStatus.NOT_ATTEMPTED.value)
    success = func.coalesce(Registration.success_status, SuccessStatus.UNKNOWN.value)
    lesson = case(
        (
            Registration.completion_status == CompletionStatus.COMPLETED,
            case(
                (Registration.success_status == SuccessStatus.PASSED, "passed"),
                (Registration.success_status == SuccessStatus.FAILED, "failed"),
                else_="completed",
            ),
        ),
        (Registration.success_status == SuccessStatus.FAILED, "failed"),
        (Registration.completion_status == CompletionStatus.INCOMPLETE, "incomplete"),
        else_="not attempted",
    )
    columns = [
        cells.text(User.employee_number),
        cells.text(func.trim(User.given_name + " " + User.family_name)),
        cells.text(User.email),
        cells.text(paths.c.path),
        cells.text(func.trim(boss.given_name + " " + boss.family_name)),
        course.c.module_id,
        cells.integer(course.c.module_version),
        completion,
        success,
        lesson,
        cells.integer(Registration.score_raw),
        cells.integer(Registration.score_max),
        case((scored, cells.fixed4(Registration.score_raw, Registration.score_max))),
        cells.integer(func.coalesce(Registration.attempts, 0)),
        cells.moment(Registration.first_access),
        cells.moment(Registration.completed_at),
        cells.duration(func.coalesce(Registration.total_time, 0)),
        cells.moment(AssignedModule.assigned_at),
        cells.day(AssignedModule.due_on),
        case((query.selected_columns.overdue, yes), else_=no),
    ]
    return query.with_only_columns(*columns, maintain_column_froms=False)
