"""Plain functions that add rows and flush."""

from werkzeug.security import generate_password_hash

from app.auth.models import Role, User
from app.db import db
from app.orgs.models import Organisation

PASSWORD = "correct horse battery"
_HASH = generate_password_hash(PASSWORD)  # hashed once: scrypt is slow on purpose


def make_org(
    slug: str = "vik", name: str = "Vik kommune", default_locale: str = "nb"
) -> Organisation:
    org = Organisation(slug=slug, name=name, default_locale=default_locale)
    db.session.add(org)
    db.session.flush()
    return org


def make_user(
    org: Organisation,
    email: str = "ola@vik.test",
    role: Role = Role.LEARNER,
    name: str = "Ola Nordmann",
    locale: str | None = None,
) -> User:
    user = User(
        org_id=org.id, email=email, name=name, role=role, password_hash=_HASH, locale=locale
    )
    db.session.add(user)
    db.session.flush()
    return user
