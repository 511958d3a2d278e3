"""GET /api/v1/completions: the report's JSON Lines objects in pages, for a token of the org."""

from datetime import UTC, datetime

import pytest
from itsdangerous import URLSafeSerializer
from sqlalchemy import select

from app import ROOT
from app.api import services
from app.api.models import ApiToken
from app.db import db
from app.orgs.models import AuditEvent
from app.reporting.completions import FIELD_IDS
from tests.api.helpers import MODULE, bearer, jsonl, vik_with_progress
from tests.conftest import make_app
from tests.factories import make_org, make_user
from tests.helpers import running

URL = "/api/v1/completions"


@pytest.fixture
def vik(app, clock):  # type: ignore[no-untyped-def]
    return vik_with_progress(clock)


def test_a_page_holds_the_reports_json_lines_objects(client, vik):
    org, people, secret = vik
    response = client.get(URL, headers=bearer(secret))
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    page = response.get_json()
    assert page == {"items": jsonl(org), "next_cursor": None}
    assert list(page["items"][0]) == list(FIELD_IDS)  # in the JSON Lines' order
    assert [item["email"] for item in page["items"]] == [
        "ase@vik.test", "bo@vik.test", "cato@vik.test", "dina@vik.test", "eli@vik.test"
    ]  # fmt: skip
    assert page["items"][0] == {
        "employee_number": "101",
        "name": "Åse Ærø",
        "email": "ase@vik.test",
        "unit": "Helse og omsorg",
        "manager": None,
        "module_id": MODULE,
        "module_version": 3,
        "completion_status": "completed",
        "success_status": "passed",
        "lesson_status": "passed",
        "score_raw": 4,
        "score_max": 4,
        "score_scaled": 1.0,
        "attempts": 1,
        "first_access": "2026-03-02T08:00:00Z",
        "completed_at": "2026-03-02T08:03:00Z",
        "total_time": "PT3M",
        "assigned_at": None,
        "due_on": None,
        "overdue": False,
    }
    assert page["items"][1]["assigned_at"] == "2026-03-02T09:03:00Z"
    assert page["items"][1]["due_on"] == "2026-03-20"


def test_three_pages_of_two_give_every_row_once_in_order(client, vik):
    org, _people, secret = vik
    pages, cursor = [], None
    while True:
        query = {"limit": "2"} | ({"cursor": cursor} if cursor else {})
        page = client.get(URL, query_string=query, headers=bearer(secret)).get_json()
        pages.append([item["email"] for item in page["items"]])
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert pages == [
        ["ase@vik.test", "bo@vik.test"], ["cato@vik.test", "dina@vik.test"], ["eli@vik.test"]
    ]  # fmt: skip


def test_the_cursor_resumes_within_a_persons_modules(database, clock):
    """The real course has four modules: pages of three cut through a person's rows."""
    course_app = make_app(database, content=ROOT)
    with running(course_app):
        org = make_org()
        make_user(org, email="a@vik.test")
        make_user(org, email="b@vik.test")
        _token, secret = services.create_token(org, "HR", None)
        db.session.commit()
        client = course_app.test_client()
        rows, cursor, sizes = [], None, []
        while True:
            query = {"limit": "3"} | ({"cursor": cursor} if cursor else {})
            page = client.get(URL, query_string=query, headers=bearer(secret)).get_json()
            rows += [(item["email"], item["module_id"]) for item in page["items"]]
            sizes.append(len(page["items"]))
            if (cursor := page["next_cursor"]) is None:
                break
        modules = ["welfare-role", "democratic-leadership", "relational-competence", "self-care"]
        assert sizes == [3, 3, 2]
        assert rows == [("a@vik.test", m) for m in modules] + [("b@vik.test", m) for m in modules]


def test_since_keeps_rows_changed_at_or_after_it(client, vik):
    _org, _people, secret = vik

    def emails(since: str) -> list[str]:
        response = client.get(URL, query_string={"since": since}, headers=bearer(secret))
        assert response.status_code == 200, response.text
        return [item["email"] for item in response.get_json()["items"]]

    assert emails("2026-03-02T08:00:00Z") == ["ase@vik.test", "bo@vik.test"]
    assert emails("2026-03-02T08:03:00Z") == ["ase@vik.test", "bo@vik.test"]  # completed then
    assert emails("2026-03-02T08:03:01Z") == ["bo@vik.test"]  # assigned at 09:03
    assert emails("2026-03-02T10:03:00+01:00") == ["bo@vik.test"]  # 09:03 UTC, at or after
    assert emails("2026-03-02T09:03:01Z") == []


@pytest.mark.parametrize(
    ("query", "detail"),
    [
        ({"since": "yesterday"}, "since: "),
        ({"since": "2026-03-02T08:00:00"}, "since: "),  # no time zone: ambiguous
        ({"limit": "0"}, "limit: "),
        ({"limit": "5001"}, "limit: "),
        ({"limit": "two"}, "limit: "),
        ({"since": "0001-01-01T00:00:00+01:00"}, "since: Value error, the moment is out of range"),
        ({"cursor": "not-a-cursor"}, "cursor: "),
        ({"limt": "10"}, "limt: Extra inputs are not permitted"),  # misspelt: not ignored
    ],
)
def test_malformed_parameters_are_400_naming_the_parameter(client, vik, query, detail):
    response = client.get(URL, query_string=query, headers=bearer(vik[2]))
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    problem = response.get_json()
    assert set(problem) == {"type", "title", "status", "detail"}
    assert (problem["type"], problem["title"], problem["status"]) == (
        "about:blank",
        "Bad Request",
        400,
    )
    assert problem["detail"].startswith(detail)


def test_a_tampered_cursor_is_400(app, client, vik):
    secret = vik[2]
    first = client.get(URL, query_string={"limit": "2"}, headers=bearer(secret)).get_json()
    cursor = first["next_cursor"]
    payload, signature = cursor.rsplit(".", 1)
    forged = URLSafeSerializer("another key", salt="leda.api.completions.cursor").dumps([1, 0])
    other_salt = URLSafeSerializer("test-secret", salt="something else").dumps([1, 0])
    for bad in (payload + "." + signature[::-1], "W1sxLDBd" + cursor[8:], forged, other_salt):
        response = client.get(URL, query_string={"cursor": bad}, headers=bearer(secret))
        assert response.status_code == 400, bad
        assert response.get_json()["detail"] == (
            "cursor: not a cursor this API gave, or changed since."
        )


def test_unknown_malformed_or_revoked_tokens_are_401_with_www_authenticate(client, vik):
    org, _people, secret = vik
    token = db.session.scalar(select(ApiToken).where(ApiToken.org_id == org.id))
    cases = [
        {}, {"Authorization": "Basic dXNlcjpwdw=="}, {"Authorization": "Bearer"},
        bearer("leda_" + "x" * 43), bearer(secret[:-1]), {"Authorization": secret},
    ]  # fmt: skip
    services.revoke_token(token, None)
    db.session.commit()
    cases.append(bearer(secret))
    for headers in cases:
        response = client.get(URL, headers=headers)
        assert response.status_code == 401, headers
        assert response.headers["WWW-Authenticate"] == "Bearer realm=Leda"
        assert response.mimetype == "application/problem+json"
        assert response.get_json() == {
            "type": "about:blank",
            "title": "Unauthorized",
            "status": 401,
            "detail": "Send an API token in use as 'Authorization: Bearer <token>'.",
        }


def test_naming_another_organisation_is_403(client, vik):
    _org, _people, secret = vik
    assert client.get(URL, query_string={"org": "vik"}, headers=bearer(secret)).status_code == 200
    response = client.get(URL, query_string={"org": "dal"}, headers=bearer(secret))
    assert response.status_code == 403
    assert response.get_json() == {
        "type": "about:blank",
        "title": "Forbidden",
        "status": 403,
        "detail": "This token reads its own organisation only.",
    }


def test_dals_token_reads_dal_only(client, vik):
    _org, _people, _secret = vik
    dal = db.session.scalar(select(ApiToken).where(ApiToken.name == "Dal HR"))
    _token, dal_secret = services.create_token(dal.organisation, "Dal lønn", None)
    db.session.commit()
    page = client.get(URL, headers=bearer(dal_secret)).get_json()
    assert [item["email"] for item in page["items"]] == ["dag@dal.test"]
    response = client.get(URL, query_string={"org": "vik"}, headers=bearer(dal_secret))
    assert response.status_code == 403


def test_every_read_is_audited_with_the_token_filters_and_rows(client, vik, clock):
    org, people, secret = vik
    token = db.session.scalar(select(ApiToken).where(ApiToken.org_id == org.id))
    first = client.get(URL, query_string={"limit": "2"}, headers=bearer(secret)).get_json()
    since = {"limit": "2", "cursor": first["next_cursor"], "since": "2026-03-02T08:00:00Z"}
    client.get(URL, query_string=since, headers=bearer(secret))
    client.get(URL, query_string={"limit": "x"}, headers=bearer(secret))  # refused: no read
    db.session.expire_all()
    reads = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "api_read").order_by(AuditEvent.id)
    ).all()
    assert [(e.org_id, e.actor_id, e.details) for e in reads] == [
        (org.id, None, {"token_id": token.id, "report": "completions", "rows": 2, "limit": 2,
                        "filters": {}}),
        (org.id, None, {"token_id": token.id, "report": "completions", "rows": 0, "limit": 2,
                        "filters": {"changed_since": "2026-03-02T08:00:00+00:00",
                                    "after": f"({people[1].id}, 0)"}}),
    ]  # fmt: skip
    assert db.session.get(ApiToken, token.id).last_used_at == datetime(2026, 3, 2, 9, 3, tzinfo=UTC)


def test_no_answer_under_the_api_is_a_page(client, vik):
    secret = vik[2]
    response = client.post(URL, headers=bearer(secret))
    assert (response.status_code, response.mimetype) == (405, "application/problem+json")
    assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}
    assert response.get_json()["title"] == "Method Not Allowed"
    response = client.get("/api/v1/nothing-here", headers=bearer(secret))
    assert (response.status_code, response.mimetype) == (404, "application/problem+json")
    assert response.get_json()["status"] == 404
