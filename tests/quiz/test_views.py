"""The quiz pages: bad posts change nothing, options keep their attempt's order, a retake
draws other variants, a failed attempt's page gives no key away."""

import re

import pytest
from sqlalchemy import func, select

from app.content import current_course
from app.db import db
from app.learning.models import Registration
from app.quiz.models import QuizAnswer, QuizAttempt
from app.quiz.services import sign_draw
from tests.factories import make_org, make_user
from tests.helpers import drawn_questions, form_value, quiz_answers

# A signed draw of the first variant of each pool, made in the test: the tests below that need
# to know the questions use it, as the page would have sent it.
FIRST_VARIANTS = ["capital", "nordic", "water"]
PASSING = {"q-capital": "oslo", "q-nordic": ["sweden", "iceland"], "q-water": "true"}
TOKEN = "3b2d8e0c-6a4f-4f7e-8c1d-9e5b7a2c4d61"


def quiz_page(client, token: str = TOKEN) -> dict:
    """The hidden fields of a quiz page, with a draw of the first variants under ``token``."""
    page = client.get("/modules/first-steps/quiz").text
    module = current_course().module("first-steps")
    questions = [module.question(q) for q in FIRST_VARIANTS]
    return {
        "draw": sign_draw(token, questions),
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


def test_a_double_submit_shows_the_stored_result_and_stores_nothing_more(client, learner):
    form = quiz_page(client)
    first = client.post("/modules/first-steps/quiz", data={**form, **PASSING})
    assert first.status_code == 303
    before = counts()
    # back, change an answer, submit again: the same attempt, unchanged
    second = client.post("/modules/first-steps/quiz", data={**form, **PASSING, "q-water": "false"})
    assert (second.status_code, second.headers["Location"]) == (303, first.headers["Location"])
    assert counts() == before
    assert db.session.scalars(select(Registration)).one().attempts == 1
    assert db.session.scalars(select(QuizAttempt)).one().score_raw == 4


# "²" and 5,000 digits pass str.isdigit but not int(): found by tests/test_forms_fuzz.py (a 500)
@pytest.mark.parametrize("version", ["2", "x", "²", "３", "9" * 5000])
def test_an_old_module_version_is_refused(client, learner, version):
    form = {**quiz_page(client), "module_version": version}
    before = counts()
    response = client.post("/modules/first-steps/quiz", data={**form, **PASSING})
    assert response.status_code == 409
    assert "This module changed while you were answering." in response.text
    assert counts() == before


@pytest.mark.parametrize(
    "draw",
    ["not-signed", "bad-signature", "", "WyJ4IiwgWyJjYXBpdGFsIl1d.abc"],
    ids=["unsigned", "bad-signature", "empty", "forged"],
)
def test_a_forged_draw_is_refused_with_a_fresh_quiz(client, learner, draw):
    form = quiz_page(client)
    form["draw"] = form["draw"][:-2] + "xx" if draw == "bad-signature" else draw
    before = counts()
    response = client.post("/modules/first-steps/quiz", data={**form, **PASSING})
    assert response.status_code == 400
    assert "This form is not valid. Please answer the quiz again." in response.text
    assert len(drawn_questions(response.text)) == 3
    assert counts() == before


def test_a_signed_draw_that_does_not_fit_the_pools_is_refused(client, learner):
    module = current_course().module("first-steps")
    two_capitals = [module.question(q) for q in ("capital", "capital-sweden", "water")]
    form = {**quiz_page(client), "draw": sign_draw(TOKEN, two_capitals)}
    response = client.post("/modules/first-steps/quiz", data={**form, **PASSING})
    assert response.status_code == 400
    assert "This form is not valid. Please answer the quiz again." in response.text


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


def test_two_attempts_show_their_own_order_and_the_result_page_the_same(client, learner):
    module = current_course().module("first-steps")
    pages = [client.get("/modules/first-steps/quiz").text for _ in range(2)]
    orders = [{q: shown_options(page, q) for q in drawn_questions(page)} for page in pages]
    assert orders[0] != orders[1]
    submitted = client.post("/modules/first-steps/quiz", data=quiz_answers(pages[0]))
    result = client.get(submitted.headers["Location"]).text
    assert {q: reviewed_options(result, q) for q in orders[0]} == orders[0]
    for question_id, shown in orders[0].items():
        question = module.question(question_id)
        assert sorted(shown) == sorted(o.id for o in question.options)


def test_a_refused_post_shows_the_options_in_the_order_of_its_token(client, learner):
    form = quiz_page(client)
    response = client.post("/modules/first-steps/quiz", data={**form, **PASSING, "q-capital": ""})
    assert response.status_code == 400
    assert shown_options(response.text, "capital") == ["bergen", "oslo"]
    assert shown_options(response.text, "nordic") == ["iceland", "sweden", "spain"]
    assert shown_options(response.text, "water") == ["true", "false"]
    assert "Question 1: Answer this question." in response.text


def test_a_retake_draws_the_variants_not_seen_yet(client, learner):
    first = client.get("/modules/first-steps/quiz").text
    client.post("/modules/first-steps/quiz", data=quiz_answers(first, wrong=("capital",)))
    second = client.get("/modules/first-steps/quiz").text
    module = current_course().module("first-steps")
    assert {module.question(q).pool_id for q in drawn_questions(second)} == {
        "capital",
        "nordic",
        "water",
    }
    assert set(drawn_questions(first)).isdisjoint(drawn_questions(second))


def test_a_failed_attempts_page_marks_only_the_chosen_options(client, learner):
    form = quiz_page(client)
    answers = {**PASSING, "q-capital": "bergen", "sure-capital": "sure"}
    submitted = client.post("/modules/first-steps/quiz", data={**form, **answers})
    result = client.get(submitted.headers["Location"]).text
    assert reviewed_options(result, "capital") == ["bergen"]
    assert reviewed_options(result, "nordic") == ["iceland", "sweden"]
    assert reviewed_options(result, "water") == ["true"]
    assert "A right answer." not in result and "Not a right answer." not in result
    assert 'id="fb-capital-oslo"' not in result and "Oslo" not in result
    assert '<span aria-hidden="true">✗</span> Not passed yet.' in result
    assert "Review the lesson Practice" in result
    # the confident mistake comes first, and the stored answer remembers it
    assert result.index('id="fb-capital"') < result.index('id="fb-nordic"')
    assert db.session.scalars(select(QuizAnswer.sure).order_by(QuizAnswer.position)).all() == [
        True,
        None,
        None,
    ]


def test_a_passed_attempts_page_reviews_every_option_with_the_key(client, learner):
    submitted = client.post("/modules/first-steps/quiz", data={**quiz_page(client), **PASSING})
    result = client.get(submitted.headers["Location"]).text
    assert reviewed_options(result, "capital") == ["bergen", "oslo"]
    assert result.count("✓ A right answer.") == 4  # oslo, sweden, iceland, true
    assert result.count("✗ Not a right answer.") == 3


@pytest.mark.parametrize("attempt", ["abc", "0", "-1", "99999999999", "1.5"])
def test_an_attempt_id_that_is_not_a_row_id_is_a_404(client, learner, attempt):
    assert client.get(f"/modules/first-steps/quiz/attempts/{attempt}").status_code == 404
