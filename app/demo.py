"""`leda demo`: a demo organisation so a newcomer sees every page with something on it."""

import secrets
from dataclasses import dataclass

import click
from flask.cli import with_appcontext
from flask_migrate import upgrade
from sqlalchemy import select

from .auth.models import Role, User
from .auth.services import hash_password
from .content import current_course
from .db import db
from .learning import services as learning
from .orgs.models import Organisation
from .quiz.services import submit_attempt


@dataclass(frozen=True)
class DemoUser:
    email: str
    name: str
    role: Role
    password: str


# Demo passwords are printed on purpose: this organisation exists only to be looked at.
DEMO_USERS = [
    DemoUser("learner@demo.leda.test", "Ingrid Learner", Role.LEARNER, "demo-learner"),
    DemoUser("manager@demo.leda.test", "Mats Manager", Role.MANAGER, "demo-manager"),
    DemoUser("hr@demo.leda.test", "Hanne HR", Role.HR, "demo-hr"),
    DemoUser("admin@demo.leda.test", "Anders Admin", Role.ADMIN, "demo-admin"),
]
# Colleagues with some progress, so lists and reports have rows.
DEMO_COLLEAGUES = [
    ("kari@demo.leda.test", "Kari Nordmann", 2),
    ("sven@demo.leda.test", "Sven Svensson", 1),
    ("lea@demo.leda.test", "Lea Lund", 0),
]


def load_demo() -> Organisation:
    """Create or refresh the demo organisation; safe to run again (nothing is duplicated)."""
    org = db.session.scalar(select(Organisation).where(Organisation.slug == "demo"))
    if org is None:
        org = Organisation(slug="demo", name="Demo kommune", default_locale="nb")
        db.session.add(org)
        db.session.flush()
    for demo_user in DEMO_USERS:
        _user(org, demo_user.email, demo_user.name, demo_user.role, demo_user.password)
    course = current_course()
    for email, name, modules_passed in DEMO_COLLEAGUES:
        user = _user(org, email, name, Role.LEARNER, None)
        for module in course.modules[:modules_passed]:
            if learning.completed_lessons(user, module) == {lesson.id for lesson in module.lessons}:
                continue
            for lesson in module.lessons:
                learning.complete_lesson(user, module, lesson.id)
            answers = {q.id: sorted(q.correct_ids) for q in module.questions}
            submit_attempt(
                user,
                module,
                f"demo-{user.id}-{module.id}-{module.version}",
                module.version,
                answers,
            )
        if modules_passed < len(course.modules):
            module = course.modules[modules_passed]
            learning.record_visit(user, module, module.lessons[0].id)
    db.session.flush()
    return org


def _user(org: Organisation, email: str, name: str, role: Role, password: str | None) -> User:
    user = db.session.scalar(select(User).where(User.email == email))
    if user is None:
        user = User(
            org_id=org.id,
            email=email,
            name=name,
            role=role,
            password_hash=hash_password(password or secrets.token_urlsafe(32)),
        )
        db.session.add(user)
    elif password is not None:
        user.password_hash = hash_password(password)
    db.session.flush()
    return user


@click.command("demo")
@with_appcontext
def demo() -> None:
    """Create (or refresh) the demo organisation, migrating the database first."""
    upgrade()
    load_demo()
    db.session.commit()
    click.echo("Demo organisation 'demo' is ready. Log in at http://127.0.0.1:5000 with:")
    for demo_user in DEMO_USERS:
        click.echo(
            f"  {demo_user.role.value:8} {demo_user.email:28} password: {demo_user.password}"
        )
