import random
import uuid
from pathlib import Path

import pytest

from app.content import check_content, current_course
from app.content.models import Module
from app.quiz.services import AnswersDoNotFit, options_in_order, score, submit_attempt
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
    ],
    ids=["missing", "unknown-question", "empty", "two-for-single", "repeated", "unknown-option"],
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
    }
    assert order(module, "3b2d8e0c-6a4f-4f7e-8c1d-9e5b7a2c4d61") == {
        "capital": ["bergen", "oslo"],
        "nordic": ["iceland", "sweden", "spain"],
        "water": ["true", "false"],
    }


def test_the_order_of_a_token_is_the_same_every_time(module):
    token = "5f0c1a52-2b7a-4b8e-9d0e-2a1d7c1b9f10"
    assert order(module, token) == order(module, token)
    assert order(module, token)["nordic"] == ["spain", "sweden", "iceland"]


def blind_answers(module: Module, token: str) -> dict[str, list[str]]:
    """Always the first option shown, the first two in multiple choice, always false."""
    answers = {}
    for question in module.questions:
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
