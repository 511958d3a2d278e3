"""Finishing the test course (one module, first-steps) without the web client."""

from app.content import current_course
from app.learning import services as learning
from app.orgs.models import User
from app.quiz.pools import draw
from app.quiz.services import submit_attempt

NAME = ("Åse Ærø", "Ødegård")  # æ, ø and å in one name


def read_lessons(user: User) -> None:
    module = current_course().modules[0]
    for lesson in module.lessons:
        learning.complete_lesson(user, module, lesson.id)


def pass_quiz(user: User, token: str = "pass") -> None:
    module = current_course().modules[0]
    answers = {q.id: sorted(q.correct_ids) for q in draw(module, token)}
    submit_attempt(user, module, f"{token}-{user.id}", module.version, answers)


def finish_course(user: User) -> None:
    read_lessons(user)
    pass_quiz(user)
