"""Issuing certificates the moment the course is complete, once, and revoking them on erasure."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.certificates import services
from app.certificates.models import Certificate
from app.db import db
from app.demo import load_demo
from app.learning.models import Registration
from app.orgs.models import User
from app.orgs.services import erase_user
from tests.browser.conftest import ROOT
from tests.certificates.helpers import NAME, finish_course, pass_quiz, read_lessons
from tests.conftest import make_app
from tests.factories import make_org, make_user
from tests.helpers import running

FIRST_STEPS = {"nb": "Første steg", "sv": "Första stegen", "en": "First steps"}


def certificates() -> list[Certificate]:
    return list(db.session.scalars(select(Certificate).order_by(Certificate.id)))


def test_passing_the_quiz_after_the_lessons_issues_the_certificate_with_its_facts(app, clock):
    user = make_user(make_org(), given_name=NAME[0], family_name=NAME[1])
    read_lessons(user)
    assert certificates() == []
    clock.advance(600)
    pass_quiz(user)
    [certificate] = certificates()
    assert {
        "org_id": certificate.org_id,
        "user_id": certificate.user_id,
        "course_id": certificate.course_id,
        "course_version": certificate.course_version,
        "course_title": certificate.course_title,
        "modules": certificate.modules,
        "issued_at": certificate.issued_at,
        "revoked_at": certificate.revoked_at,
    } == {
        "org_id": user.org_id,
        "user_id": user.id,
        "course_id": "test-course",
        "course_version": 1,
        "course_title": {"nb": "Testkurs", "sv": "Testkurs", "en": "Test course"},
        "modules": [
            {
                "id": "first-steps",
                "version": 3,
                "title": FIRST_STEPS,
                "completed_at": "2026-03-02T08:10:00+00:00",
            }
        ],
        "issued_at": clock.now,
        "revoked_at": None,
    }
    assert re.fullmatch(r"[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{12}", certificate.code)
    assert services.holder_name(certificate) == "Åse Ærø Ødegård"


def test_the_last_lesson_done_after_a_passed_quiz_issues_it_too(app, clock):
    user = make_user(make_org())
    pass_quiz(user)
    assert certificates() == []
    clock.advance(60)
    read_lessons(user)
    [certificate] = certificates()
    assert certificate.issued_at == clock.now
    assert certificate.modules[0]["completed_at"] == clock.now.isoformat()


def test_passing_again_or_issuing_again_keeps_the_one_certificate(app, clock):
    user = make_user(make_org())
    finish_course(user)
    [first] = certificates()
    code, issued_at = first.code, first.issued_at
    clock.advance(3600)
    pass_quiz(user, token="again")
    again = services.issue_certificate(user)
    assert again.id == first.id
    assert (again.code, again.issued_at) == (code, issued_at)
    assert db.session.scalar(select(func.count()).select_from(Certificate)) == 1


def test_no_certificate_while_a_required_module_is_not_done(app):
    user = make_user(make_org())
    read_lessons(user)
    with pytest.raises(services.CourseNotCompleted):
        services.issue_certificate(user)
    assert certificates() == []
    assert services.certificate_of(user) is None
    assert services.has_finished(user) is False


def test_the_required_modules_are_the_courses_modules(app):
    user = make_user(make_org())
    assert [m.id for m in services.required_modules(user)] == ["first-steps"]


def test_a_learner_who_finished_before_certificates_existed_gets_one_on_asking(app, clock):
    user = make_user(make_org())
    finish_course(user)
    db.session.execute(Certificate.__table__.delete())  # as if completed before this release
    assert services.has_finished(user) is True
    clock.advance(86400)
    certificate = services.issue_certificate(user)
    registration = db.session.scalars(select(Registration)).one()
    assert certificate.issued_at == clock.now
    assert certificate.modules[0]["completed_at"] == registration.completed_at.isoformat()
    assert registration.completed_at == clock.now - timedelta(days=1)


def test_another_organisations_certificate_is_not_the_learners(app):
    theirs = make_user(make_org("dal", "Dal kommune"), email="outi@dal.test")
    finish_course(theirs)
    ours = make_user(make_org(), email="ola@vik.test")
    assert services.certificate_of(ours) is None
    assert services.has_finished(ours) is False
    assert services.certificate_of(theirs) is not None


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("ABCD-EFGH-JKMN", "ABCDEFGHJKMN"),
        ("abcd efgh jkmn", "ABCDEFGHJKMN"),
        (" abcdefghjkmn ", "ABCDEFGHJKMN"),
        ("ABCD-EFGH-JKM0", None),  # 0 is not in the alphabet (nor O, 1, I, L)
        ("ABCD-EFGH-JKMNP", None),
        ("ABCD", None),
        ("", None),
        ("ÆØÅÄÖ-EFGH-JKMN", None),
        ("x" * 10_000, None),
    ],
)
def test_codes_are_read_as_typed_and_anything_else_is_no_code(typed, stored):
    assert services.normalise_code(typed) == stored


def test_codes_are_shown_in_groups_of_four_and_differ():
    assert services.format_code("ABCDEFGHJKMN") == "ABCD-EFGH-JKMN"
    codes = {services.new_code() for _ in range(1000)}
    assert len(codes) == 1000
    assert all(services.normalise_code(code) == code for code in codes)


def test_erasing_the_person_revokes_their_certificate(app, clock):
    user = make_user(make_org())
    finish_course(user)
    [certificate] = certificates()
    code = certificate.code
    assert services.certificate_by_code(code) == certificate
    clock.advance(60)
    erase_user(user, None)
    db.session.expire_all()
    [certificate] = certificates()
    assert certificate.revoked_at == clock.now
    assert services.certificate_by_code(code) is None
    assert services.certificate_of(user) is None


def test_the_demo_has_one_colleague_with_a_certificate_and_a_learner_without(database):
    with running(make_app(database, content=ROOT)):  # the real course: four modules
        load_demo()
        db.session.commit()
        load_demo()  # again: still one certificate
        db.session.commit()
        [certificate] = certificates()
        assert certificate.user.email == "kari@demo.leda.test"
        assert services.holder_name(certificate) == "Kari Nordmann Ødegård"
        assert [m["id"] for m in certificate.modules] == [
            "welfare-role", "democratic-leadership", "relational-competence", "self-care"
        ]  # fmt: skip
        learner = db.session.scalar(select(User).where(User.email == "learner@demo.leda.test"))
        assert services.has_finished(learner) is False
        assert services.certificate_of(learner) is None
