"""Assigning modules: to a person, a unit (and its sub-units), a cohort, or by rule.

An Assignment is the decision; AssignedModule rows are what it means for each person, made
when it is created and again whenever a person comes to match it (created, imported, moved,
granted a role, added to a cohort: the ``person_changed`` signal of app.orgs). Writes flush,
never commit.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Select, bindparam, delete, func, select

from app.content import current_course
from app.db import db, in_org, insert_missing, utcnow
from app.errors import LedaError
from app.i18n import _l
from app.orgs.models import Organisation, OrgUnit, Role, User, UserRole
from app.orgs.services import audit, email_key, person_changed, tree_below

from .models import AssignedModule, Assignment, Cohort, CohortMember, Target

# Due dates are calendar days where the learners live.
TIMEZONE = ZoneInfo("Europe/Oslo")
MAX_DUE_DAYS = 365


class AssignmentProblem(LedaError):
    status = 400


class DueInThePast(AssignmentProblem):
    message = _l("The due date has passed. Choose today or a later date.")


class DueMissing(AssignmentProblem):
    message = _l("Give either a due date or a number of days, not both.")


class DueDaysOutOfRange(AssignmentProblem):
    message = _l("The number of days must be between 1 and 365.")


class NoModules(AssignmentProblem):
    message = _l("Choose at least one module.")


class UnknownModule(AssignmentProblem):
    message = _l("A chosen module is not in the course.")


class NotYourReport(LedaError):
    message = _l("You can assign modules only to people who report to you.")
    status = 403


class RuleNeedsACondition(AssignmentProblem):
    message = _l("A rule needs a role, a unit or both.")


class CohortNameTaken(AssignmentProblem):
    message = _l("There is a cohort with this name already. Choose another name.")


class CohortNameMissing(AssignmentProblem):
    message = _l("Give the cohort a name.")


class UnknownEmails(AssignmentProblem):
    """Some of the emails given belong to no one in the organisation (named in the message)."""


def today(now: datetime | None = None) -> date:
    return (now or utcnow()).astimezone(TIMEZONE).date()


def reports_of(manager: User) -> Select[tuple[int]]:
    """Ids of everyone who reports to ``manager``, directly or through their own managers."""
    tree = tree_below(User.manager_id, [manager.id]).subquery()
    return select(tree.c.id).where(tree.c.id != manager.id)


def is_report(manager: User, user: User) -> bool:
    return user.org_id == manager.org_id and user.id in set(db.session.scalars(reports_of(manager)))


def covered(org_id: int, assignment: Assignment) -> Select[tuple[int]]:
    """Ids of the active people an assignment covers now."""
    people = select(User.id).where(
        User.org_id == org_id, User.deactivated_at.is_(None), User.erased_at.is_(None)
    )
    if assignment.target == Target.PERSON:
        return people.where(User.id == assignment.user_id)
    if assignment.target == Target.COHORT:
        members = select(CohortMember.user_id).where(CohortMember.cohort_id == assignment.cohort_id)
        return people.where(User.id.in_(members))
    if assignment.unit_id is not None:
        people = people.where(User.unit_id.in_(tree_below(OrgUnit.parent_id, [assignment.unit_id])))
    if assignment.role is not None:
        holders = select(UserRole.user_id).where(UserRole.role == assignment.role)
        people = people.where(User.id.in_(holders))
    return people


def _due(assignment: Assignment, now: datetime) -> date:
    if assignment.due_on is not None:
        return assignment.due_on
    return today(now) + timedelta(days=assignment.due_days or 0)


def _materialise(assignment: Assignment, user_ids: list[int], now: datetime) -> int:
    """AssignedModule rows for these people; rows that exist stay as they are. Returns how
    many were made."""
    if not user_ids:
        return 0
    rows = [
        {
            "org_id": assignment.org_id,
            "user_id": user_id,
            "module_id": module_id,
            "assignment_id": assignment.id,
            "assigned_by_id": assignment.assigned_by_id,
            "assigned_at": now,
            "due_on": _due(assignment, now),
        }
        for user_id in user_ids
        for module_id in assignment.module_ids
    ]
    return insert_missing(AssignedModule, rows, ["user_id", "module_id"])


def _check(
    org: Organisation,
    actor: User | None,
    target: Target,
    person: User | None,
    module_ids: list[str],
    due_on: date | None,
    due_days: int | None,
    now: datetime,
) -> list[str]:
    if (due_on is None) == (due_days is None):
        raise DueMissing()
    if due_on is not None and due_on < today(now):
        raise DueInThePast()
    if due_days is not None and not 1 <= due_days <= MAX_DUE_DAYS:
        raise DueDaysOutOfRange()
    known = [m.id for m in current_course().modules]
    if not module_ids:
        raise NoModules()
    if any(m not in known for m in module_ids):
        raise UnknownModule()
    if actor is not None and not actor.has_role(Role.HR) and not actor.has_role(Role.ADMIN):
        if not actor.has_role(Role.MANAGER) or target != Target.PERSON:
            raise NotYourReport()
        if person is None or not is_report(actor, person):
            raise NotYourReport()
    return [m for m in known if m in set(module_ids)]  # course order, no repeats


def assign(
    org: Organisation,
    actor: User | None,
    *,
    target: Target,
    module_ids: list[str],
    person: User | None = None,
    unit: OrgUnit | None = None,
    cohort: Cohort | None = None,
    role: Role | None = None,
    name: str | None = None,
    due_on: date | None = None,
    due_days: int | None = None,
    now: datetime | None = None,
) -> tuple[Assignment, int]:
    """Make an assignment and apply it to everyone it covers now; returns it and how many
    people it covers. HR and admins assign to anyone in the organisation, a manager to the
    people who report to them (NotYourReport, 403, otherwise)."""
    now = now or utcnow()
    for thing in (person, unit, cohort):
        if thing is not None and thing.org_id != org.id:
            raise NotYourReport()
    if target == Target.RULE and role is None and unit is None:
        raise RuleNeedsACondition()
    modules = _check(org, actor, target, person, module_ids, due_on, due_days, now)
    assignment = Assignment(
        org_id=org.id,
        target=target,
        user_id=person.id if person else None,
        unit_id=unit.id if unit else None,
        cohort_id=cohort.id if cohort else None,
        role=role,
        name=name,
        module_ids=modules,
        due_on=due_on,
        due_days=due_days,
        assigned_by_id=actor.id if actor else None,
        created_at=now,
    )
    db.session.add(assignment)
    db.session.flush()
    people = list(db.session.scalars(covered(org.id, assignment)))
    _materialise(assignment, people, now)
    audit(org.id, actor, "assignment_created", None, assignment=assignment.id, people=len(people))
    db.session.flush()
    return assignment, len(people)


def preview(org: Organisation, *, role: Role | None, unit: OrgUnit | None) -> int:
    """How many people a rule with this role and unit would cover now."""
    probe = Assignment(
        org_id=org.id, target=Target.RULE, role=role, unit_id=unit.id if unit else None
    )
    return db.session.scalar(select(func.count()).select_from(covered(org.id, probe).subquery()))


def remove_assignment(
    assignment: Assignment, actor: User | None, now: datetime | None = None
) -> None:
    """Remove an assignment and the rows it made; progress stays, and any other assignment
    that covers the same people and modules makes its rows again."""
    now = now or utcnow()
    affected = list(
        db.session.scalars(
            select(AssignedModule.user_id)
            .where(AssignedModule.assignment_id == assignment.id)
            .distinct()
        )
    )
    db.session.execute(delete(AssignedModule).where(AssignedModule.assignment_id == assignment.id))
    org_id = assignment.org_id
    audit(org_id, actor, "assignment_removed", None, assignment=assignment.id)
    db.session.delete(assignment)
    db.session.flush()
    for user in db.session.scalars(select(User).where(User.id.in_(affected))):
        apply_to(user, now)


def apply_to(user: User, now: datetime | None = None) -> int:
    """Every assignment of the person's organisation that covers them now, applied to them
    (idempotent); returns the rows made."""
    now = now or utcnow()
    made = 0
    assignments = db.session.scalars(in_org(Assignment, user.org_id).order_by(Assignment.id))
    for assignment in assignments.all():
        if db.session.scalar(covered(user.org_id, assignment).where(User.id == user.id)):
            made += _materialise(assignment, [user.id], now)
    return made


@person_changed.connect
def _person_changed(user: User, **_: object) -> None:
    apply_to(user)


# --- cohorts -----------------------------------------------------------------------------

EMAIL_SEPARATORS = re.compile(r"[\s,;]+")


def people_by_email(org: Organisation, text: str) -> list[User]:
    """The active people of ``org`` whose emails ``text`` lists (one per line, or separated by
    commas, semicolons or spaces), in the order given, each once. Raises UnknownEmails naming
    every email that belongs to no one active here, so nothing is done with half a list."""
    emails = list(dict.fromkeys(e for e in EMAIL_SEPARATORS.split(text) if e))
    keys = {email: email_key(email) for email in emails}
    found = {
        user.email: user
        for user in db.session.scalars(
            in_org(User, org.id).where(
                User.email.in_(set(keys.values())),
                User.deactivated_at.is_(None),
                User.erased_at.is_(None),
            )
        )
    }
    unknown = [email for email in emails if keys[email] not in found]
    if unknown:
        raise UnknownEmails(
            _l(
                "No one active in your organisation has these emails: %(emails)s.",
                emails=", ".join(unknown),
            )
        )
    return list(dict.fromkeys(found[keys[email]] for email in emails))


def create_cohort(org: Organisation, name: str, people: list[User], actor: User | None) -> Cohort:
    """A new cohort of ``people`` (the caller found them in ``org``); flushes."""
    name = name.strip()
    if not name:
        raise CohortNameMissing()
    if db.session.scalar(in_org(Cohort, org.id).where(Cohort.name == name)) is not None:
        raise CohortNameTaken()
    cohort = Cohort(org_id=org.id, name=name)
    db.session.add(cohort)
    db.session.flush()
    audit(org.id, actor, "cohort_created", None, cohort=cohort.id)
    add_to_cohort(cohort, people, actor)
    return cohort


def add_to_cohort(cohort: Cohort, users: list[User], actor: User | None = None) -> int:
    """Add people to a cohort (those in it already stay) and apply its assignments to them;
    returns how many joined."""
    if any(user.org_id != cohort.org_id for user in users):
        raise NotYourReport()
    rows = [{"org_id": cohort.org_id, "cohort_id": cohort.id, "user_id": u.id} for u in users]
    joined = insert_missing(CohortMember, rows, ["cohort_id", "user_id"])
    for user in users:
        apply_to(user)
    if joined:
        audit(cohort.org_id, actor, "cohort_joined", None, cohort=cohort.id, people=joined)
    db.session.flush()
    return joined


def cohorts(org_id: int) -> list[tuple[Cohort, int]]:
    """The organisation's cohorts by name, each with how many people are in it."""
    members = func.count(CohortMember.id)
    return [
        (cohort, count)
        for cohort, count in db.session.execute(
            select(Cohort, members)
            .outerjoin(CohortMember, CohortMember.cohort_id == Cohort.id)
            .where(Cohort.org_id == org_id)
            .group_by(Cohort.id)
            .order_by(Cohort.name)
        )
    ]


def cohort_members(cohort: Cohort) -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .join(CohortMember, CohortMember.user_id == User.id)
            .where(CohortMember.cohort_id == cohort.id)
            .order_by(User.family_name, User.given_name)
        )
    )


@dataclass(frozen=True)
class Due:
    """What a learner's dashboard shows of one assigned module."""

    module_id: str
    due_on: date
    overdue: bool
    assigned_by: str | None


# Built once: the dashboard asks on every view. The assigner, if still there, by name.
_ASSIGNED_TO = (
    select(AssignedModule, User)
    .outerjoin(User, User.id == AssignedModule.assigned_by_id)
    .where(AssignedModule.org_id == bindparam("org"), AssignedModule.user_id == bindparam("user"))
    .order_by(AssignedModule.due_on, AssignedModule.module_id)
)


def assigned_to(user: User, now: datetime | None = None) -> list[Due]:
    """The learner's assigned modules not yet done, overdue first, then by due date."""
    from app.learning.services import course_status

    rows = db.session.execute(_ASSIGNED_TO, {"org": user.org_id, "user": user.id}).all()
    if not rows:
        return []
    done = {s.module.id for s in course_status(user, current_course()) if s.is_done}
    day = today(now)
    dues = [
        Due(row.module_id, row.due_on, row.due_on < day, by.name if by else None)
        for row, by in rows
        if row.module_id not in done
    ]
    return sorted(dues, key=lambda d: (not d.overdue, d.due_on))
