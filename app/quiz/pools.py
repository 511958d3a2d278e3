"""Which questions an attempt asks and in what order: one variant of each pool, options
shuffled by the attempt's token, and whether answers fit the questions asked.

Shared by quiz attempts and refreshers. Everything is derived from a token and the
learner's history, never stored by a GET.
"""

import random

from sqlalchemy import select

from app.content.models import Module, Option, Question
from app.db import db
from app.errors import LedaError
from app.i18n import _l
from app.orgs.models import User

from .models import QuizAnswer, QuizAttempt, Refresher


class AnswersDoNotFit(LedaError):
    message = _l("The answers do not fit this quiz. Please answer every question and submit again.")
    status = 400


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


def seen_questions(user: User, module: Module) -> set[str]:
    """The ids of the module's questions this learner has been asked: in any attempt, and in
    the refreshers already scheduled."""
    attempts = (
        select(QuizAnswer.question_id)
        .join(QuizAttempt)
        .where(QuizAttempt.user_id == user.id, QuizAttempt.module_id == module.id)
    )
    seen = set(db.session.scalars(attempts.distinct()))
    for question_ids in db.session.scalars(
        select(Refresher.question_ids).where(
            Refresher.user_id == user.id, Refresher.module_id == module.id
        )
    ):
        seen.update(question_ids)
    return seen


def draw(
    module: Module, token: str, seen: frozenset[str] | set[str] = frozenset()
) -> list[Question]:
    """One question of each pool, in the module's order, chosen by the attempt token: a variant
    the learner has not seen where the pool has one, else any."""
    rng = random.Random(f"{token}:draw")
    questions = []
    for pool in module.pools:
        unseen = [q for q in pool if q.id not in seen]
        questions.append(rng.choice(unseen or list(pool)))
    return questions


def one_per_pool(module: Module, question_ids: list[object]) -> list[Question] | None:
    """The module's questions by these ids in pool order, if they are exactly one question of
    each pool; else None."""
    wanted = set(question_ids)
    questions = []
    for pool in module.pools:
        drawn = [q for q in pool if q.id in wanted]
        if len(drawn) != 1:
            return None
        questions.append(drawn[0])
    return questions if len(questions) == len(question_ids) else None


def check_answers(questions: list[Question], answers: dict[str, list[str]]) -> None:
    """AnswersDoNotFit unless ``answers`` answers exactly these questions, each with known,
    distinct options, one for single choice and true/false."""
    if set(answers) != {q.id for q in questions} or len(answers) != len(questions):
        raise AnswersDoNotFit()
    for question in questions:
        chosen = answers[question.id]
        if not chosen or len(set(chosen)) != len(chosen):
            raise AnswersDoNotFit()
        if any(question.option(option_id) is None for option_id in chosen):
            raise AnswersDoNotFit()
        if question.type != "multiple" and len(chosen) != 1:
            raise AnswersDoNotFit()
