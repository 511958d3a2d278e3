"""Locale choice (a person's profile, else their organisation's; a visitor's pick, else
Accept-Language, else nb), content fallback, complete catalogs. More: tests/auth/test_language.py
"""

import shutil
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from app.db import db
from tests.conftest import CONTENT, make_app
from tests.factories import make_org, make_user
from tests.helpers import html_lang

TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"


def test_accept_language_picks_the_language_of_an_anonymous_visitor(client):
    assert html_lang(client.get("/login", headers={"Accept-Language": "sv-SE,sv;q=0.9"})) == "sv"
    assert html_lang(client.get("/login", headers={"Accept-Language": "nn-NO"})) == "nb"
    assert html_lang(client.get("/login", headers={"Accept-Language": "de"})) == "nb"
    assert html_lang(client.get("/login")) == "nb"


def test_the_users_choice_beats_accept_language_and_is_remembered(client, login):
    user = make_user(make_org())
    login(user)
    response = client.post("/language", data={"locale": "en", "next": "/modules/first-steps"})
    assert response.headers["Location"] == "/modules/first-steps"
    page = client.get("/modules/first-steps", headers={"Accept-Language": "sv"})
    assert html_lang(page) == "en"
    assert "<h1>First steps</h1>" in page.text
    db.session.refresh(user)
    assert user.locale == "en"


def test_the_organisations_default_applies_when_the_browser_says_nothing(client, login):
    login(make_user(make_org(default_locale="sv")))
    page = client.get("/modules/first-steps")
    assert html_lang(page) == "sv"
    assert "<h1>Första stegen</h1>" in page.text


def test_an_unknown_language_is_refused_with_a_message(client):
    response = client.post("/language", data={"locale": "de"}, headers={"Accept-Language": "en"})
    assert response.status_code == 400
    assert "That language is not available." in response.text


def test_content_missing_a_locale_falls_back_to_bokmal_with_a_notice(database, tmp_path):
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    course_file = content / "course" / "course.yaml"
    course_file.write_text(
        course_file.read_text().replace("locales: [nb, sv, en]", "locales: [nb]")
    )
    app = make_app(database, content=content)
    with app.app_context():
        user = make_user(make_org(), locale="en")
        db.session.commit()
        client = app.test_client()
        client.post("/login", data={"email": user.email, "password": "correct horse battery"})
        page = client.get("/modules/first-steps").text
        assert "<h1>Første steg</h1>" in page
        assert (
            "The course is not yet available in your language, so it is shown in Norwegian." in page
        )
        assert '<html lang="en">' in page
        db.session.remove()
        db.engine.dispose()


@pytest.mark.parametrize("locale", ["nb", "sv"])
def test_catalogs_have_no_empty_or_fuzzy_entries(locale):
    with (TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po").open("rb") as po:
        catalog = read_po(po)
    problems = [
        message.id
        for message in catalog
        if message.id
        and (
            message.fuzzy
            or not message.string
            or (isinstance(message.string, tuple) and not all(message.string))
        )
    ]
    assert problems == []


def test_catalogs_cover_every_message_in_the_template():
    with (TRANSLATIONS / "messages.pot").open("rb") as pot:
        template = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(pot) if m.id}
    for locale in ("nb", "sv", "en"):
        with (TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po").open("rb") as po:
            ids = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(po) if m.id}
        assert template - ids == set(), locale


def test_the_template_holds_every_message_in_the_code(tmp_path):
    """The .pot is extracted afresh and compared, so no string can miss the catalogs."""
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    fresh = tmp_path / "messages.pot"
    pybabel = Path(sys.executable).with_name("pybabel")
    subprocess.run(
        [str(pybabel), "extract", "-F", "babel.cfg", "-k", "_l", "-o", str(fresh), "."],
        cwd=root, check=True, capture_output=True,
    )  # fmt: skip

    def ids(path: Path) -> set[str]:
        with path.open("rb") as file:
            return {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(file) if m.id}

    assert ids(fresh) == ids(TRANSLATIONS / "messages.pot")
