"""Scoring a quiz on the server and recording the attempt with every answer given."""

import random
from dataclasses import dataclass

from flask import abort

from app.content.models import Module, Option, Question
from app.db import db, get_in_org_or_404, upsert, utcnow
from app.errors import LedaError
from app.i18n import _l
from app.learning.services import record_quiz_result
from app.orgs.models import User

from .models import QuizAnswer, QuizAttempt


class ModuleChanged(LedaError):
    message = _l("This module changed while you were answering. Please start the quiz again.")
    status = 409


class AlreadySubmitted(LedaError):
    message = _l("These answers were already submitted. Start a new attempt to try again.")
    status = 409


class AnswersDoNotFit(LedaError):
    message = _l("The answers do not fit this quiz. Please answer every question and submit again.")
    status = 400


@dataclass(frozen=True)
class Score:
    raw: int
    max: int
    correct: dict[str, bool]  # question id -> answered correctly
    passed: bool


def score(module: Module, answers: dict[str, list[str]]) -> Score:
    """A question scores its points only when the chosen options are exactly the correct ones."""
    correct = {q.id: frozenset(answers[q.id]) == q.correct_ids for q in module.questions}
    raw = sum(q.points for q in module.questions if correct[q.id])
    return Score(raw, module.max_points, correct, raw * 100 >= module.pass_mark * module.max_points)


def options_in_order(question: Question, token: str) -> list[Option]:
    """The question's options in the order this attempt shows them.

    Derived from the attempt token, not stored, so the quiz page (a GET that writes nothing)
    and the result page of the same attempt show the same order; another token, another
    order. True/false keeps the authored order.
    """
    options = list(question.options)
    if question.type != "true_false":
        random.Random(f"{token}:{question.id}").shuffle(options)
    return options


def submit_attempt(
    user: User, module: Module, token: str, module_version: int, answers: dict[str, list[str]]
) -> QuizAttempt:
    """Score and store one attempt and update the registration.

    Raises ModuleChanged when the quiz was made for another module version, AnswersDoNotFit
    when the answers name unknown questions or options or leave one out, and AlreadySubmitted
    when ``token`` was used before (by anyone), so a double submit changes nothing.
    """
    if module_version != module.version:
        raise ModuleChanged()
    _check_fit(module, answers)
    result = score(module, answers)
    now = utcnow()
    attempt_id = upsert(
        QuizAttempt,
        {
            "org_id": user.org_id,
            "token": token,
            "user_id": user.id,
            "module_id": module.id,
            "module_version": module.version,
            "score_raw": result.raw,
            "score_max": result.max,
            "passed": result.passed,
            "submitted_at": now,
        },
        ["token"],
        {},
    )
    if attempt_id is None:
        raise AlreadySubmitted()
    attempt = db.session.get_one(QuizAttempt, attempt_id)
    for position, question in enumerate(module.questions):
        db.session.add(
            QuizAnswer(
                org_id=user.org_id,
                attempt=attempt,
                position=position,
                question_id=question.id,
                option_ids=sorted(answers[question.id]),
                is_correct=result.correct[question.id],
            )
        )
    record_quiz_result(user, module, result.raw, result.passed)
    db.session.flush()
    return attempt


def attempt_of(user: User, attempt_id: int) -> QuizAttempt:
    """The learner's own attempt; anyone else's is a 404."""
    attempt = get_in_org_or_404(QuizAttempt, attempt_id, user.org_id)
    if attempt.user_id != user.id:
        abort(404)
    return attempt


def _check_fit(module: Module, answers: dict[str, list[str]]) -> None:
    if set(answers) != {q.id for q in module.questions}:
        raise AnswersDoNotFit()
    for question in module.questions:
        chosen = answers[question.id]
        if not chosen or len(set(chosen)) != len(chosen):
            raise AnswersDoNotFit()
        if any(question.option(option_id) is None for option_id in chosen):
            raise AnswersDoNotFit()
        if question.type != "multiple" and len(chosen) != 1:
            raise AnswersDoNotFit()
