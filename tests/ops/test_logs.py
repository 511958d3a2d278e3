"""Log lines as JSON or text: a request id on each, the task id in the worker, and no personal
data (emails, names, search text, addresses) whatever a request or an error carries."""

import json
import logging
import re
from collections.abc import Iterator

import pytest
from pydantic import BaseModel, ValidationError
from sqlalchemy.exc import IntegrityError

from app.db import db
from app.ops.logs import QUIETED
from app.orgs.models import Role
from tests.conftest import CONTENT, make_app
from tests.factories import PASSWORD, make_org, make_user
from tests.helpers import read_outbox, running, wait_for
from tests.test_jobs import SLOW, invite, leda_env, start_worker, stop

EMAIL = "kari.nordmann@vik.kommune.no"
GIVEN, FAMILY = "Kari", "Nordmann-Ødegård"
HEX_ID = re.compile(r"[0-9a-f]{32}")


@pytest.fixture(autouse=True)
def _restore_logging() -> Iterator[None]:
    """An app made with LEDA_LOG_FORMAT sets up the root logger: undo it after each test."""
    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    quieted = {name: logging.getLogger(name).level for name in QUIETED}
    yield
    for handler in list(root.handlers):
        root.removeHandler(handler)
    for handler in handlers:
        root.addHandler(handler)
    root.setLevel(level)
    for name, old in quieted.items():
        logging.getLogger(name).setLevel(old)


def json_lines(text: str) -> list[dict[str, object]]:
    """Every line parsed; fails on a line that is not one JSON object."""
    return [json.loads(line) for line in text.splitlines()]


def requests_logged(records: list[dict[str, object]]) -> list[tuple[object, ...]]:
    return [
        (r["method"], r["endpoint"], r["route"], r["status"], r["request_id"])
        for r in records
        if r["logger"] == "app.requests"
    ]


def test_json_lines_carry_request_ids_and_no_personal_data(database, capsys):
    with running(make_app(database, LEDA_LOG_FORMAT="json")) as app:
        org = make_org()
        admin = make_user(
            org, email=EMAIL, given_name=GIVEN, family_name=FAMILY, roles=[Role.ADMIN]
        )
        db.session.commit()
        admin_id = admin.id
        client = app.test_client()
        query = {"email": EMAIL, "next": f"/admin/people?q={FAMILY}"}
        wrong = client.post("/login", query_string=query, data={"email": EMAIL, "password": "x"})
        unknown = client.post(
            "/login", query_string=query, data={"email": "per@vik.test", "password": "x"}
        )
        right = client.post("/login", data={"email": EMAIL, "password": PASSWORD})
        search = client.get("/admin/people", query_string={"q": f"{GIVEN} {FAMILY}"})
        person = client.get(f"/admin/people/{admin_id}")
    responses = [wrong, unknown, right, search, person]
    assert [r.status_code for r in responses] == [400, 400, 302, 200, 200]
    ids = [r.headers["X-Request-ID"] for r in responses]
    assert all(HEX_ID.fullmatch(i) for i in ids) and len(set(ids)) == 5

    records = json_lines(capsys.readouterr().err)
    assert requests_logged(records) == [
        ("POST", "auth.login", "/login", 400, ids[0]),
        ("POST", "auth.login", "/login", 400, ids[1]),
        ("POST", "auth.login", "/login", 302, ids[2]),
        ("GET", "orgs.people", "/admin/people", 200, ids[3]),
        ("GET", "orgs.person", "/admin/people/<id:user_id>", 200, ids[4]),
    ]
    logins = [(r["message"], r["request_id"]) for r in records if r["logger"] != "app.requests"]
    assert logins == [
        (f"login failed for user {admin_id}", ids[0]),
        ("login failed for user (no such account)", ids[1]),
        (f"login succeeded for user {admin_id}", ids[2]),
    ]
    for record in records:
        assert list(record)[:4] == ["time", "level", "logger", "message"]
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00", str(record["time"]))
        assert record["level"] == "INFO"
    everything = json.dumps(records, ensure_ascii=False)
    for personal in (EMAIL, "kari.nordmann", "per@vik.test", GIVEN, "Nordmann", "Ødegård"):
        assert personal not in everything
    assert "127.0.0.1" not in everything  # no client address unless configured


def test_the_client_address_is_logged_only_when_configured(database, capsys):
    with running(make_app(database, LEDA_LOG_FORMAT="json", LEDA_LOG_CLIENT_ADDRESS=True)) as app:
        app.test_client().get("/healthz", environ_base={"REMOTE_ADDR": "192.0.2.7"})
    [record] = json_lines(capsys.readouterr().err)
    assert (record["endpoint"], record["client"]) == ("ops.healthz", "192.0.2.7")


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("0123456789abcdef0123456789abcdef", True),  # nginx's $request_id
        ("5d3a1a2e-4b0f-4c55-9f39-0c2f1e0a7b11", True),  # a UUID
        ("kari@vik.kommune.no", False),  # could carry an address
        ("short", False),
        ("x" * 129, False),
        ("two words here", False),
    ],
)
def test_a_sane_x_request_id_is_kept_and_echoed_any_other_is_replaced(
    database, capsys, given, kept
):
    with running(make_app(database, LEDA_LOG_FORMAT="json")) as app:
        response = app.test_client().get("/healthz", headers={"X-Request-ID": given})
    echoed = response.headers["X-Request-ID"]
    assert echoed == given if kept else HEX_ID.fullmatch(echoed)
    [record] = json_lines(capsys.readouterr().err)
    assert record["request_id"] == echoed


def test_a_refused_request_has_an_id_and_a_line_too(database, capsys):
    """A 404 without a route and a 400 from the malformed-input guard, before any view."""
    with running(make_app(database, LEDA_LOG_FORMAT="json")) as app:
        client = app.test_client()
        missing = client.get(f"/no/such/page?email={EMAIL}")
        malformed = client.get("/login?q=%ff")
    records = json_lines(capsys.readouterr().err)
    assert requests_logged(records) == [
        ("GET", None, None, 404, missing.headers["X-Request-ID"]),
        ("GET", "auth.login", "/login", 400, malformed.headers["X-Request-ID"]),
    ]
    assert EMAIL not in json.dumps(records)


def test_an_error_that_repeats_an_email_is_logged_without_it(database, capsys):
    """PostgreSQL's unique violation repeats the value (DETAIL: Key (email)=(…)); SQLite names
    the column only. Either way the line keeps the error and loses the address."""
    with running(make_app(database, LEDA_LOG_FORMAT="json")):
        org = make_org()
        make_user(org, email=EMAIL)
        db.session.commit()
        with pytest.raises(IntegrityError) as raised:
            make_user(org, email=EMAIL)
        db.session.rollback()
        logging.getLogger("app.errors").error("unhandled error", exc_info=raised.value)
    [record] = json_lines(capsys.readouterr().err)
    assert (record["logger"], record["message"]) == ("app.errors", "unhandled error")
    exception = str(record["exception"])
    assert exception.startswith("Traceback (most recent call last):")
    assert "sqlalchemy.exc.IntegrityError: (" in exception
    assert EMAIL not in exception
    if database.startswith("postgresql"):
        assert EMAIL in str(raised.value.orig)  # what the line would have held
        assert "DETAIL: (hidden)" in exception


def test_a_validation_error_is_logged_without_what_was_typed(database, capsys):
    class Filters(BaseModel):
        unit: int

    with pytest.raises(ValidationError) as raised:
        Filters(unit=f"{GIVEN} {FAMILY}")
    with running(make_app(database, LEDA_LOG_FORMAT="text")):
        logging.getLogger("app.errors").error("unhandled error", exc_info=raised.value)
    text = capsys.readouterr().err
    assert "[type=int_parsing, input_value=(hidden), input_type=str]" in text
    assert GIVEN not in text and FAMILY not in text


def test_text_lines_name_the_request_too(database, capsys):
    with running(make_app(database, LEDA_LOG_FORMAT="text")) as app:
        response = app.test_client().get("/healthz", headers={"X-Request-ID": "abcdef0123456789"})
    [line] = capsys.readouterr().err.splitlines()
    assert response.headers["X-Request-ID"] == "abcdef0123456789"
    assert re.fullmatch(
        r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00 INFO app\.requests "
        r"\[request_id=abcdef0123456789\] GET ops\.healthz 200 in \d+\.\d ms",
        line,
    ), line


def test_an_unknown_log_format_stops_the_start(database):
    with pytest.raises(RuntimeError, match="LEDA_LOG_FORMAT must be json or text; got 'xml'"):
        make_app(database, LEDA_LOG_FORMAT="xml")


def test_the_worker_logs_json_lines_with_the_task_id(database, tmp_path, monkeypatch):
    """`leda worker` with LEDA_LOG_FORMAT=json: huey's lines and the task's own carry the id of
    the task that wrote them, and the recipient appears in none."""
    instance, outbox = tmp_path / "instance", tmp_path / "outbox"
    monkeypatch.setenv("LEDA_INSTANCE_PATH", str(instance))
    env = leda_env(
        instance,
        DATABASE_URL=database,
        LEDA_MAIL_OUTBOX=str(outbox),
        LEDA_CONTENT_ROOT=str(CONTENT),
        LEDA_LOG_FORMAT="json",
    )
    worker = start_worker(env)
    try:
        with running(make_app(database, LEDA_HUEY_IMMEDIATE=False)):
            message_id = invite(make_org().id, to="per@vik.test")
            wait_for(lambda: read_outbox(outbox), timeout=SLOW)
    finally:
        output = stop(worker)
    records = json_lines(output)
    announced = "Executing app.mail.tasks.send_mail"
    [executing] = [r for r in records if str(r["message"]).startswith(announced)]
    task_id = executing["task_id"]
    assert executing["message"] == f"Executing app.mail.tasks.send_mail: {task_id}"
    first, sent, done = [r["message"] for r in records if r.get("task_id") == task_id]
    assert (first, sent) == (
        f"Executing app.mail.tasks.send_mail: {task_id}",
        f"mail {message_id} sent",
    )
    assert re.fullmatch(rf"app\.mail\.tasks\.send_mail: {task_id} executed in \d+\.\d{{3}}s", done)
    assert all("request_id" not in r for r in records)
    assert "per@vik.test" not in output and "Kari" not in output
