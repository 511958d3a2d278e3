import re
import socket
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event
from werkzeug.test import TestResponse

from app.db import db


def form_value(html: str, name: str) -> str:
    """The value of the input called ``name`` in a page."""
    match = re.search(rf'name="{re.escape(name)}"[^>]*value="([^"]*)"', html) or re.search(
        rf'value="([^"]*)"[^>]*name="{re.escape(name)}"', html
    )
    assert match, f"no input {name!r} in page"
    return match.group(1)


def open_page(client, url: str) -> TestResponse:
    """GET a page as a browser with leda.js would: then send its visit form, if it has one."""
    response = client.get(url)
    visit = r'<form hidden method="post" action="([^"]+)" data-visit>(.*?)</form>'
    form = re.search(visit, response.text, re.S)
    if form:
        fields = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', form.group(2)))
        sent = client.post(form.group(1), data=fields)
        assert sent.status_code == 204, sent.text
    return response


def log_in_through_form(client: FlaskClient, email: str, password: str) -> None:
    """Log ``client`` in as a browser does: the login page's CSRF token sent with the form."""
    token = form_value(client.get("/login").text, "csrf_token")
    response = client.post(
        "/login", data={"email": email, "password": password, "csrf_token": token}
    )
    assert response.status_code == 302, response.text


def html_lang(response: TestResponse) -> str:
    """The ``<html lang>`` of a page."""
    return response.text.split('<html lang="', 1)[1].split('"', 1)[0]


def page_language(response: TestResponse) -> tuple[str, str]:
    """A page's ``<html lang>`` and its one ``<h1>``: the language it claims and one string
    that shows it is really in that language."""
    heading = re.search(r"<h1>(.*?)</h1>", response.text)
    assert heading, "no <h1> in page"
    return html_lang(response), heading.group(1)


def count_queries(action: Callable[[], object]) -> int:
    """How many SQL statements ``action`` runs (SQLite's PRAGMAs aside)."""
    statements: list[str] = []

    def record(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        action()
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    return len([s for s in statements if not s.startswith("PRAGMA")])


def read_outbox(folder: Path) -> list[EmailMessage]:
    """Every message the outbox transport wrote to ``folder``, oldest first."""
    return [
        message_from_bytes(path.read_bytes(), _class=EmailMessage, policy=policy.default)
        for path in sorted(folder.glob("*.eml"))
    ]


def wait_for(condition: Callable[[], object], timeout: float = 60.0) -> object:
    """Poll ``condition`` until it is truthy; fail the test after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not (result := condition()):
        assert time.monotonic() < deadline, f"gave up after {timeout} s"
        time.sleep(0.05)
    return result


def free_port() -> int:
    """A loopback TCP port nobody listens on (for a server a test starts)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def running(application: Flask) -> Iterator[Flask]:
    """An app made inside a test, in its own app context; its connections closed afterwards."""
    with application.app_context():
        try:
            yield application
        finally:
            db.session.remove()
            db.engine.dispose()


# The answer key of the test course's quiz (tests/content/valid), by question id, and a wrong
# answer for each; the quiz draws one question of each pool: capital, nordic, water.
RIGHT_ANSWERS = {
    "capital": ["oslo"],
    "capital-sweden": ["stockholm"],
    "nordic": ["iceland", "sweden"],
    "nordic-capitals": ["copenhagen", "helsinki"],
    "water": ["true"],
    "ice": ["false"],
}
WRONG_ANSWERS = {
    "capital": ["bergen"],
    "capital-sweden": ["gothenburg"],
    "nordic": ["spain"],
    "nordic-capitals": ["berlin"],
    "water": ["false"],
    "ice": ["true"],
}
POOL_OF = {
    "capital": "capital",
    "capital-sweden": "capital",
    "nordic": "nordic",
    "nordic-capitals": "nordic",
    "water": "water",
    "ice": "water",
}


def drawn_questions(html: str) -> list[str]:
    """The ids of the questions a quiz page asks, in page order."""
    return list(dict.fromkeys(re.findall(r'name="q-([a-z0-9-]+)"', html)))


def quiz_answers(html: str, wrong: tuple[str, ...] = ()) -> dict[str, object]:
    """A complete post for the quiz on this page: its hidden fields and the right answer to
    each drawn question, or a wrong one for the pools named in ``wrong``."""
    form: dict[str, object] = {
        "draw": form_value(html, "draw"),
        "module_version": form_value(html, "module_version"),
    }
    for question_id in drawn_questions(html):
        key = WRONG_ANSWERS if POOL_OF[question_id] in wrong else RIGHT_ANSWERS
        form[f"q-{question_id}"] = key[question_id]
    return form


@contextmanager
def committed_writes() -> Iterator[list[str]]:
    """The INSERT, UPDATE and DELETE statements committed inside the block (the login limits'
    counters aside: counting refusals is their job)."""
    pending: dict[int, list[str]] = {}
    committed: list[str] = []

    def record(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]
        words = statement.split()
        if words[0].upper() in {"INSERT", "UPDATE", "DELETE"} and (
            "rate_limit_counter" not in words[:4]
        ):
            pending.setdefault(id(conn), []).append(" ".join(words[:3]))

    def commit(conn):  # type: ignore[no-untyped-def]
        committed.extend(pending.pop(id(conn), []))

    def rollback(conn):  # type: ignore[no-untyped-def]
        pending.pop(id(conn), None)

    hooks = [("before_cursor_execute", record), ("commit", commit), ("rollback", rollback)]
    for name, hook in hooks:
        event.listen(db.engine, name, hook)
    try:
        yield committed
    finally:
        for name, hook in hooks:
            event.remove(db.engine, name, hook)
