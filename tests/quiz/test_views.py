"""The quiz pages: bad posts change nothing, options keep their attempt's order."""

import re

import pytest
from sqlalchemy import func, select

from app.content import current_course
from app.db import db
from app.learning.models import Registration
from app.quiz.models import QuizAnswer, QuizAttempt
from app.quiz.services import options_in_order
from tests.factories import make_org, make_user
from tests.helpers import form_value

PASSING = {"q-capital": "oslo", "q-nordic": ["sweden", "iceland"], "q-water": "true"}


def quiz_page(client) -> dict:
    page = client.get("/modules/first-steps/quiz").text
    return {
        "token": form_value(page, "token"),
        "module_version": form_value(page, "module_version"),
    }


def counts() -> tuple[int, int, int]:
    return tuple(
        db.session.scalar(select(func.count()).select_from(model))
        for model in (QuizAttempt, QuizAnswer, Registration)
    )


@pytest.fixture
def learner(client, login):
    user = make_user(make_org(), locale="en")
    login(user)
    return user


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ({**PASSING, "q-capital": ""}, "Answer this question."),
        ({k: v for k, v in PASSING.items() if k != "q-nordic"}, "Answer this question."),
        ({**PASSING, "q-capital": "stockholm"}, "Not a valid choice."),
        (
            {**PASSING, "q-nordic": ["sweden", "atlantis"]},
            "&#39;atlantis&#39; is not a valid choice",
        ),
        (
            {**PASSING, "q-mystery": "a"},
            "Some answers belong to questions that are not in this quiz.",
        ),
    ],
    ids=["empty", "missing", "unknown-option", "unknown-multiple-option", "unknown-question"],
)
def test_bad_answers_are_refused_with_a_message_and_nothing_changes(
    client, learner, answers, message
):
    form = quiz_page(client)
    before = counts()
    response = client.post("/modules/first-steps/quiz", data={**form, **answers})
    assert response.status_code == 400
    assert message in response.text
    assert 'class="error-summary"' in response.text
    assert counts() == before


def test_a_double_submit_is_refused_and_changes_nothing(client, learner):
    form = quiz_page(client)
    first = client.post("/modules/first-steps/quiz", data={**form, **PASSING})
    assert first.status_code == 302
    before = counts()
    second = client.post("/modules/first-steps/quiz", data={**form, **PASSING})
    assert second.status_code == 409
    assert "These answers were already submitted." in second.text
    assert counts() == before
    assert db.session.scalars(select(Registration)).one().attempts == 1


def test_an_old_module_version_is_refused(client, learner):
    form = {**quiz_page(client), "module_version": "2"}
    before = counts()
    response = client.post("/modules/first-steps/quiz", data={**form, **PASSING})
    assert response.status_code == 409
    assert "This module changed while you were answering." in response.text
    assert counts() == before


def test_a_forged_token_is_refused(client, learner):
    form = {**quiz_page(client), "token": "not-a-uuid"}
    response = client.post("/modules/first-steps/quiz", data={**form, **PASSING})
    assert response.status_code == 400
    assert "This form is not valid. Please reload the quiz." in response.text


def test_another_learners_token_and_attempt_are_out_of_reach(client, login):
    org = make_org()
    first = make_user(org, email="first@vik.test", locale="en")
    second = make_user(org, email="second@vik.test", locale="en")
    login(first)
    form = quiz_page(client)
    result = client.post("/modules/first-steps/quiz", data={**form, **PASSING}).headers["Location"]
    client.post("/logout")
    login(second)
    assert client.get(result).status_code == 404
    before = counts()
    response = client.post("/modules/first-steps/quiz", data={**form, **PASSING})
    assert response.status_code == 409
    assert counts() == before


def test_another_organisations_attempt_is_a_404(client, login):
    mine = make_user(make_org(), locale="en")
    theirs = make_user(make_org(slug="dal", name="Dal kommune"), email="kari@dal.test")
    attempt = QuizAttempt(
        org_id=theirs.org_id,
        token="5f0c1a52-2b7a-4b8e-9d0e-2a1d7c1b9f10",
        user_id=theirs.id,
        module_id="first-steps",
        module_version=3,
        score_raw=4,
        score_max=4,
        passed=True,
        submitted_at=__import__("app.db").db.utcnow(),
    )
    db.session.add(attempt)
    login(mine)
    assert client.get(f"/modules/first-steps/quiz/attempts/{attempt.id}").status_code == 404


def shown_options(html: str, question_id: str) -> list[str]:
    """The option ids of a question in the order the quiz page shows them."""
    return re.findall(rf'name="q-{question_id}"[^>]*value="([^"]*)"', html)


def reviewed_options(html: str, question_id: str) -> list[str]:
    """The option ids of a question in the order the result page reviews them."""
    return re.findall(rf'id="fb-{question_id}-([^"]+)"', html)


def test_the_result_page_reviews_the_options_in_the_order_the_quiz_showed_them(client, learner):
    page = client.get("/modules/first-steps/quiz").text
    token = form_value(page, "token")
    module = current_course().module("first-steps")
    expected = {q.id: [o.id for o in options_in_order(q, token)] for q in module.questions}
    assert {q: shown_options(page, q) for q in expected} == expected
    form = {"token": token, "module_version": form_value(page, "module_version")}
    submitted = client.post("/modules/first-steps/quiz", data={**form, **PASSING})
    result = client.get(submitted.headers["Location"]).text
    assert {q: reviewed_options(result, q) for q in expected} == expected


def test_a_refused_post_shows_the_options_in_the_order_of_its_token(client, learner):
    form = {**quiz_page(client), "token": "3b2d8e0c-6a4f-4f7e-8c1d-9e5b7a2c4d61"}
    response = client.post("/modules/first-steps/quiz", data={**form, **PASSING, "q-capital": ""})
    assert response.status_code == 400
    assert shown_options(response.text, "capital") == ["bergen", "oslo"]
    assert shown_options(response.text, "nordic") == ["iceland", "sweden", "spain"]
    assert shown_options(response.text, "water") == ["true", "false"]
