"""Every kind of statement, checked by ralph's xAPI models and against exact values."""

import uuid
from datetime import UTC, datetime, timedelta, timezone

import pytest
from flask import Flask
from sqlalchemy import select

import app.xapi.statements as xapi
from app.certificates.models import Certificate
from app.content import current_course
from app.db import db
from app.learning import services as learning
from app.learning.models import LessonProgress, Registration
from app.orgs import services as orgs
from app.orgs.models import User
from app.quiz.models import QuizAnswer, QuizAttempt
from app.quiz.services import submit_attempt
from app.xapi.statements import Kind, registration_id, statement_id
from tests.factories import make_org, make_user
from tests.xapi.helpers import PASSING, export, work_through

HOME = "https://vik.kommune.no"
ACTIVITIES = f"{HOME}/xapi/activities"
VERBS = "http://adlnet.gov/expapi/verbs"
TYPES = "http://adlnet.gov/expapi/activities"
COURSE = {
    "objectType": "Activity",
    "id": f"{ACTIVITIES}/course/test-course",
    "definition": {
        "type": f"{TYPES}/course",
        "name": {"nb-NO": "Testkurs", "sv-SE": "Testkurs", "en": "Test course"},
    },
}
MODULE = {
    "objectType": "Activity",
    "id": f"{ACTIVITIES}/module/first-steps",
    "definition": {
        "type": f"{TYPES}/module",
        "name": {"nb-NO": "Første steg", "sv-SE": "Första stegen", "en": "First steps"},
    },
}


@pytest.fixture
def learner(app: Flask) -> User:
    org = make_org()
    org.home_page = HOME + "/"  # a trailing slash is not doubled in the IRIs
    return make_user(org, email="kari@vik.kommune.no", locale="sv")


def _verb(name: str) -> dict:
    return {"id": f"{VERBS}/{name}", "display": {"en-US": name}}


def _context(user: User, grouped: bool = True) -> dict:
    activities = {"parent": [COURSE], **({"grouping": [MODULE]} if grouped else {})}
    return {
        "platform": "Leda",
        "language": "sv-SE",
        "registration": registration_id(user.xapi_id, "first-steps", 3),
        "revision": "3",
        "contextActivities": activities,
    }


def _ids(model: type, *where: object) -> list[int]:
    return list(db.session.scalars(select(model.id).where(*where).order_by(model.id)))


def test_every_kind_of_event_is_one_valid_statement_with_exact_values(learner, clock):
    work_through(learner, clock)

    statements = export(learner.organisation)

    actor = {"objectType": "Agent", "account": {"homePage": HOME, "name": learner.xapi_id}}
    assert all(s["actor"] == actor for s in statements)
    assert all(s["version"] == "1.0.3" and "stored" not in s for s in statements)
    assert [(s["verb"]["id"].rpartition("/")[2], s["timestamp"]) for s in statements] == [
        ("experienced", "2026-03-02T08:01:00.000Z"),
        ("experienced", "2026-03-02T08:02:00.000Z"),
        ("answered", "2026-03-02T08:05:00.000Z"),
        ("answered", "2026-03-02T08:05:00.000Z"),
        ("answered", "2026-03-02T08:05:00.000Z"),
        ("answered", "2026-03-02T08:10:00.000Z"),
        ("answered", "2026-03-02T08:10:00.000Z"),
        ("answered", "2026-03-02T08:10:00.000Z"),
        ("failed", "2026-03-02T08:05:00.000Z"),
        ("passed", "2026-03-02T08:10:00.000Z"),
        ("completed", "2026-03-02T08:10:00.000Z"),
        ("completed", "2026-03-02T08:10:00.000Z"),
    ]
    lessons = _ids(LessonProgress)
    answers = _ids(QuizAnswer)
    failed, passed = _ids(QuizAttempt)
    [registration] = _ids(Registration)
    [certificate] = _ids(Certificate)

    assert statements[0] == {
        "id": statement_id(Kind.LESSON, lessons[0], learner.xapi_id),
        "actor": actor,
        "verb": _verb("experienced"),
        "object": {
            "objectType": "Activity",
            "id": f"{ACTIVITIES}/module/first-steps/lesson/welcome",
            "definition": {
                "type": f"{TYPES}/lesson",
                "name": {"nb-NO": "Velkommen", "sv-SE": "Välkommen", "en": "Welcome"},
            },
        },
        "result": {"completion": True},
        "context": _context(learner),
        "timestamp": "2026-03-02T08:01:00.000Z",
        "version": "1.0.3",
    }
    assert statements[1]["result"] == {"completion": True}
    # a wrong answer in the failed attempt: the option id chosen, never its text
    assert statements[2] == {
        "id": statement_id(Kind.ANSWER, answers[0], learner.xapi_id),
        "actor": actor,
        "verb": _verb("answered"),
        "object": {
            "objectType": "Activity",
            "id": f"{ACTIVITIES}/module/first-steps/question/capital",
            "definition": {
                "type": f"{TYPES}/cmi.interaction",
                "name": {
                    "nb-NO": "Hva er hovedstaden i Norge?",
                    "sv-SE": "Vad är Norges huvudstad?",
                    "en": "What is the capital of Norway?",
                },
                "interactionType": "choice",
                "choices": [
                    {"id": "oslo", "description": {"nb-NO": "Oslo", "sv-SE": "Oslo", "en": "Oslo"}},
                    {
                        "id": "bergen",
                        "description": {"nb-NO": "Bergen", "sv-SE": "Bergen", "en": "Bergen"},
                    },
                ],
            },
        },
        "result": {"success": False, "response": "bergen"},
        "context": _context(learner),
        "timestamp": "2026-03-02T08:05:00.000Z",
        "version": "1.0.3",
    }
    # several options: xAPI's "[,]" between ids; true/false: the option id is the response
    assert [
        (s["result"], s["object"]["definition"]["interactionType"]) for s in statements[3:8]
    ] == [
        ({"success": True, "response": "iceland[,]sweden"}, "choice"),
        ({"success": True, "response": "true"}, "true-false"),
        ({"success": True, "response": "oslo"}, "choice"),
        ({"success": True, "response": "iceland[,]sweden"}, "choice"),
        ({"success": True, "response": "true"}, "true-false"),
    ]
    assert [s["id"] for s in statements[2:8]] == [
        statement_id(Kind.ANSWER, a, learner.xapi_id) for a in answers
    ]
    assert statements[8] == {
        "id": statement_id(Kind.ATTEMPT, failed, learner.xapi_id),
        "actor": actor,
        "verb": _verb("failed"),
        "object": MODULE,
        "result": {"score": {"scaled": 0.75, "raw": 3, "min": 0, "max": 4}, "success": False},
        "context": _context(learner, grouped=False),
        "timestamp": "2026-03-02T08:05:00.000Z",
        "version": "1.0.3",
    }
    assert (statements[9]["id"], statements[9]["verb"], statements[9]["result"]) == (
        statement_id(Kind.ATTEMPT, passed, learner.xapi_id),
        _verb("passed"),
        {"score": {"scaled": 1.0, "raw": 4, "min": 0, "max": 4}, "success": True},
    )
    assert statements[10] == {
        "id": statement_id(Kind.MODULE, registration, learner.xapi_id),
        "actor": actor,
        "verb": _verb("completed"),
        "object": MODULE,
        "result": {"success": True, "completion": True},
        "context": _context(learner, grouped=False),
        "timestamp": "2026-03-02T08:10:00.000Z",
        "version": "1.0.3",
    }
    assert statements[11] == {
        "id": statement_id(Kind.COURSE, certificate, learner.xapi_id),
        "actor": actor,
        "verb": _verb("completed"),
        "object": COURSE,
        "result": {"success": True, "completion": True},
        "context": {"platform": "Leda", "language": "sv-SE", "revision": "1"},
        "timestamp": "2026-03-02T08:10:00.000Z",
        "version": "1.0.3",
    }


def test_an_event_keeps_its_statement_and_id_whatever_happens_later(learner, clock):
    work_through(learner, clock)
    first = export(learner.organisation)
    module = current_course().modules[0]
    clock.advance(200)  # back to lessons done (more time on task), another attempt
    learning.record_visit(learner, module, "welcome")
    clock.advance(100)
    learning.record_visit(learner, module, "practice")
    submit_attempt(learner, module, "again", module.version, PASSING)
    other = make_user(learner.organisation, email="per@vik.kommune.no")
    work_through(other, clock)

    second = export(learner.organisation)

    ids = [s["id"] for s in first]
    assert len(set(ids)) == 12
    assert {uuid.UUID(i).version for i in ids} == {5}
    mine = [s for s in second if s["actor"]["account"]["name"] == learner.xapi_id]
    assert [s for s in mine if s["id"] in ids] == first
    assert len(mine) == 12 + 4  # the new attempt: three answers and a pass
    assert len(second) == 28 and len({s["id"] for s in second}) == 28


def test_the_account_name_is_random_and_kept_not_the_persons_id_or_email(app, clock):
    org = make_org()
    made = orgs.create_user(org, email="kari@vik.kommune.no", given_name="Kari", family_name="Li")
    other = make_user(org, email="per@vik.kommune.no")
    work_through(made, clock)
    db.session.commit()
    db.session.expire_all()

    names = {s["actor"]["account"]["name"] for s in export(org)}

    assert names == {made.xapi_id}
    assert uuid.UUID(made.xapi_id).version == 4
    assert made.xapi_id != other.xapi_id
    assert "kari" not in made.xapi_id and str(made.id) != made.xapi_id


def test_an_organisation_that_opts_in_names_learners_by_email(learner, clock):
    learner.organisation.xapi_email_enabled = True
    work_through(learner, clock)

    statements = export(learner.organisation)

    assert len(statements) == 12
    assert all(
        s["actor"] == {"objectType": "Agent", "mbox": "mailto:kari@vik.kommune.no"}
        for s in statements
    )


def test_erased_people_never_appear(learner, clock):
    other = make_user(learner.organisation, email="per@vik.kommune.no", locale="en")
    work_through(learner, clock)
    work_through(other, clock)
    orgs.erase_user(learner, None)

    statements = export(learner.organisation)

    assert {s["actor"]["account"]["name"] for s in statements} == {other.xapi_id}
    assert len(statements) == 12
    assert {s["context"]["language"] for s in statements} == {"en"}


def test_another_organisations_learners_are_not_in_the_export(learner, clock):
    dal = make_org(slug="dal", name="Dal kommune")
    work_through(make_user(dal, email="ola@dal.kommune.no"), clock)

    assert export(learner.organisation) == []
    assert len(export(dal)) == 12


def test_without_a_home_page_the_ids_live_under_ledas_address(app, clock):
    app.config["LEDA_BASE_URL"] = "https://leda.example.org/"
    org = make_org(default_locale="nb")
    user = make_user(org, email="ola@vik.kommune.no")  # no language of their own: the org's
    work_through(user, clock)

    statement = export(org)[0]

    assert statement["actor"]["account"]["homePage"] == "https://leda.example.org"
    assert statement["object"]["id"] == (
        "https://leda.example.org/xapi/activities/module/first-steps/lesson/welcome"
    )
    assert statement["context"]["language"] == "nb-NO"


def test_since_keeps_the_events_at_or_after_it(learner, clock):
    work_through(learner, clock)
    oslo = timezone(timedelta(hours=1))

    later = export(learner.organisation, datetime(2026, 3, 2, 9, 10, tzinfo=oslo))

    assert [s["verb"]["display"]["en-US"] for s in later] == [
        "answered",
        "answered",
        "answered",
        "passed",
        "completed",
        "completed",
    ]
    assert export(learner.organisation, datetime(2026, 3, 2, 8, 10, 1, tzinfo=UTC)) == []
    assert len(export(learner.organisation, datetime(2026, 3, 2, 8, 2, tzinfo=UTC))) == 11


def test_batches_give_the_same_export_as_one_read(learner, clock, monkeypatch):
    work_through(learner, clock)
    whole = export(learner.organisation)
    monkeypatch.setattr(xapi, "BATCH_SIZE", 2)

    assert export(learner.organisation) == whole
