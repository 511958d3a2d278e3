"""The learner's path through the test client, from login to a passed module."""

from datetime import timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from app.db import db
from app.learning.models import CompletionStatus, LessonProgress, Registration, SuccessStatus
from app.quiz.models import QuizAnswer, QuizAttempt
from tests.factories import make_org, make_user
from tests.helpers import POOL_OF, RIGHT_ANSWERS, WRONG_ANSWERS, open_page, quiz_answers

PASSING: tuple[str, ...] = ()  # no pool answered wrong
FAILING = ("capital",)


def take_quiz(client: FlaskClient, wrong: tuple[str, ...], clock=None, seconds: int = 60) -> str:
    """Open the quiz, answer for ``seconds`` (wrong in the pools named), submit; returns the
    result page's address."""
    page = open_page(client, "/modules/first-steps/quiz").text
    if clock is not None:
        clock.advance(seconds)
    response = client.post("/modules/first-steps/quiz", data=quiz_answers(page, wrong))
    assert response.status_code == 303, response.text
    return response.headers["Location"]


def test_learner_passes_a_module_and_every_registration_field_is_exact(client, login, clock):
    org = make_org()
    user = make_user(org, locale="en")
    login(user)
    start = clock.now

    assert open_page(client, "/modules/first-steps/lessons/welcome").status_code == 200
    clock.advance(120)
    response = client.post("/modules/first-steps/lessons/welcome/done")
    assert response.headers["Location"] == "/modules/first-steps/lessons/practice"
    clock.advance(5)
    open_page(client, "/modules/first-steps/lessons/practice")
    clock.advance(3600)  # an hour with the tab open counts as five minutes
    response = client.post("/modules/first-steps/lessons/practice/done")
    assert response.headers["Location"] == "/modules/first-steps/quiz"

    clock.advance(60)
    take_quiz(client, FAILING, clock)
    failed_at = clock.now
    clock.advance(60)
    registration = db.session.scalars(select(Registration)).one()
    assert (registration.success_status, registration.attempts, registration.score_raw) == (
        SuccessStatus.FAILED,
        1,
        3,
    )
    assert registration.completed_at is None
    assert failed_at == start + timedelta(seconds=3845)

    location = take_quiz(client, PASSING, clock)
    passed_at = clock.now
    attempts = db.session.scalars(select(QuizAttempt).order_by(QuizAttempt.id)).all()
    assert location == f"/modules/first-steps/quiz/attempts/{attempts[1].id}"

    db.session.expire_all()
    registration = db.session.scalars(select(Registration)).one()
    assert {
        "org_id": registration.org_id,
        "user_id": registration.user_id,
        "module_id": registration.module_id,
        "module_version": registration.module_version,
        "completion_status": registration.completion_status,
        "success_status": registration.success_status,
        "score_raw": registration.score_raw,
        "score_min": registration.score_min,
        "score_max": registration.score_max,
        "score_scaled": registration.score_scaled,
        "attempts": registration.attempts,
        "first_access": registration.first_access,
        "last_access": registration.last_access,
        "completed_at": registration.completed_at,
        "total_time": registration.total_time,
        "location": registration.location,
        "lesson_status": registration.lesson_status,
    } == {
        "org_id": org.id,
        "user_id": user.id,
        "module_id": "first-steps",
        "module_version": 3,
        "completion_status": CompletionStatus.COMPLETED,
        "success_status": SuccessStatus.PASSED,
        "score_raw": 4,
        "score_min": 0,
        "score_max": 4,
        "score_scaled": 1.0,
        "attempts": 2,
        "first_access": start,
        "last_access": passed_at,
        "completed_at": passed_at,
        "total_time": 120 + 5 + 300 + 60 + 60 + 60 + 60,
        "location": "practice",
        "lesson_status": "passed",
    }
    assert passed_at == start + timedelta(seconds=3965)

    lessons = {p.lesson_id: p for p in db.session.scalars(select(LessonProgress))}
    assert {k: (p.viewed_at, p.completed_at, p.time_spent) for k, p in lessons.items()} == {
        "welcome": (start, start + timedelta(seconds=120), 125),
        "practice": (
            start + timedelta(seconds=125),
            start + timedelta(seconds=3725),
            300 + 60 + 60 + 60 + 60,
        ),
    }

    answers = db.session.scalars(select(QuizAnswer).order_by(QuizAnswer.id)).all()
    # one question of each pool, and the retake the other variant of each
    first, second = [[a for a in answers if a.attempt_id == at.id] for at in attempts]
    assert [POOL_OF[a.question_id] for a in first] == ["capital", "nordic", "water"]
    assert [POOL_OF[a.question_id] for a in second] == ["capital", "nordic", "water"]
    assert {a.question_id for a in first}.isdisjoint(a.question_id for a in second)
    assert [(a.option_ids, a.is_correct) for a in first + second] == [
        (WRONG_ANSWERS[first[0].question_id], False),
        (RIGHT_ANSWERS[first[1].question_id], True),
        (RIGHT_ANSWERS[first[2].question_id], True),
        (RIGHT_ANSWERS[second[0].question_id], True),
        (RIGHT_ANSWERS[second[1].question_id], True),
        (RIGHT_ANSWERS[second[2].question_id], True),
    ]

    result = client.get(location).text
    assert "Passed." in result
    assert "You scored 4 of 4 points (100 %). The pass mark is 80 %." in result
    right, wrong = (
        ("Right, Oslo is the capital.", "No, Bergen is the second largest city.")
        if second[0].question_id == "capital"
        else ("Right, Stockholm is the capital.", "No, Gothenburg is the second largest city.")
    )
    assert right in result  # feedback on the chosen option
    assert wrong in result  # and on the others
    dashboard = client.get("/").text
    assert "1 of 1 module passed" in dashboard


def test_a_failed_quiz_shows_why_and_offers_a_retake(client, login, clock):
    user = make_user(make_org(), locale="en")
    login(user)
    location = take_quiz(client, FAILING)
    page = client.get(location).text
    assert "Not passed yet." in page
    assert "You scored 3 of 4 points (75 %). The pass mark is 80 %." in page
    assert 'href="/modules/first-steps/quiz">Try again</a>' in page
    registration = db.session.scalars(select(Registration)).one()
    assert (registration.completion_status, registration.success_status) == (
        CompletionStatus.INCOMPLETE,
        SuccessStatus.FAILED,
    )


def test_marking_a_lesson_done_twice_keeps_the_first_time(client, login, clock):
    user = make_user(make_org())
    login(user)
    first = clock.now
    client.post("/modules/first-steps/lessons/welcome/done")
    clock.advance(30)
    client.post("/modules/first-steps/lessons/welcome/done")
    progress = db.session.scalars(select(LessonProgress)).one()
    assert (progress.completed_at, progress.time_spent) == (first, 30)


def test_reflection_is_saved_and_shown_only_to_its_author(client, login, clock):
    org = make_org()
    author = make_user(org, email="a@vik.test", locale="en")
    other = make_user(org, email="b@vik.test", locale="en")
    login(author)
    response = client.post(
        "/modules/first-steps/lessons/welcome/reflection", data={"text": "Mitt private svar"}
    )
    assert response.headers["Location"] == "/modules/first-steps/lessons/welcome#reflection"
    assert "Mitt private svar" in open_page(client, "/modules/first-steps/lessons/welcome").text
    client.post("/logout")
    login(other)
    assert "Mitt private svar" not in open_page(client, "/modules/first-steps/lessons/welcome").text


def test_a_too_long_reflection_is_refused_and_nothing_is_saved(client, login):
    login(make_user(make_org(), locale="en"))
    response = client.post(
        "/modules/first-steps/lessons/welcome/reflection", data={"text": "x" * 5001}
    )
    assert response.status_code == 400
    assert "Keep it under 5000 characters." in response.text
    from app.learning.models import Reflection

    assert db.session.scalars(select(Reflection)).all() == []


def test_unknown_module_and_lesson_are_404_pages_in_the_users_language(client, login):
    login(make_user(make_org(), locale="en"))
    for url in ("/modules/nope", "/modules/first-steps/lessons/nope", "/modules/nope/quiz"):
        response = client.get(url)
        assert response.status_code == 404
        assert "<h1>Page not found</h1>" in response.text


@pytest.mark.parametrize(
    ("completion", "success", "lesson_status"),
    [
        (CompletionStatus.NOT_ATTEMPTED, SuccessStatus.UNKNOWN, "not attempted"),
        (CompletionStatus.INCOMPLETE, SuccessStatus.UNKNOWN, "incomplete"),
        (CompletionStatus.INCOMPLETE, SuccessStatus.PASSED, "incomplete"),  # quiz only: not done
        (CompletionStatus.INCOMPLETE, SuccessStatus.FAILED, "failed"),
        (CompletionStatus.COMPLETED, SuccessStatus.UNKNOWN, "completed"),
        (CompletionStatus.COMPLETED, SuccessStatus.FAILED, "failed"),
        (CompletionStatus.COMPLETED, SuccessStatus.PASSED, "passed"),
    ],
)
def test_scorm_12_status_is_passed_only_when_read_and_passed(completion, success, lesson_status):
    registration = Registration(completion_status=completion, success_status=success)
    assert registration.lesson_status == lesson_status


def test_a_lesson_asks_for_the_reflection_before_the_action_to_try(client, login):
    """Reflect first, then decide what to try (the pedagogy review's page order)."""
    login(make_user(make_org(), locale="en"))
    page = client.get("/modules/first-steps/lessons/welcome").text
    headings = [h for h in ("Key takeaway", "Reflect", "Try this at work") if f">{h}</h2>" in page]
    assert headings == ["Key takeaway", "Reflect", "Try this at work"]
    assert page.index(">Key takeaway</h2>") < page.index(">Reflect</h2>")
    assert page.index(">Reflect</h2>") < page.index(">Try this at work</h2>")
