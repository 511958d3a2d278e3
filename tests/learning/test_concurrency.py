"""Racing requests for the same progress write leave one row and lose nothing."""

from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import select

from app.db import db
from app.learning.models import LessonProgress, Registration
from tests.factories import PASSWORD, make_org, make_user


def test_simultaneous_lesson_completions_make_one_row_each(app):
    user = make_user(make_org())
    db.session.commit()
    clients = [app.test_client() for _ in range(6)]
    for client in clients:
        client.post("/login", data={"email": user.email, "password": PASSWORD})

    def complete(i: int) -> int:
        lesson = ("welcome", "practice")[i % 2]
        return clients[i].post(f"/modules/first-steps/lessons/{lesson}/done").status_code

    with ThreadPoolExecutor(max_workers=6) as pool:
        statuses = list(pool.map(complete, range(6)))

    assert statuses == [302] * 6
    db.session.rollback()
    rows = db.session.scalars(select(LessonProgress).order_by(LessonProgress.lesson_id)).all()
    assert [(r.lesson_id, r.completed_at is not None) for r in rows] == [
        ("practice", True),
        ("welcome", True),
    ]
    registration = db.session.scalars(select(Registration)).one()
    assert registration.completion_status == "completed"
