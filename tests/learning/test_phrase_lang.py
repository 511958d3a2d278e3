"""Terms of another language in a lesson carry their own lang on the page (WCAG 3.1.2): the
real course, through the test client, as a learner reading in English and in Norwegian."""

import re

import pytest
from flask.testing import FlaskClient

from app.content import current_course
from app.db import db
from tests.conftest import make_app
from tests.content.test_course import ROOT
from tests.factories import PASSWORD, make_org, make_user
from tests.helpers import running

LESSON = "/modules/democratic-leadership/lessons/openness-and-scrutiny"
SPAN = re.compile(r'<span lang="(nb|sv|en)">([^<]*)</span>')


@pytest.fixture
def real_app(database: str):
    with running(make_app(database, content=ROOT)) as application:
        yield application


def reader(real_app, locale: str) -> FlaskClient:
    user = make_user(make_org(), locale=locale)
    db.session.commit()
    client = real_app.test_client()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def test_the_english_lesson_marks_its_norwegian_and_swedish_terms(real_app):
    client = reader(real_app, "en")
    lesson = current_course().module("democratic-leadership").lesson("openness-and-scrutiny")
    before = client.get(LESSON).text
    assert SPAN.findall(before) == [
        ("nb", "offentleglova"),
        ("sv", "offentlighetsprincipen"),
        ("nb", "Sivilombudet"),
    ]
    assert '(<em><span lang="nb">offentleglova</span></em>)' in before
    option = lesson.check.options[0].id
    assert client.post(f"{LESSON}/check", data={"option": option}).status_code == 303
    page = client.get(LESSON).text
    assert SPAN.findall(page) == [
        ("nb", "offentleglova"),
        ("sv", "offentlighetsprincipen"),
        ("nb", "Sivilombudet"),
        ("nb", "kontrollutvalget"),
        ("nb", "statsforvalteren"),
    ]
    assert '<span lang="nb">statsforvalteren</span>' in page
    assert "{lang=" not in page


def test_a_marked_action_is_html_on_the_page_and_plain_in_the_journal_download(real_app):
    client = reader(real_app, "en")
    steady = "/modules/self-care/lessons/steady-in-storm"
    action = (
        "Write down three places where you can find support – for example a mentor, a fellow"
        " manager you trust and the occupational health service"
        ' (<span lang="nb">bedriftshelsetjeneste</span> in Norway,'
        ' <span lang="sv">företagshälsovård</span> in Sweden) – and find out how to reach them.'
    )
    assert f'<p lang="en">{action}</p>' in client.get(steady).text
    assert client.post(f"{steady}/commitment").status_code == 302
    journal = client.get("/journal").text
    assert f'<p class="prompt" lang="en">{action}</p>' in journal
    download = client.get("/journal.md").text
    assert (
        "occupational health service (bedriftshelsetjeneste in Norway, företagshälsovård in Sweden)"
    ) in download
    assert "{lang=" not in download and "<span" not in download


def test_the_norwegian_lesson_needs_no_marking(real_app):
    client = reader(real_app, "nb")
    page = client.get(LESSON).text
    assert "offentleglova" in page
    assert SPAN.findall(page) == []
