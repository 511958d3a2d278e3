"""The completion page, the dashboard card, the quiz result's link and the public verify page."""

import json
import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from app.certificates.models import Certificate
from app.certificates.services import format_code
from app.db import db
from app.orgs.services import erase_user
from tests.certificates.helpers import NAME, finish_course, read_lessons
from tests.factories import make_org, make_user
from tests.helpers import quiz_answers

EN = {"Accept-Language": "en"}


@pytest.fixture
def graduate(app, clock):
    """Åse, who passed the test course's one module at 09:00 on 3 March 2026 (Oslo time)."""
    user = make_user(
        make_org(), given_name=NAME[0], family_name=NAME[1], locale="en",
        email="ase@vik.test", employee_number="4711",
    )  # fmt: skip
    clock.now = datetime(2026, 3, 3, 8, 0, tzinfo=UTC)
    finish_course(user)
    db.session.commit()
    return user


def count() -> int:
    return db.session.scalar(select(func.count()).select_from(Certificate)) or 0


def the_code() -> str:
    return format_code(db.session.scalars(select(Certificate.code)).one())


def test_a_learner_who_has_not_finished_sees_what_is_left_and_no_certificate(client, login):
    login(make_user(make_org(), locale="en"))
    page = client.get("/certificate")
    assert page.status_code == 200
    assert "<h1>Your certificate</h1>" in page.text
    assert "You get a certificate when you have passed every module of Test course." in page.text
    assert "0 of 1 modules passed" in page.text
    assert "/certificate.pdf" not in page.text
    assert client.get("/certificate.pdf").status_code == 404
    assert "See your certificate" not in client.get("/").text


def test_the_completion_page_shows_the_modules_with_dates_the_code_and_the_pdf(
    client, login, graduate, app
):
    login(graduate)
    page = client.get("/certificate").text
    code = the_code()
    assert "<h1>You have completed the course</h1>" in page
    assert "Congratulations!</strong> You have passed every module of Test course." in page
    assert '<td lang="en">First steps</td><td>March 3, 2026</td>' in page
    assert f'<strong class="code">{code}</strong>' in page
    url = f"{app.config['LEDA_BASE_URL']}/verify/{code}"
    assert f'<a href="{url}">{url}</a>' in page
    assert 'href="/certificate.pdf" download' in page


def test_the_dashboard_card_and_the_last_quiz_result_lead_to_the_certificate(client, login):
    user = make_user(make_org(), locale="en")
    login(user)
    for lesson in ("welcome", "practice"):
        client.post(f"/modules/first-steps/lessons/{lesson}/done")
    assert "See your certificate" not in client.get("/").text
    quiz = client.get("/modules/first-steps/quiz").text
    result = client.post("/modules/first-steps/quiz", data=quiz_answers(quiz))
    page = client.get(result.headers["Location"]).text
    assert '<a class="button" href="/certificate">See your certificate</a>' in page
    assert '<a href="/modules/first-steps">Back to the module</a>' in page
    dashboard = client.get("/").text
    assert '<h2 id="completion-card-title">You have completed the course</h2>' in dashboard
    assert '<a class="button" href="/certificate">See your certificate</a>' in dashboard
    assert count() == 1


def test_a_failed_quiz_result_has_no_certificate_link(client, login):
    login(make_user(make_org(), locale="en"))
    quiz = client.get("/modules/first-steps/quiz").text
    result = client.post("/modules/first-steps/quiz", data=quiz_answers(quiz, ("capital",)))
    assert "See your certificate" not in client.get(result.headers["Location"]).text


def test_a_learner_who_finished_before_certificates_gets_one_with_the_button(
    client, login, graduate
):
    db.session.execute(Certificate.__table__.delete())
    db.session.commit()
    login(graduate)
    page = client.get("/certificate").text
    assert "You have passed every module. Your certificate is ready." in page
    assert '<button type="submit" class="button">Get my certificate</button>' in page
    assert count() == 0  # a GET never writes
    response = client.post("/certificate")
    assert (response.status_code, response.headers["Location"]) == (303, "/certificate")
    code = the_code()
    client.post("/certificate")  # again: nothing more
    assert (count(), the_code()) == (1, code)
    assert "<h1>You have completed the course</h1>" in client.get("/certificate").text


def test_asking_for_a_certificate_before_finishing_is_refused_and_changes_nothing(client, login):
    user = make_user(make_org(), locale="en")
    read_lessons(user)
    login(user)
    response = client.post("/certificate")
    assert response.status_code == 409
    assert "You have not passed every module of the course yet" in response.text
    assert count() == 0


def test_verify_shows_only_what_proves_the_certificate(client, graduate):
    code = the_code()
    page = client.get(f"/verify/{code}", headers=EN)
    assert page.status_code == 200
    facts = re.search(r'<dl class="facts">(.*?)</dl>', page.text, re.S).group(1)
    assert re.sub(r"\s+", " ", facts).strip() == (
        "<dt>Name</dt><dd>Åse Ærø Ødegård</dd> "
        '<dt>Course</dt><dd lang="en">Test course</dd> '
        "<dt>Organisation</dt><dd>Vik kommune</dd> "
        "<dt>Issued on</dt><dd>March 3, 2026</dd>"
    )
    assert "This certificate is valid." in page.text
    for private in ("ase@vik.test", "4711", "First steps", "100", "score"):
        assert private not in page.text, private


@pytest.mark.parametrize("typed", ["lower", "plain"])
def test_a_code_typed_in_lower_case_or_without_hyphens_verifies(client, graduate, typed):
    code = the_code()
    path = f"/verify/{code.lower() if typed == 'lower' else code.replace('-', '')}"
    assert client.get(path).status_code == 200


@pytest.mark.parametrize(
    "code", ["ABCD-EFGH-JKMN", "not-a-code", "ÆØÅ", "0000-0000-0000", "A" * 300, "%E2%80%8B"]
)
def test_an_unknown_or_malformed_code_is_not_valid(client, graduate, code):
    page = client.get(f"/verify/{code}", headers=EN)
    assert page.status_code == 404
    assert "This is not a valid certificate code." in page.text
    assert "Åse" not in page.text


def test_an_erased_persons_certificate_no_longer_verifies(client, graduate):
    code = the_code()
    erase_user(graduate, None)
    db.session.commit()
    page = client.get(f"/verify/{code}", headers=EN)
    assert page.status_code == 404
    assert "This is not a valid certificate code." in page.text


def test_the_verify_form_sends_a_typed_code_to_its_page(client):
    form = client.get("/verify", headers=EN)
    assert form.status_code == 200
    assert '<label for="code">Verification code</label>' in form.text
    response = client.get("/verify?code=abcd+efgh+jkmn")
    assert (response.status_code, response.headers["Location"]) == (303, "/verify/ABCD-EFGH-JKMN")
    empty = client.get("/verify?code=", headers=EN)
    assert empty.status_code == 400
    assert "Enter the code printed on the certificate." in empty.text
    wrong = client.get("/verify?code=12345", headers=EN)
    assert wrong.status_code == 400
    assert "A verification code has 12 letters and digits, in groups of 4." in wrong.text


def test_failed_lookups_are_limited_per_client(client, graduate, app):
    app.config["LEDA_VERIFY_LIMIT"] = "3 per 15 minutes"
    code = the_code()
    assert client.get(f"/verify/{code}").status_code == 200  # found: not counted
    assert [client.get("/verify/ABCD-EFGH-JKMN").status_code for _ in range(3)] == [404] * 3
    limited = client.get(f"/verify/{code}", headers=EN)
    assert limited.status_code == 429
    assert "Too many requests. Wait a few minutes and try again." in limited.text


def test_the_personal_data_download_holds_the_certificate(client, login, graduate):
    login(graduate)
    data = json.loads(client.get("/account/my-data.json").text)
    [certificate] = data["certificates"]
    assert certificate["code"] == the_code().replace("-", "")
    assert certificate["issued_at"] == "2026-03-03T08:00:00+00:00"
    assert certificate["modules"] == [
        {
            "id": "first-steps",
            "version": 3,
            "title": {"nb": "Første steg", "sv": "Första stegen", "en": "First steps"},
            "completed_at": "2026-03-03T08:00:00+00:00",
        }
    ]
