"""Organisations, units and people: plain functions that check, change, audit and flush.

Every function takes the organisation (or a row of it) and never reaches into another one.
Trees (units, the manager chain) are read with one recursive query, ``tree_below``; cycles are
refused when written, so reads never loop.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from blinker import Namespace
from flask_babel import gettext as _
from sqlalchemy import Select, delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import InstrumentedAttribute

from app.content.models import LOCALES
from app.db import db, in_org, utcnow
from app.errors import LedaError
from app.i18n import _l

from .importing import (
    ExistingUser,
    ImportProblem,
    ImportRow,
    check_against_organisation,
    normalise_email,
    parse_user_csv,
)
from .models import AuditEvent, Organisation, OrgUnit, PendingImport, Role, User, UserRole

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")


# Sent with the person after they are created, changed (unit, manager) or given roles, so other
# features (assignments by unit or rule) can react without orgs importing them.
person_changed = Namespace().signal("leda.person-changed")


class OrgProblem(LedaError):
    """A change to organisations, units or people that cannot be made as asked."""


class UnitCycle(OrgProblem):
    message = _l("A unit cannot be placed under itself or under one of its own sub-units.")


class ManagerCycle(OrgProblem):
    message = _l("A person cannot report to themselves or to someone who reports to them.")


class UnknownLanguage(OrgProblem):
    message = _l("That language is not available. Choose Norsk bokmål, Svenska or English.")


# --- trees -------------------------------------------------------------------------------


def tree_below(parent: InstrumentedAttribute[Any], root_ids: Iterable[int]) -> Select[Any]:
    """Ids of the roots and every row under them, following ``parent`` (e.g. OrgUnit.parent_id).

    The one recursive query for "everyone under X": units and sub-units, a manager's reports
    and their reports.
    """
    model = parent.class_
    tree = (
        select(model.id)
        .where(model.id.in_(list(root_ids)))
        .cte(f"{model.__tablename__}_tree", recursive=True)
    )
    # UNION, not UNION ALL: a row met again is dropped, so even a cycle in the data ends
    tree = tree.union(select(model.id).where(parent == tree.c.id))
    return select(tree.c.id)


# --- organisations -----------------------------------------------------------------------


def create_organisation(
    slug: str, name: str, default_locale: str = "nb", home_page: str | None = None
) -> Organisation:
    if not SLUG.match(slug):
        raise OrgProblem(
            _l("The short name may hold lower-case letters, digits and hyphens (at most 63).")
        )
    if default_locale not in LOCALES:
        raise OrgProblem(_("Unknown language %(locale)s.", locale=default_locale))
    if db.session.scalar(select(Organisation.id).where(Organisation.slug == slug)):
        raise OrgProblem(_("An organisation with the short name %(slug)s exists.", slug=slug))
    name = name.strip()
    if not name:
        raise OrgProblem(_l("Give the organisation a name."))
    org = Organisation(slug=slug, name=name, default_locale=default_locale, home_page=home_page)
    db.session.add(org)
    db.session.flush()
    return org


def organisation_by_slug(slug: str) -> Organisation | None:
    return db.session.scalar(select(Organisation).where(Organisation.slug == slug))


# --- audit -------------------------------------------------------------------------------


def audit(
    org_id: int, actor: User | None, action: str, target: User | None = None, **details: Any
) -> None:
    """Record an admin action; ``details`` carry ids, roles and counts, never personal data."""
    db.session.add(
        AuditEvent(
            org_id=org_id,
            created_at=utcnow(),
            actor_id=actor.id if actor else None,
            action=action,
            target_user_id=target.id if target else None,
            details=details,
        )
    )


# --- units -------------------------------------------------------------------------------


def _unit_name(name: str) -> str:
    name = name.strip()
    if not name or len(name) > 200 or "/" in name:
        raise OrgProblem(_l("A unit name needs 1 to 200 characters and no slash (/)."))
    return name


def _sibling(
    org_id: int, parent_id: int | None, name: str, except_id: int | None = None
) -> OrgUnit | None:
    """The unit called ``name`` (any case) directly under ``parent_id`` (None: the top)."""
    return db.session.scalar(
        in_org(OrgUnit, org_id).where(
            OrgUnit.parent_id.is_(None) if parent_id is None else OrgUnit.parent_id == parent_id,
            func.lower(OrgUnit.name) == name.strip().lower(),
            OrgUnit.id != (except_id or 0),
        )
    )


def _check_sibling_name(org_id: int, parent_id: int | None, name: str, unit_id: int | None) -> None:
    if _sibling(org_id, parent_id, name, unit_id) is not None:
        raise OrgProblem(_("There is already a unit called %(name)s there.", name=name))


def create_unit(org_id: int, name: str, parent: OrgUnit | None, actor: User | None) -> OrgUnit:
    name = _unit_name(name)
    _check_sibling_name(org_id, parent.id if parent else None, name, None)
    unit = OrgUnit(org_id=org_id, name=name, parent_id=parent.id if parent else None)
    db.session.add(unit)
    db.session.flush()
    audit(org_id, actor, "unit_created", unit_id=unit.id)
    return unit


def rename_unit(unit: OrgUnit, name: str, actor: User | None) -> None:
    name = _unit_name(name)
    _check_sibling_name(unit.org_id, unit.parent_id, name, unit.id)
    unit.name = name
    audit(unit.org_id, actor, "unit_renamed", unit_id=unit.id)
    db.session.flush()


def move_unit(unit: OrgUnit, parent: OrgUnit | None, actor: User | None) -> None:
    """Place ``unit`` under ``parent`` (None: top level); refuses a move into its own subtree."""
    if parent is not None:
        if parent.org_id != unit.org_id:
            raise OrgProblem()
        if parent.id in db.session.scalars(tree_below(OrgUnit.parent_id, [unit.id])).all():
            raise UnitCycle()
    _check_sibling_name(unit.org_id, parent.id if parent else None, unit.name, unit.id)
    unit.parent_id = parent.id if parent else None
    audit(unit.org_id, actor, "unit_moved", unit_id=unit.id, parent_id=unit.parent_id)
    db.session.flush()


def unit_paths(org_id: int) -> dict[int, str]:
    """Every unit's path from the top ("Helse og omsorg/Sykehjem Nord"), in one query."""
    units = {u.id: u for u in db.session.scalars(in_org(OrgUnit, org_id))}
    paths: dict[int, str] = {}

    def path(unit_id: int) -> str:
        if unit_id not in paths:
            unit = units[unit_id]
            paths[unit_id] = (
                unit.name if unit.parent_id is None else f"{path(unit.parent_id)}/{unit.name}"
            )
        return paths[unit_id]

    for unit_id in units:
        path(unit_id)
    return dict(sorted(paths.items(), key=lambda item: item[1].lower()))


def ensure_unit_path(org_id: int, names: tuple[str, ...], actor: User | None) -> OrgUnit | None:
    """The unit at this path, creating whatever part of it is missing; None for ()."""
    parent: OrgUnit | None = None
    for name in names:
        found = _sibling(org_id, parent.id if parent else None, name)
        parent = found or create_unit(org_id, name, parent, actor)
    return parent


# --- people ------------------------------------------------------------------------------


def email_key(email: str) -> str:
    """The stored form of an address: the import's normalisation, else stripped and lower-case."""
    return normalise_email(email) or email.strip().lower()


def user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email_key(email)))


def _check_unique(
    org_id: int, email: str, employee_number: str | None, user_id: int | None
) -> None:
    if normalise_email(email) is None:
        raise OrgProblem(_l("Enter an email address like name@example.no."))
    other = user_by_email(email)
    if other is not None and other.id != user_id:
        raise OrgProblem(_l("This email address is already in use."))
    if employee_number:
        other = db.session.scalar(
            in_org(User, org_id).where(User.employee_number == employee_number)
        )
        if other is not None and other.id != user_id:
            raise OrgProblem(
                _("Employee number %(number)s is already in use.", number=employee_number)
            )


def _flush_unique() -> None:
    """Flush in a savepoint: a request racing ours to the same email or employee number (past
    the checks above) is refused with a message instead of a 500."""
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError as clash:
        raise OrgProblem(
            _l("This email address or employee number was just taken. Check and try again.")
        ) from clash


def _check_manager(user: User, manager: User | None) -> None:
    if manager is None:
        return
    if manager.org_id != user.org_id:
        raise OrgProblem()
    if user.id is not None and manager.id in db.session.scalars(
        tree_below(User.manager_id, [user.id])
    ):
        raise ManagerCycle()


def create_user(
    org: Organisation,
    *,
    email: str,
    given_name: str,
    family_name: str,
    roles: Iterable[Role] = (Role.LEARNER,),
    employee_number: str | None = None,
    unit: OrgUnit | None = None,
    manager: User | None = None,
    locale: str | None = None,
    actor: User | None = None,
) -> User:
    """A new active person without a password (they set one through an invitation).

    Without a ``locale`` they get the organisation's default, stored: their invitation, the
    page it opens and their first pages are in it, whatever their browser prefers.
    """
    email = email_key(email)
    employee_number = (employee_number or "").strip() or None
    _check_unique(org.id, email, employee_number, None)
    if manager is not None and manager.org_id != org.id:
        raise OrgProblem()
    user = User(
        org_id=org.id,
        email=email,
        given_name=given_name.strip(),
        family_name=family_name.strip(),
        employee_number=employee_number,
        unit_id=unit.id if unit else None,
        manager_id=manager.id if manager else None,
        locale=locale or org.default_locale,
        created_at=utcnow(),
    )
    db.session.add(user)
    _flush_unique()
    audit(org.id, actor, "user_created", user)
    set_roles(user, roles, actor)
    return user


def update_user(
    user: User,
    *,
    email: str,
    given_name: str,
    family_name: str,
    employee_number: str | None,
    unit: OrgUnit | None,
    manager: User | None,
    locale: str | None,
    actor: User | None,
) -> None:
    email = email_key(email)
    employee_number = (employee_number or "").strip() or None
    _check_unique(user.org_id, email, employee_number, user.id)
    _check_manager(user, manager)
    if email != user.email:  # links and sessions made for the old address stop working
        revoke_access(user)
    user.email = email
    user.given_name = given_name.strip()
    user.family_name = family_name.strip()
    user.employee_number = employee_number
    user.unit_id = unit.id if unit else None
    user.manager_id = manager.id if manager else None
    user.locale = locale
    _flush_unique()
    audit(user.org_id, actor, "user_updated", user)
    person_changed.send(user)


def choose_locale(user: User, locale: str) -> None:
    """Keep the language a person picked for themselves on their profile, for every later
    visit and mail. Not audited: the audit log records what admins do to people.

    Raises UnknownLanguage (changing nothing) for a language Leda does not speak; flushes.
    """
    if locale not in LOCALES:
        raise UnknownLanguage()
    user.locale = locale
    db.session.flush()


def choose_digest(user: User, enabled: bool) -> None:
    """Keep a person's choice of the managers' weekly digest mail; not audited (their own
    choice, like their language). Flushes."""
    user.digest_enabled = enabled
    db.session.flush()


def set_roles(user: User, roles: Iterable[Role], actor: User | None) -> None:
    """Give ``user`` exactly ``roles``; each grant and removal goes into the audit log."""
    wanted, held = frozenset(roles), user.roles
    for role in sorted(wanted - held):
        user.role_rows.append(UserRole(role=role))
        audit(user.org_id, actor, "role_granted", user, role=role.value)
    for row in [r for r in user.role_rows if r.role not in wanted]:
        user.role_rows.remove(row)
        audit(user.org_id, actor, "role_removed", user, role=row.role.value)
    db.session.flush()
    person_changed.send(user)


def revoke_access(user: User) -> None:
    """End every session and every unused link of ``user``."""
    from app.auth.services import end_sessions, revoke_links

    end_sessions(user)
    revoke_links(user)


def deactivate_user(user: User, actor: User | None) -> None:
    """Stop ``user`` logging in; their sessions end now. Progress and history stay."""
    if user.deactivated_at is None:
        user.deactivated_at = utcnow()
        revoke_access(user)
        audit(user.org_id, actor, "user_deactivated", user)
    db.session.flush()


def reactivate_user(user: User, actor: User | None) -> None:
    if user.deactivated_at is not None and user.erased_at is None:
        user.deactivated_at = None
        audit(user.org_id, actor, "user_reactivated", user)
    db.session.flush()


def erase_user(user: User, actor: User | None) -> None:
    """Erase a person (GDPR art. 17): their row becomes an anonymous stub.

    Name, email, employee number, unit, manager, roles, sessions, links, mail (and the record
    of reminders and digests sent), the journal (reflections, those awaiting a login,
    commitments and their follow-ups), practice answers (which count in no total), refreshers
    not yet answered and the xAPI outbox's statements about them (waiting or sent) go;
    registrations, quiz answers and answered refreshers stay on the stub, so totals still count
    them but nothing ties them to a person. Their certificates
    are revoked: their codes no longer verify. Their reports lose their manager.
    """
    from app.auth.models import AccountToken, UserSession
    from app.certificates.models import Certificate
    from app.learning.models import Commitment, PendingReflection, Reflection
    from app.mail.models import MailMessage
    from app.onboarding.models import ManagerDigest, Reminder
    from app.practice.models import PracticeAnswer, ScenarioRun
    from app.quiz.models import Refresher
    from app.xapi.models import XapiStatement

    # Follow-ups go with their commitment (ON DELETE CASCADE).
    for model in (
        Reflection,
        PendingReflection,
        Commitment,
        PracticeAnswer,
        ScenarioRun,
        UserSession,
        AccountToken,
        Reminder,
        XapiStatement,
    ):
        db.session.execute(delete(model).where(model.user_id == user.id))
    db.session.execute(delete(ManagerDigest).where(ManagerDigest.manager_id == user.id))
    db.session.execute(
        delete(Refresher).where(Refresher.user_id == user.id, Refresher.answered_at.is_(None))
    )
    if user.email:  # mail to them, sent or waiting, with its address and subject
        db.session.execute(delete(MailMessage).where(MailMessage.to_address == user.email))
    db.session.execute(
        User.__table__.update().where(User.manager_id == user.id).values(manager_id=None)
    )
    now = utcnow()
    db.session.execute(
        Certificate.__table__.update()
        .where(Certificate.user_id == user.id, Certificate.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    user.email = None
    user.employee_number = None
    user.given_name = ""
    user.family_name = ""
    user.unit_id = None
    user.manager_id = None
    user.password_hash = None
    user.locale = None
    user.deactivated_at = user.deactivated_at or now
    user.erased_at = now
    user.role_rows.clear()
    audit(user.org_id, actor, "user_erased", user)
    db.session.flush()


PAGE_SIZE = 50


def search_people(
    org_id: int,
    *,
    text: str = "",
    unit_id: int | None = None,
    role: Role | None = None,
    status: str = "active",
    page: int = 1,
) -> tuple[list[User], int]:
    """One page of the organisation's people (by family name) and how many match in all."""
    query = in_org(User, org_id).where(User.erased_at.is_(None))
    if text.strip():
        like = f"%{text.strip().lower()}%"
        query = query.where(
            func.lower(User.given_name + " " + User.family_name).like(like)
            | User.email.like(like)
            | func.lower(User.employee_number).like(like)
        )
    if unit_id is not None:
        query = query.where(User.unit_id.in_(tree_below(OrgUnit.parent_id, [unit_id])))
    if role is not None:
        query = query.where(User.role_rows.any(UserRole.role == role))
    if status == "active":
        query = query.where(User.deactivated_at.is_(None))
    elif status == "deactivated":
        query = query.where(User.deactivated_at.is_not(None))
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    people = db.session.scalars(
        query.order_by(func.lower(User.family_name), func.lower(User.given_name), User.id)
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE)
    ).all()
    return list(people), total


# --- the spreadsheet import --------------------------------------------------------------


@dataclass(frozen=True)
class ImportPlan:
    """What a file would do: its rows, every problem, and how many people it adds or changes."""

    rows: list[ImportRow]
    problems: list[ImportProblem]
    new: int
    changed: int


def _import_targets(org_id: int, rows: list[ImportRow]) -> dict[str, User]:
    """Who each row updates: the person with its employee number, or else a person without one
    whose email it gives (an admin created before the first import gets their number)."""
    people = db.session.scalars(in_org(User, org_id).where(User.erased_at.is_(None))).all()
    by_number = {u.employee_number: u for u in people if u.employee_number}
    unnumbered = {u.email: u for u in people if not u.employee_number and u.email}
    targets = {}
    for row in rows:
        user = by_number.get(row.employee_number) or unnumbered.get(row.email)
        if user is not None:
            targets[row.employee_number] = user
    return targets


def plan_import(org: Organisation, data: bytes) -> ImportPlan:
    """Read a file and check it against the organisation; changes nothing."""
    rows, problems = parse_user_csv(data)
    targets = _import_targets(org.id, rows)
    people = db.session.scalars(
        in_org(User, org.id).where(User.erased_at.is_(None), User.employee_number.is_not(None))
    ).all()
    numbers = {u.id: u.employee_number for u in people}
    existing = [
        ExistingUser(u.employee_number, u.email or "", numbers.get(u.manager_id or 0))
        for u in people
    ]
    existing += [  # people the file gives a number to for the first time
        ExistingUser(number, u.email or "", numbers.get(u.manager_id or 0))
        for number, u in targets.items()
        if not u.employee_number
    ]
    emails = [row.email for row in rows]
    targeted = {u.id for u in targets.values()}
    # Emails the file may not take: other organisations' and those of people here without an
    # employee number whom the file leaves alone. Both are only "already used".
    elsewhere = set(
        db.session.scalars(
            select(User.email).where(
                User.email.in_(emails),
                (User.org_id != org.id)
                | (User.employee_number.is_(None) & User.id.not_in(targeted or {0})),
            )
        )
    )
    problems += check_against_organisation(rows, existing, elsewhere)
    return ImportPlan(rows, problems, len(rows) - len(targets), len(targets))


def apply_import(org: Organisation, data: bytes, actor: User | None) -> ImportPlan:
    """Create or update everyone in the file, in the caller's one transaction.

    Raises ImportRefused (changing nothing) when the file has any problem.
    """
    plan = plan_import(org, data)
    if plan.problems:
        raise ImportRefused()
    targets = _import_targets(org.id, plan.rows)
    # Emails may move between people in one file (a swap): free them first, then assign.
    moving = [
        (u, row)
        for row in plan.rows
        if (u := targets.get(row.employee_number)) and u.email != row.email
    ]
    for user, _row in moving:
        user.email = f"moving-{user.id}@import.invalid"
    db.session.flush()
    units: dict[tuple[str, ...], OrgUnit | None] = {}
    people: dict[str, User] = {}
    for row in plan.rows:
        present = row.headers  # only columns the file has change anything
        user = targets.get(row.employee_number)
        if user is None:  # a new person starts in the organisation's language, as in create_user
            user = User(org_id=org.id, created_at=utcnow(), locale=org.default_locale)
            db.session.add(user)
        user.employee_number = row.employee_number
        user.email = row.email
        user.given_name = row.given_name
        user.family_name = row.family_name
        if "unit" in present:
            if row.unit_path not in units:
                units[row.unit_path] = ensure_unit_path(org.id, row.unit_path, actor)
            unit = units[row.unit_path]
            user.unit_id = unit.id if unit else None
        if row.locale:  # an empty cell leaves a language alone, maybe the person's own pick
            user.locale = row.locale
        people[row.employee_number] = user
    db.session.flush()
    for user, _row in moving:  # a new address: links sent to the old one must not open it
        revoke_access(user)
    by_number = {
        u.employee_number: u
        for u in db.session.scalars(in_org(User, org.id).where(User.employee_number.is_not(None)))
    }
    for row in plan.rows:
        user = people[row.employee_number]
        if "manager_employee_number" in row.headers:
            manager = by_number.get(row.manager_employee_number or "")
            user.manager_id = manager.id if manager else None
        if "roles" in row.headers or not user.role_rows:
            # The file never takes the admin role away: an HR export must not lock admins out.
            kept = user.roles & {Role.ADMIN}
            set_roles(user, {Role(role) for role in row.roles} | kept, actor)
    audit(org.id, actor, "import_applied", created=plan.new, updated=plan.changed)
    db.session.flush()
    return plan


class ImportRefused(OrgProblem):
    message = _l("The file has problems, so nothing was imported. Fix them and upload it again.")


PENDING_IMPORT_HOURS = 2


class ImportExpired(OrgProblem):
    message = _l("This preview has expired or was already applied. Upload the file again.")
    status = 409


def keep_pending_import(org: Organisation, actor: User, data: bytes) -> str:
    """Keep a previewed file for its "apply" button; returns the token the form carries."""
    import secrets

    db.session.execute(
        delete(PendingImport).where(
            PendingImport.created_at < utcnow() - timedelta(hours=PENDING_IMPORT_HOURS)
        )
    )
    token = secrets.token_urlsafe(32)
    db.session.add(PendingImport(org_id=org.id, actor_id=actor.id, token=token, data=data,
                                 created_at=utcnow()))  # fmt: skip
    db.session.flush()
    return token


def take_pending_import(org: Organisation, actor: User, token: str) -> bytes:
    """The previewed file, once: it is deleted in the same transaction as the import."""
    pending = db.session.scalar(
        in_org(PendingImport, org.id).where(
            PendingImport.token == token[:43],
            PendingImport.actor_id == actor.id,
            PendingImport.created_at >= utcnow() - timedelta(hours=PENDING_IMPORT_HOURS),
        )
    )
    if pending is None:
        raise ImportExpired()
    db.session.delete(pending)
    return pending.data


def purge_inactive(days: int, actor: User | None = None) -> int:
    """Erase everyone deactivated at least ``days`` ago (the retention rule); returns how many.

    Also drops what only lingers: previewed import files past their two hours, login-limit
    counters whose window has ended (their keys may be client addresses) and reflections that
    waited in vain for their author's login.
    """
    import time

    from app.auth.models import RateLimitCounter
    from app.learning.models import PendingReflection
    from app.learning.services import PENDING_LIFETIME

    db.session.execute(
        delete(PendingReflection).where(PendingReflection.created_at <= utcnow() - PENDING_LIFETIME)
    )

    db.session.execute(
        delete(PendingImport).where(
            PendingImport.created_at < utcnow() - timedelta(hours=PENDING_IMPORT_HOURS)
        )
    )
    db.session.execute(delete(RateLimitCounter).where(RateLimitCounter.expires_at < time.time()))
    cutoff = utcnow() - timedelta(days=days)
    people = db.session.scalars(
        select(User).where(User.deactivated_at <= cutoff, User.erased_at.is_(None))
    ).all()
    for user in people:
        erase_user(user, actor)
    return len(people)


SETTINGS = ("refreshers_enabled", "xapi_email_enabled")


def update_settings(org: Organisation, actor: User | None, **settings: bool | None) -> bool:
    """Change the organisation's settings (names from ``SETTINGS``; None leaves one alone);
    True if anything changed, audited as one event naming only what changed."""
    unknown = set(settings) - set(SETTINGS)
    if unknown:
        raise TypeError(f"not a setting: {', '.join(sorted(unknown))}")
    changed = {
        name: value
        for name, value in settings.items()
        if value is not None and getattr(org, name) != value
    }
    if not changed:
        return False
    for name, value in changed.items():
        setattr(org, name, value)
    audit(org.id, actor, "settings_changed", **changed)
    db.session.flush()
    return True
