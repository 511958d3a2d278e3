import pytest

from app.content import current_course
from app.quiz.services import AnswersDoNotFit, score, submit_attempt
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
