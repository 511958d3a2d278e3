"""Assignments and onboarding rules: who gets which module by when, and what changes nothing."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from app.content import current_course
from app.db import db
from app.learning.models import Registration
from app.learning.services import complete_lesson
from app.onboarding import services
from app.onboarding.models import AssignedModule, Assignment, Target
from app.orgs import services as orgs
from app.orgs.models import Role, User
from tests.factories import make_org, make_unit, make_user

TODAY = date(2026, 3, 2)  # the pinned clock's day (08:00 UTC is 09:00 in Oslo)


def rows() -> list[tuple[str, str, date]]:
    return [
        (u.email, a.module_id, a.due_on)
        for a, u in db.session.execute(
            select(AssignedModule, User)
            .join(User, User.id == AssignedModule.user_id)
            .order_by(User.email, AssignedModule.module_id)
        )
    ]


@pytest.fixture
def org(app, clock):
    return make_org()


@pytest.fixture
def hr(org):
    return make_user(org, email="hr@vik.test", roles=[Role.HR])


def test_a_unit_assignment_covers_its_sub_units_and_people_who_join_later(org, hr):
    health = make_unit(org, "Helse")
    north = make_unit(org, "Sykehjem Nord", health)
    make_user(org, email="anne@vik.test", unit=north)
    make_user(org, email="else@vik.test", unit=make_unit(org, "Skole"))
    _, people = services.assign(
        org, hr, target=Target.UNIT, unit=health, module_ids=["first-steps"], due_days=30
    )
    assert people == 1
    orgs.create_user(org, email="bo@vik.test", given_name="Bo", family_name="B", unit=north)
    moved = orgs.create_user(org, email="cai@vik.test", given_name="Cai", family_name="C")
    assert ("cai@vik.test", "first-steps", TODAY + timedelta(days=30)) not in rows()
    orgs.update_user(
        moved, email=moved.email, given_name="Cai", family_name="C", employee_number=None,
        unit=health, manager=None, locale=None, actor=hr,
    )  # fmt: skip
    assert rows() == [
        ("anne@vik.test", "first-steps", TODAY + timedelta(days=30)),
        ("bo@vik.test", "first-steps", TODAY + timedelta(days=30)),
        ("cai@vik.test", "first-steps", TODAY + timedelta(days=30)),
    ]


def test_assigning_twice_keeps_one_row_and_the_first_due_date(org, hr):
    anne = make_user(org, email="anne@vik.test")
    services.assign(org, hr, target=Target.PERSON, person=anne, module_ids=["first-steps"],
                    due_on=TODAY + timedelta(days=10))  # fmt: skip
    services.assign(org, hr, target=Target.PERSON, person=anne, module_ids=["first-steps"],
                    due_on=TODAY + timedelta(days=40))  # fmt: skip
    assert rows() == [("anne@vik.test", "first-steps", TODAY + timedelta(days=10))]


def test_removing_an_assignment_keeps_progress_and_what_another_assignment_covers(org, hr):
    unit = make_unit(org, "Helse")
    anne = make_user(org, email="anne@vik.test", unit=unit)
    module = current_course().module("first-steps")
    complete_lesson(anne, module, "welcome")
    first, _ = services.assign(org, hr, target=Target.PERSON, person=anne,
                               module_ids=["first-steps"], due_days=5)  # fmt: skip
    services.assign(org, hr, target=Target.UNIT, unit=unit, module_ids=["first-steps"], due_days=20)
    services.remove_assignment(first, hr)
    assert rows() == [("anne@vik.test", "first-steps", TODAY + timedelta(days=20))]
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 1
    [last] = db.session.scalars(select(Assignment)).all()
    services.remove_assignment(last, hr)
    assert rows() == []
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 1


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"due_on": TODAY - timedelta(days=1)}, services.DueInThePast),
        ({"due_on": TODAY, "due_days": 3}, services.DueMissing),
        ({"due_days": 0}, services.DueDaysOutOfRange),
        ({"due_days": 400}, services.DueDaysOutOfRange),
        ({"due_days": 3, "module_ids": []}, services.NoModules),
        ({"due_days": 3, "module_ids": ["nowhere"]}, services.UnknownModule),
    ],
    ids=["past", "both", "zero-days", "too-many-days", "no-modules", "unknown-module"],
)
def test_bad_assignments_are_refused_and_change_nothing(org, hr, change, problem):
    anne = make_user(org, email="anne@vik.test")
    values = {"module_ids": ["first-steps"], **change}
    with pytest.raises(problem):
        services.assign(org, hr, target=Target.PERSON, person=anne, **values)
    assert db.session.scalar(select(func.count()).select_from(Assignment)) == 0
    assert rows() == []


def test_a_manager_assigns_to_their_reports_only(org):
    boss = make_user(org, email="boss@vik.test", roles=[Role.MANAGER])
    lead = make_user(org, email="lead@vik.test", roles=[Role.MANAGER], manager=boss)
    nurse = make_user(org, email="nurse@vik.test", manager=lead)
    other = make_user(org, email="other@vik.test")
    services.assign(
        org, boss, target=Target.PERSON, person=nurse, module_ids=["first-steps"], due_days=7
    )  # fmt: skip  (a report's report)
    with pytest.raises(services.NotYourReport):
        services.assign(org, lead, target=Target.PERSON, person=other, module_ids=["first-steps"],
                        due_days=7)  # fmt: skip
    with pytest.raises(services.NotYourReport):
        services.assign(org, lead, target=Target.PERSON, person=boss, module_ids=["first-steps"],
                        due_days=7)  # fmt: skip
    with pytest.raises(services.NotYourReport):  # a learner assigns nothing
        services.assign(org, nurse, target=Target.PERSON, person=nurse,
                        module_ids=["first-steps"], due_days=7)  # fmt: skip
    assert rows() == [("nurse@vik.test", "first-steps", TODAY + timedelta(days=7))]


def test_another_organisations_person_or_unit_is_refused(org, hr):
    theirs = make_org(slug="dal", name="Dal kommune")
    with pytest.raises(services.NotYourReport):
        services.assign(org, hr, target=Target.PERSON, module_ids=["first-steps"], due_days=3,
                        person=make_user(theirs, email="kari@dal.test"))  # fmt: skip
    with pytest.raises(services.NotYourReport):
        services.assign(org, hr, target=Target.UNIT, module_ids=["first-steps"], due_days=3,
                        unit=make_unit(theirs, "Dal helse"))  # fmt: skip
    assert rows() == []


def test_a_rule_applies_to_those_who_match_now_on_import_and_on_a_role_grant(org, hr, clock):
    make_user(org, email="old-boss@vik.test", roles=[Role.MANAGER])
    assert services.preview(org, role=Role.MANAGER, unit=None) == 1
    services.assign(org, hr, target=Target.RULE, name="New managers", role=Role.MANAGER,
                    module_ids=["first-steps"], due_days=30)  # fmt: skip
    clock.advance(24 * 3600)
    orgs.apply_import(
        org,
        "employee_number;email;given_name;family_name;roles\r\n"
        "7;new-boss@vik.test;Åse;Ødegård;manager\r\n"
        "8;nurse@vik.test;Nils;Næss;\r\n".encode(),
        hr,
    )
    nurse = orgs.user_by_email("nurse@vik.test")
    clock.advance(24 * 3600)
    orgs.set_roles(nurse, [Role.LEARNER, Role.MANAGER], hr)
    assert rows() == [
        ("new-boss@vik.test", "first-steps", TODAY + timedelta(days=31)),
        ("nurse@vik.test", "first-steps", TODAY + timedelta(days=32)),
        ("old-boss@vik.test", "first-steps", TODAY + timedelta(days=30)),
    ]


def test_a_rule_needs_a_role_or_a_unit(org, hr):
    with pytest.raises(services.RuleNeedsACondition):
        services.assign(org, hr, target=Target.RULE, name="All", module_ids=["first-steps"],
                        due_days=3)  # fmt: skip


def test_the_reports_query_ends_even_when_the_data_holds_a_cycle(org):
    a = make_user(org, email="a@vik.test", roles=[Role.MANAGER])
    b = make_user(org, email="b@vik.test", manager=a)
    c = make_user(org, email="c@vik.test", manager=b)
    db.session.execute(User.__table__.update().where(User.id == a.id).values(manager_id=c.id))
    assert sorted(db.session.scalars(services.reports_of(a))) == sorted([b.id, c.id])


def test_the_learner_sees_assigned_modules_overdue_first_with_who_assigned_them(
    org, hr, client, login, clock
):
    anne = make_user(org, email="anne@vik.test", locale="en")
    hr.given_name, hr.family_name = "Hanne", "Hansen"
    services.assign(org, hr, target=Target.PERSON, person=anne, module_ids=["first-steps"],
                    due_on=TODAY + timedelta(days=1))  # fmt: skip
    login(anne)
    page = client.get("/").text
    assert "Assigned to you" in page
    assert "Due March 3, 2026 · assigned by Hanne Hansen" in page
    clock.advance(3 * 24 * 3600)
    login(anne)
    page = client.get("/").text
    assert "Overdue: was due March 3, 2026" in page
