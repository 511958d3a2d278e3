"""How many statements the busiest requests send, so a change that adds a query to each (or a
read after a write) fails here, not only in the load benchmark (benchmarks/load.py)."""

import re
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event

from app.db import db
from tests.factories import make_org, make_user
from tests.quiz.test_views import PASSING, quiz_page

CHECKED = "/modules/first-steps/lessons/practice"  # a lesson with a check


@contextmanager
def statements() -> Iterator[list[str]]:
    """What each statement sent meanwhile does, and to which table ("SELECT user_account")."""
    seen: list[str] = []

    def record(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]
        verb = statement.split()[0]
        table = re.search(r"\b(?:FROM|INTO|UPDATE)\s+(\w+)", statement)
        seen.append(f"{verb} {table.group(1) if table else ''}".strip())

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def test_a_lesson_page_asks_its_reader_and_then_one_statement(client, login):
    login(make_user(make_org()))
    for _time in ("rendered", "kept"):
        with statements() as seen:
            assert client.get(CHECKED).status_code == 200
        # the reader (with their session and roles); their reflection, lessons done,
        # commitment and check answer
        assert seen == ["SELECT user_account", "SELECT reflection"]


def test_the_dashboard_asks_one_statement_a_part(client, login):
    login(make_user(make_org()))
    with statements() as seen:
        assert client.get("/").status_code == 200
    assert seen == [
        "SELECT user_account",
        "SELECT registration",  # course status: registrations,
        "SELECT lesson_progress",  # and lessons done
        "SELECT follow_up",
        "SELECT refresher",
        "SELECT certificate",  # the completion card: a certificate, or every module done
        "SELECT assigned_module",
    ]


def test_a_quiz_submission_writes_each_row_once_and_reads_nothing_back(client, login):
    login(make_user(make_org(), locale="en"))
    form = quiz_page(client)
    with statements() as seen:
        response = client.post("/modules/first-steps/quiz", data={**form, **PASSING})
    assert response.status_code == 303
    assert seen == [
        "SELECT user_account",
        "INSERT quiz_attempt",  # with its row back (RETURNING)
        "INSERT quiz_answer",  # every answer in one statement
        "INSERT registration",  # made, or locked and read (RETURNING)
        "UPDATE registration",
        "SELECT refresher",  # passed: the refreshers, unless made before,
        "SELECT quiz_answer",  # of questions not seen yet, in attempts
        "SELECT refresher",  # and in refreshers,
        *["INSERT refresher"] * 3,  # each with its row back
        "SELECT xapi_lrs",  # whether the organisation sends xAPI statements
    ]
