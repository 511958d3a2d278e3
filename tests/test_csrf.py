"""CSRF as in production (Flask-WTF's CSRFProtect, bound in create_app): the requests the pages'
scripts send (app/static/js/leda.js: the visit POST and the export's status poll), and the views
CSRFProtect leaves to themselves.

leda.js sends two requests: the lesson's and the quiz's visit (a POST that writes: refused
without the page's token) and the report export's status (a GET that must write nothing).
Exempt from CSRFProtect's hook are the API blueprint (bearer tokens, no cookies: a forged
request carries no credential) and the lesson form's three buttons, which check the same token
in their form (so that a stale token keeps the text): both held exactly here.
"""

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from app import csrf
from app.db import db
from app.learning.models import Reflection
from app.orgs.models import Organisation, Role, User
from app.reporting.completions import CompletionFilters
from app.reporting.exports import request_export
from tests.conftest import make_app
from tests.factories import PASSWORD, make_org, make_user
from tests.helpers import committed_writes, form_value, log_in_through_form, running

LESSON = "/modules/first-steps/lessons/welcome"
VISIT = "/modules/first-steps/visit"


@pytest.fixture
def csrf_app(database: str, outbox: Path) -> Iterator[Flask]:
    with running(make_app(database, LEDA_MAIL_OUTBOX=str(outbox), WTF_CSRF_ENABLED=True)) as app:
        yield app


def logged_in(app: Flask, email: str = "ola@vik.test", roles=(Role.LEARNER,)) -> FlaskClient:
    org = db.session.scalars(select(Organisation)).first() or make_org()
    make_user(org, email=email, roles=roles, locale="en")
    db.session.commit()
    client = app.test_client()
    log_in_through_form(client, email, PASSWORD)
    return client


def test_the_exemptions_are_the_api_and_the_lesson_forms_own_check(csrf_app: Flask) -> None:
    assert {blueprint.name for blueprint in csrf._exempt_blueprints} == {"api"}
    assert csrf._exempt_views == {
        "app.learning.views.save_reflection",
        "app.learning.views.complete_lesson",
        "app.learning.views.commit_to_action",
    }


def test_the_pages_scripts_call_the_visit_and_the_export_status() -> None:
    """The requests this file holds are the ones leda.js makes; a new fetch() fails here."""
    script = (Path(__file__).parents[1] / "app/static/js/leda.js").read_text(encoding="utf-8")
    assert script.count("fetch(") == 2
    assert 'fetch(visitForm.action, { method: "POST", body: new FormData(visitForm)' in script
    assert 'fetch(exportCard.dataset.statusUrl, { headers: { Accept: "application/json" } })' in (
        script
    )
    other = (Path(__file__).parents[1] / "app/static/js/practice.js").read_text(encoding="utf-8")
    assert "fetch(" not in other and "XMLHttpRequest" not in other


@pytest.mark.parametrize("token", [None, "", "not-a-token", "another session's"])
def test_a_visit_without_the_pages_token_is_refused_and_records_nothing(
    csrf_app: Flask, token: str | None
) -> None:
    client = logged_in(csrf_app)
    if token == "another session's":
        other = logged_in(csrf_app, email="kari@vik.test")
        token = form_value(other.get(LESSON).text, "csrf_token")
    data = {"lesson": "welcome"} if token is None else {"lesson": "welcome", "csrf_token": token}
    with committed_writes() as written:
        response = client.post(VISIT, data=data)
    assert response.status_code == 400
    assert "The CSRF token" not in response.text  # Flask-WTF's English reason stays out of sight
    assert written == []


def test_a_visit_with_the_pages_token_is_recorded(csrf_app: Flask) -> None:
    client = logged_in(csrf_app)
    page = client.get(LESSON).text
    data = {"lesson": "welcome", "csrf_token": form_value(page, "csrf_token")}
    with committed_writes() as written:
        response = client.post(VISIT, data=data)
    assert response.status_code == 204
    assert written != []  # the registration and the lesson's progress


@pytest.mark.parametrize("button", ["reflection", "done", "commitment"])
def test_the_lesson_forms_buttons_check_the_token_themselves(csrf_app: Flask, button: str) -> None:
    client = logged_in(csrf_app)
    page = client.get(LESSON).text
    data = {"text": "Mine tanker", "owner": form_value(page, "owner")}
    with committed_writes() as written:
        refused = client.post(f"{LESSON}/{button}", data={**data, "csrf_token": "forged"})
    assert refused.status_code == 400
    assert written == []
    assert db.session.scalar(select(func.count()).select_from(Reflection)) == 0
    accepted = client.post(
        f"{LESSON}/{button}", data={**data, "csrf_token": form_value(page, "csrf_token")}
    )
    assert accepted.status_code == 302
    assert db.session.scalars(select(Reflection.text)).all() == ["Mine tanker"]


def test_the_export_status_poll_answers_json_and_writes_nothing(csrf_app: Flask) -> None:
    client = logged_in(csrf_app, email="hr@vik.test", roles=(Role.HR,))
    user = db.session.scalars(select(User)).one()
    export = request_export(user.organisation, user, CompletionFilters(), "csv", "en", None)
    db.session.commit()
    with committed_writes() as written:
        response = client.get(
            f"/reports/exports/{export.id}/status", headers={"Accept": "application/json"}
        )
    assert response.status_code == 200
    assert response.get_json() == {
        "status": export.status.value, "percent": export.percent,
        "rows_done": export.rows_done, "rows_total": export.rows_total,
    }  # fmt: skip
    assert written == []
