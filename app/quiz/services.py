"""Scoring a quiz on the server and recording the attempt with every answer given."""

from dataclasses import dataclass

from flask import abort, current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import insert, select

from app.content.models import Lesson, Module, Option, Question, Text
from app.db import db, get_in_org_or_404, upsert_row, utcnow
from app.errors import LedaError
from app.i18n import _l
from app.learning.events import recorded
from app.learning.services import record_quiz_result
from app.orgs.models import User

from .models import QuizAnswer, QuizAttempt
from .pools import AnswersDoNotFit, check_answers, one_per_pool, options_in_order
from .refreshers import schedule_refreshers


class ModuleChanged(LedaError):
    message = _l("This module changed while you were answering. Please start the quiz again.")
    status = 409


class AlreadySubmitted(LedaError):
    message = _l("These answers were already submitted. Start a new attempt to try again.")
    status = 409


@dataclass(frozen=True)
class Score:
    raw: int
    max: int
    correct: dict[str, bool]  # question id -> answered correctly
    passed: bool


def score(module: Module, answers: dict[str, list[str]]) -> Score:
    """A question scores its points only when the chosen options are exactly the correct ones.

    ``answers`` holds the questions an attempt drew, one per pool; every variant of a pool is
    worth the same, so the maximum is the module's.
    """
    questions = [q for q in module.questions if q.id in answers]
    correct = {q.id: frozenset(answers[q.id]) == q.correct_ids for q in questions}
    raw = sum(q.points for q in questions if correct[q.id])
    return Score(raw, module.max_points, correct, raw * 100 >= module.pass_mark * module.max_points)


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt="leda.quiz.draw")


def sign_draw(token: str, questions: list[Question]) -> str:
    """The attempt's token and drawn questions, signed, for the form to carry (a GET writes
    nothing, so the draw travels with the form rather than in the database)."""
    return _serializer().dumps([token, [q.id for q in questions]])


def read_draw(module: Module, signed: str) -> tuple[str, list[Question]] | None:
    """The token and questions of a signed draw, or None if it is forged or does not fit."""
    try:
        token, question_ids = _serializer().loads(signed)
    except (BadSignature, ValueError, TypeError):
        return None
    questions = one_per_pool(module, question_ids) if isinstance(question_ids, list) else None
    if questions is None or not isinstance(token, str):
        return None
    return token, questions


def submit_attempt(
    user: User,
    module: Module,
    token: str,
    module_version: int,
    answers: dict[str, list[str]],
    sure: dict[str, bool] | None = None,
    locale: str | None = None,
) -> QuizAttempt:
    """Score and store one attempt and update the registration.

    ``answers`` maps the drawn questions, one per pool, to the chosen option ids. Raises
    ModuleChanged when the quiz was made for another module version and AnswersDoNotFit when
    the answers name unknown questions or options, leave a pool out or answer one twice.
    ``sure`` holds the learner's "sure" (True) or "not sure" (False) where they gave one. A
    token used before by the same learner (a double submit, or back and submit again) returns
    that attempt and stores nothing; another learner's token raises AlreadySubmitted.
    ``locale`` is the language the questions were shown in (for the HR dashboard).
    """
    if module_version != module.version:
        raise ModuleChanged()
    questions = _check_fit(module, answers)
    result = score(module, answers)
    now = utcnow()
    attempt = upsert_row(
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
            "locale": locale,
        },
        ["token"],
        {},
    )
    if attempt is None:  # the token was used (a double submit, back and submit again, a race)
        earlier = db.session.scalar(select(QuizAttempt).where(QuizAttempt.token == token))
        if earlier is None or earlier.user_id != user.id:
            raise AlreadySubmitted()
        return earlier
    answer_rows = [
        {
            "org_id": user.org_id,
            "attempt_id": attempt.id,
            "position": position,
            "question_id": question.id,
            "option_ids": sorted(answers[question.id]),
            "is_correct": result.correct[question.id],
            "sure": (sure or {}).get(question.id),
        }
        for position, question in enumerate(questions)
    ]
    db.session.execute(insert(QuizAnswer), answer_rows)  # one statement for all
    record_quiz_result(user, module, result.raw, result.passed)
    if result.passed:
        schedule_refreshers(user, module, now)
    db.session.flush()
    recorded(user, QuizAttempt, attempt.id)
    return attempt


def attempt_of(user: User, attempt_id: int) -> QuizAttempt:
    """The learner's own attempt; anyone else's is a 404."""
    attempt = get_in_org_or_404(QuizAttempt, attempt_id, user.org_id)
    if attempt.user_id != user.id:
        abort(404)
    return attempt


def _check_fit(module: Module, answers: dict[str, list[str]]) -> list[Question]:
    """The questions answered, in pool order, if the answers fit them."""
    questions = one_per_pool(module, list(answers))
    if questions is None:
        raise AnswersDoNotFit()
    check_answers(questions, answers)
    return questions


@dataclass(frozen=True)
class ReviewItem:
    number: int  # as the question was numbered in the attempt
    question: Question
    options: list[Option]  # what the page shows: all on a pass, the chosen ones on a fail
    chosen: frozenset[str]
    correct: bool
    sure: bool | None


@dataclass(frozen=True)
class Review:
    """What the result page of an attempt shows, computed from the stored answers."""

    items: list[ReviewItem]  # answers given with confidence but wrong come first
    objectives: list[Text]  # to review: those of the questions missed
    lessons: list[Lesson]  # to review: where the questions missed are taught
    full: bool  # a passed attempt shows every option and the key; a failed one only the chosen


def review(module: Module, attempt: QuizAttempt) -> Review:
    """Feedback that teaches without giving the key away: on a failed attempt, the feedback of
    the options the learner chose and what to review; on a pass, everything."""
    items = []
    for number, answer in enumerate(attempt.answers, start=1):
        question = module.question(answer.question_id)
        if question is None:
            continue
        chosen = frozenset(answer.option_ids)
        options = options_in_order(question, attempt.token)
        items.append(
            ReviewItem(
                number,
                question,
                options if attempt.passed else [o for o in options if o.id in chosen],
                chosen,
                answer.is_correct,
                answer.sure,
            )
        )
    missed = [item.question for item in items if not item.correct]
    objective_numbers = sorted({q.objective for q in missed if q.objective})
    lesson_ids = {q.lesson for q in missed if q.lesson}
    return Review(
        items=sorted(items, key=lambda item: not (item.sure and not item.correct)),
        objectives=[module.objectives[n - 1] for n in objective_numbers],
        lessons=[lesson for lesson in module.lessons if lesson.id in lesson_ids],
        full=attempt.passed,
    )
