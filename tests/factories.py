"""Plain functions that add rows and flush."""

from collections.abc import Iterable

from app.auth.services import hash_password
from app.db import db
from app.orgs.models import Organisation, OrgUnit, Role, User, UserRole

PASSWORD = "correct horse battery"
_HASH = hash_password(PASSWORD)  # hashed once: argon2id is slow on purpose


def make_org(
    slug: str = "vik", name: str = "Vik kommune", default_locale: str = "nb"
) -> Organisation:
    org = Organisation(slug=slug, name=name, default_locale=default_locale)
    db.session.add(org)
    db.session.flush()
    return org


def make_unit(org: Organisation, name: str = "Helse og omsorg", parent: OrgUnit | None = None):
    unit = OrgUnit(org_id=org.id, name=name, parent_id=parent.id if parent else None)
    db.session.add(unit)
    db.session.flush()
    return unit


def make_user(
    org: Organisation,
    email: str = "ola@vik.test",
    roles: Iterable[Role] = (Role.LEARNER,),
    given_name: str = "Ola",
    family_name: str = "Nordmann",
    locale: str | None = None,
    employee_number: str | None = None,
    unit: OrgUnit | None = None,
    manager: User | None = None,
) -> User:
    user = User(
        org_id=org.id,
        email=email,
        given_name=given_name,
        family_name=family_name,
        password_hash=_HASH,
        locale=locale,
        employee_number=employee_number,
        unit_id=unit.id if unit else None,
        manager_id=manager.id if manager else None,
        role_rows=[UserRole(role=role) for role in roles],
    )
    db.session.add(user)
    db.session.flush()
    return user
