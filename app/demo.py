"""`leda demo`: a demo organisation so a newcomer sees every page, for every role, with data."""

from dataclasses import dataclass
from datetime import timedelta

import click
from flask.cli import with_appcontext
from flask_migrate import upgrade
from sqlalchemy import select

from .auth.services import hash_password
from .content import current_course
from .content.models import Course, Module
from .db import db, utcnow
from .errors import LedaError
from .learning import services as learning
from .onboarding import services as onboarding
from .onboarding.models import AssignedModule, Assignment, Target
from .orgs import services as orgs
from .orgs.models import Organisation, OrgUnit, Role, User
from .quiz.models import Refresher
from .quiz.pools import draw
from .quiz.services import submit_attempt
from .reporting.completions import CompletionFilters
from .reporting.exports import request_export
from .reporting.models import ReportExport

DEMO_SLUG = "demo"


@dataclass(frozen=True)
class DemoUser:
    email: str
    given_name: str
    family_name: str
    roles: tuple[Role, ...]
    password: str
    unit: tuple[str, ...]
    employee_number: str
    finished: bool = False  # has passed every module, so holds a certificate


# Demo passwords are printed on purpose: this organisation exists only to be looked at, and
# `leda demo` refuses to run where any other organisation lives.
DEMO_USERS = [
    DemoUser(
        "learner@demo.leda.test", "Ingrid", "Learner", (Role.LEARNER,), "demo-learner-2026",
        ("Helse og omsorg", "Sykehjem Nord"), "1001",
    ),
    DemoUser(
        "manager@demo.leda.test", "Mats", "Manager", (Role.LEARNER, Role.MANAGER),
        "demo-manager-2026", ("Helse og omsorg",), "1002",
    ),
    DemoUser(
        "hr@demo.leda.test", "Hanne", "HR", (Role.LEARNER, Role.HR), "demo-hr-2026",
        ("Organisasjon og personal",), "1003",
    ),
    DemoUser(
        "admin@demo.leda.test", "Anders", "Admin", (Role.ADMIN,), "demo-admin-2026",
        ("Organisasjon og personal",), "1004",
    ),
    DemoUser(
        "kari@demo.leda.test", "Kari", "Nordmann Ødegård", (Role.LEARNER,), "demo-kari-2026",
        ("Helse og omsorg", "Sykehjem Nord"), "1005", finished=True,
    ),
]  # fmt: skip
# Colleagues with some progress, so lists and reports have rows: (email, names, unit, passed).
DEMO_COLLEAGUES = [
    ("sven@demo.leda.test", "Sven", "Svensson", ("Helse og omsorg", "Hjemmetjenesten"), 1, "1006"),
    ("lea@demo.leda.test", "Lea", "Lund", ("Oppvekst", "Vik skole"), 0, "1007"),
]
# The manager's team view shows people through another manager too, and someone to nudge:
# Lea and a newcomer who has not started report to Sven, who reports to the demo manager.
DEMO_NEWCOMER = ("nils@demo.leda.test", "Nils", "Berg", ("Helse og omsorg", "Hjemmetjenesten"),
                 "1008")  # fmt: skip
DEMO_REPORTS_TO = {"lea@demo.leda.test": "sven@demo.leda.test",
                   "nils@demo.leda.test": "sven@demo.leda.test"}  # fmt: skip

DEMO_REFLECTION = (
    "Jeg vil spørre oftere hva innbyggerne faktisk trenger før vi bestemmer noe.\n"
    "Neste steg: ta det opp på teammøtet på tirsdag."
)


class DemoRefused(LedaError):
    message = "This database holds other organisations; the demo, whose passwords are public, is not created here."  # noqa: E501


def load_demo() -> Organisation:
    """Create or refresh the demo organisation; safe to run again (nothing is duplicated).

    Raises DemoRefused when the database holds any organisation but the demo: known passwords
    never go into a real installation.
    """
    if db.session.scalar(select(Organisation.id).where(Organisation.slug != DEMO_SLUG)):
        raise DemoRefused()
    org = orgs.organisation_by_slug(DEMO_SLUG) or orgs.create_organisation(
        DEMO_SLUG, "Demo kommune", "nb", "https://demo.leda.test"
    )
    manager = None
    for person in DEMO_USERS:
        user = _user(org, person.email, person.given_name, person.family_name, person.unit,
                     person.employee_number, person.roles)  # fmt: skip
        user.password_hash = hash_password(person.password)
        if Role.MANAGER in person.roles:
            manager = user
    learner = orgs.user_by_email(DEMO_USERS[0].email)
    learner.manager_id = manager.id
    course = current_course()
    for person in DEMO_USERS:
        if person.finished:  # every module passed: the course is complete, with a certificate
            user = orgs.user_by_email(person.email)
            user.manager_id = manager.id
            for module in course.modules:
                _pass(user, module)
    _journal(learner, course.modules[0])
    for email, given, family, unit, modules_passed, number in DEMO_COLLEAGUES:
        user = _user(org, email, given, family, unit, number, (Role.LEARNER,))
        user.manager_id = manager.id
        for module in course.modules[:modules_passed]:
            _pass(user, module)
        if modules_passed < len(course.modules):
            module = course.modules[modules_passed]
            learning.record_visit(user, module, module.lessons[0].id)
    email, given, family, unit, number = DEMO_NEWCOMER
    _user(org, email, given, family, unit, number, (Role.LEARNER,))
    for email, manager_email in DEMO_REPORTS_TO.items():
        orgs.user_by_email(email).manager_id = orgs.user_by_email(manager_email).id
    # The learner passed the last module some days ago: its first refresher is on their dashboard.
    last = course.modules[-1]
    _pass(learner, last)
    db.session.execute(
        Refresher.__table__.update()
        .where(
            Refresher.user_id == learner.id, Refresher.number == 1, Refresher.answered_at.is_(None)
        )
        .values(due_at=utcnow() - timedelta(hours=1))
    )
    _assignments(org, course)
    _report(org)
    db.session.flush()
    return org


def _report(org: Organisation) -> None:
    """A completion report HR asked for, made by the job queue, on the Reports page."""
    hr = orgs.user_by_email("hr@demo.leda.test")
    if db.session.scalar(select(ReportExport.id).where(ReportExport.user_id == hr.id)) is None:
        request_export(org, hr, CompletionFilters(), "xlsx", "nb", None)


def _assignments(org: Organisation, course: Course) -> None:
    """An onboarding rule for new managers, the four modules assigned to health and care due in
    30 days, and a cohort (the newcomer and the learner) with two modules in 45 days; Sven is
    two weeks past his due date, so reminders and the team view have someone overdue. Made
    once."""
    if db.session.scalar(select(Assignment.id).where(Assignment.org_id == org.id)):
        return
    hr = orgs.user_by_email(DEMO_USERS[2].email)
    modules = [m.id for m in course.modules]
    onboarding.assign(org, hr, target=Target.RULE, name="Nye ledere", role=Role.MANAGER,
                      module_ids=modules, due_days=30)  # fmt: skip
    health = db.session.scalar(
        select(OrgUnit).where(OrgUnit.org_id == org.id, OrgUnit.name == "Helse og omsorg")
    )
    onboarding.assign(org, hr, target=Target.UNIT, unit=health, module_ids=modules, due_days=30)
    cohort = onboarding.create_cohort(
        org,
        "Lederprogram 2027",
        [orgs.user_by_email(DEMO_NEWCOMER[0]), orgs.user_by_email(DEMO_USERS[0].email)],
        hr,
    )
    onboarding.assign(org, hr, target=Target.COHORT, cohort=cohort, module_ids=modules[:2],
                      due_days=45)  # fmt: skip
    sven = orgs.user_by_email("sven@demo.leda.test")
    db.session.execute(
        AssignedModule.__table__.update()
        .where(AssignedModule.user_id == sven.id)
        .values(due_on=onboarding.today() - timedelta(days=14))
    )


def _pass(user: User, module: Module) -> None:
    """Every lesson done and the quiz passed, once."""
    if learning.completed_lessons(user, module) == {lesson.id for lesson in module.lessons}:
        return
    for lesson in module.lessons:
        learning.complete_lesson(user, module, lesson.id)
    token = f"demo-{user.id}-{module.id}-{module.version}"
    answers = {q.id: sorted(q.correct_ids) for q in draw(module, token)}
    submit_attempt(user, module, token, module.version, answers)


def _journal(learner: User, module: Module) -> None:
    """A reflection and a commitment made eight days ago, so the journal and the dashboard's
    "How did it go?" have something to show."""
    lesson = module.lessons[0]
    if not learning.reflection_text(learner, module, lesson.id):
        learning.save_reflection(learner, module, lesson.id, DEMO_REFLECTION)
    learning.commit_to_action(learner, module, lesson.id, utcnow() - timedelta(days=8))


def _user(
    org: Organisation,
    email: str,
    given: str,
    family: str,
    unit: tuple[str, ...],
    employee_number: str,
    roles: tuple[Role, ...],
) -> User:
    user = orgs.user_by_email(email)
    if user is None:
        user = orgs.create_user(
            org,
            email=email,
            given_name=given,
            family_name=family,
            employee_number=employee_number,
            unit=orgs.ensure_unit_path(org.id, unit, None),
            roles=roles,
        )
    return user


@click.command("demo")
@with_appcontext
def demo() -> None:
    """Create (or refresh) the demo organisation, migrating the database first."""
    upgrade()
    try:
        load_demo()
    except DemoRefused as refused:
        raise click.ClickException(str(refused)) from refused
    db.session.commit()
    click.echo("Demo organisation 'demo' is ready. Log in at http://127.0.0.1:5000 with:")
    for person in DEMO_USERS:
        roles = ", ".join(role.value for role in person.roles)
        finished = "  (has finished the course: a certificate)" if person.finished else ""
        click.echo(f"  {roles:17} {person.email:26} password: {person.password}{finished}")
