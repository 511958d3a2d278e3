import random
import uuid
from pathlib import Path

import pytest

from app.content import check_content, current_course
from app.content.models import Module
from app.db import db
from app.quiz.pools import AnswersDoNotFit, draw, options_in_order, seen_questions
from app.quiz.services import review, score, submit_attempt
from tests.factories import make_org, make_user

RIGHT = {"capital": ["oslo"], "nordic": ["iceland", "sweden"], "water": ["true"]}


@pytest.fixture
def module(app):
    return current_course().module("first-steps")


@pytest.mark.parametrize(
    ("answers", "raw", "passed"),
    [
        (RIGHT, 4, True),
        ({**RIGHT, "water": ["false"]}, 3, False),
        ({**RIGHT, "nordic": ["sweden"]}, 2, False),  # a partly right multiple choice scores 0
        ({**RIGHT, "nordic": ["iceland", "spain", "sweden"]}, 2, False),
        ({"capital": ["bergen"], "nordic": ["spain"], "water": ["false"]}, 0, False),
    ],
)
def test_score_counts_points_only_for_exactly_right_answers(module, answers, raw, passed):
    result = score(module, answers)
    assert (result.raw, result.max, result.passed) == (raw, 4, passed)


@pytest.mark.parametrize(
    "answers",
    [
        {"capital": ["oslo"], "nordic": ["sweden"]},
        {**RIGHT, "extra": ["x"]},
        {**RIGHT, "capital": []},
        {**RIGHT, "capital": ["oslo", "bergen"]},
        {**RIGHT, "nordic": ["sweden", "sweden"]},
        {**RIGHT, "water": ["maybe"]},
        {**RIGHT, "ice": ["true"]},
        {"capital": ["oslo"], "capital-sweden": ["stockholm"], "nordic": ["sweden"]},
    ],
    ids=[
        "missing",
        "unknown-question",
        "empty",
        "two-for-single",
        "repeated",
        "unknown-option",
        "two-of-a-pool",
        "two-of-a-pool-none-of-another",
    ],
)
def test_answers_that_do_not_fit_the_quiz_are_refused(module, answers):
    user = make_user(make_org())
    with pytest.raises(AnswersDoNotFit):
        submit_attempt(user, module, "0f9e6a43-2b51-4c1f-9a65-a8d1d3f1c2b0", 3, answers)


def order(module: Module, token: str) -> dict[str, list[str]]:
    return {q.id: [o.id for o in options_in_order(q, token)] for q in module.questions}


def test_each_attempt_token_has_its_own_option_order_and_true_false_keeps_its_own(module):
    assert order(module, "0f9e6a43-2b51-4c1f-9a65-a8d1d3f1c2b0") == {
        "capital": ["oslo", "bergen"],
        "nordic": ["sweden", "iceland", "spain"],
        "water": ["true", "false"],
        "capital-sweden": ["stockholm", "gothenburg"],
        "nordic-capitals": ["helsinki", "copenhagen", "berlin"],
        "ice": ["true", "false"],
    }
    assert order(module, "3b2d8e0c-6a4f-4f7e-8c1d-9e5b7a2c4d61") == {
        "capital": ["bergen", "oslo"],
        "nordic": ["iceland", "sweden", "spain"],
        "water": ["true", "false"],
        "capital-sweden": ["gothenburg", "stockholm"],
        "nordic-capitals": ["copenhagen", "helsinki", "berlin"],
        "ice": ["true", "false"],
    }


def test_an_attempt_draws_one_question_per_pool_by_its_token(module):
    assert [q.id for q in draw(module, "0f9e6a43-2b51-4c1f-9a65-a8d1d3f1c2b0")] == [
        "capital-sweden",
        "nordic-capitals",
        "water",
    ]
    assert [q.id for q in draw(module, "3b2d8e0c-6a4f-4f7e-8c1d-9e5b7a2c4d61")] == [
        "capital",
        "nordic-capitals",
        "ice",
    ]


def test_a_retake_draws_the_variants_not_seen_yet_and_any_once_all_are_seen(module):
    token = "3b2d8e0c-6a4f-4f7e-8c1d-9e5b7a2c4d61"
    seen = {"capital", "nordic-capitals", "water"}
    assert [q.id for q in draw(module, token, seen)] == ["capital-sweden", "nordic", "ice"]
    everything = {q.id for q in module.questions}
    assert [q.id for q in draw(module, token, everything)] == ["capital", "nordic-capitals", "ice"]


def test_seen_questions_are_those_of_the_learners_own_attempts_and_refreshers(module):
    org = make_org()
    user, other = make_user(org), make_user(org, email="other@vik.test")
    failed = {**RIGHT, "capital": ["bergen"]}
    submit_attempt(user, module, "0f9e6a43-2b51-4c1f-9a65-a8d1d3f1c2b0", 3, failed)
    submit_attempt(
        other,
        module,
        "3b2d8e0c-6a4f-4f7e-8c1d-9e5b7a2c4d61",
        3,
        {
            "capital-sweden": ["stockholm"],
            "nordic-capitals": ["copenhagen", "helsinki"],
            "ice": ["false"],
        },
    )
    assert seen_questions(user, module) == {"capital", "nordic", "water"}
    # the other passed: their refreshers asked the first variants, so they have seen all six
    assert seen_questions(other, module) == {q.id for q in module.questions}


def test_a_failed_attempt_reviews_only_the_chosen_options_and_what_to_read_again(module):
    user = make_user(make_org())
    answers = {"capital": ["bergen"], "nordic": ["sweden", "iceland"], "water": ["false"]}
    sure = {"capital": False, "water": True}
    attempt = submit_attempt(user, module, "0f9e6a43-2b51-4c1f-9a65-a8d1d3f1c2b0", 3, answers, sure)
    db.session.expire_all()
    result = review(module, attempt)
    assert result.full is False
    assert [
        (i.number, i.question.id, [o.id for o in i.options], i.correct, i.sure)
        for i in result.items
    ] == [
        (3, "water", ["false"], False, True),  # sure and wrong: first
        (1, "capital", ["bergen"], False, False),
        (2, "nordic", ["sweden", "iceland"], True, None),
    ]
    assert [o["en"] for o in result.objectives] == [
        "Know what a lesson is.",
        "Know the Nordic countries.",
    ]
    assert [lesson.id for lesson in result.lessons] == ["practice"]


def test_a_passed_attempt_reviews_every_option(module):
    user = make_user(make_org())
    attempt = submit_attempt(user, module, "0f9e6a43-2b51-4c1f-9a65-a8d1d3f1c2b0", 3, RIGHT)
    result = review(module, attempt)
    assert result.full is True
    assert [[o.id for o in i.options] for i in result.items] == [
        ["oslo", "bergen"],
        ["sweden", "iceland", "spain"],
        ["true", "false"],
    ]
    assert (result.objectives, result.lessons) == ([], [])


def test_the_order_of_a_token_is_the_same_every_time(module):
    token = "5f0c1a52-2b7a-4b8e-9d0e-2a1d7c1b9f10"
    assert order(module, token) == order(module, token)
    assert order(module, token)["nordic"] == ["spain", "sweden", "iceland"]


def blind_answers(module: Module, token: str) -> dict[str, list[str]]:
    """Always the first option shown, the first two in multiple choice, always false."""
    answers = {}
    for question in draw(module, token):
        shown = [o.id for o in options_in_order(question, token)]
        if question.type == "true_false":
            answers[question.id] = ["false"]
        elif question.type == "multiple":
            answers[question.id] = shown[:2]
        else:
            answers[question.id] = shown[:1]
    return answers


REAL_COURSE, _ = check_content(Path(__file__).resolve().parents[2])
SEEDED = random.Random(10)
TOKENS = [str(uuid.UUID(int=SEEDED.getrandbits(128), version=4)) for _ in range(20)]


@pytest.mark.parametrize("real_module", REAL_COURSE.modules, ids=lambda m: m.id)
def test_a_blind_strategy_fails_every_real_module_in_twenty_attempts(real_module):
    assert len(set(TOKENS)) == 20
    for question in real_module.questions:
        if question.type == "true_false":
            assert [o.id for o in question.options] == ["true", "false"]
    results = [score(real_module, blind_answers(real_module, token)) for token in TOKENS]
    assert [r.passed for r in results] == [False] * 20
