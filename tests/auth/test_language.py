"""The language a person reads in: a pick on the login page stays after login and goes into
their profile; a new person starts in their organisation's language whatever the browser says;
the switcher works signed in too and brings the reader back to the same page."""

import re

import pytest
from sqlalchemy import select

from app.auth import services as auth
from app.auth.models import TokenPurpose
from app.db import db
from app.orgs import services as orgs
from app.orgs.models import AuditEvent, Role, User
from tests.factories import PASSWORD, make_org, make_user
from tests.helpers import form_value, page_language, read_outbox

ENGLISH = {"Accept-Language": "en-GB,en;q=0.9"}  # the browser every test here ignores
LINK = re.compile(r"http://127\.0\.0\.1:5000(/account/password/[A-Za-z0-9_-]{43})")
NEW_PASSWORD = "lingonberry fields forever"


def stored_locale(email: str) -> str | None:
    db.session.expire_all()
    return db.session.scalar(select(User.locale).where(User.email == email))


def audit_actions() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


# --- the login page ----------------------------------------------------------------------


@pytest.mark.parametrize("stored", ["nb", None])
def test_a_language_picked_on_the_login_page_stays_after_login_and_is_saved(app, client, stored):
    make_user(make_org(), email="ola@vik.test", locale=stored)
    response = client.post("/language", data={"locale": "sv", "next": "/login"}, headers=ENGLISH)
    assert (response.status_code, response.headers["Location"]) == (302, "/login")
    assert page_language(client.get("/login", headers=ENGLISH)) == ("sv", "Logga in")

    login = {"email": "ola@vik.test", "password": PASSWORD}
    response = client.post("/login", data=login, headers=ENGLISH)
    assert (response.status_code, response.headers["Location"]) == (302, "/")
    assert page_language(client.get("/", headers=ENGLISH)) == ("sv", "Mitt lärande")
    assert page_language(client.get("/account", headers=ENGLISH)) == ("sv", "Min profil")
    assert stored_locale("ola@vik.test") == "sv"
    assert audit_actions() == []  # a person's own language is no admin action

    other_browser = app.test_client()  # the saved choice follows the person, not the cookie
    assert other_browser.post("/login", data=login, headers=ENGLISH).status_code == 302
    assert page_language(other_browser.get("/", headers=ENGLISH)) == ("sv", "Mitt lärande")


def test_without_a_pick_the_stored_language_wins_over_the_browser(client):
    make_user(make_org(), email="ola@vik.test", locale="sv")
    assert page_language(client.get("/login", headers=ENGLISH)) == ("en", "Log in")
    response = client.post(
        "/login", data={"email": "ola@vik.test", "password": PASSWORD}, headers=ENGLISH
    )
    assert response.status_code == 302
    assert page_language(client.get("/", headers=ENGLISH)) == ("sv", "Mitt lärande")
    assert stored_locale("ola@vik.test") == "sv"


def test_a_person_without_a_stored_language_reads_their_organisations(client, login):
    """Someone an admin left on "The organisation's language" (or from before languages were
    stored) reads the organisation's default, not the browser's."""
    login(make_user(make_org(default_locale="sv"), email="ola@vik.test", locale=None))
    assert page_language(client.get("/", headers=ENGLISH)) == ("sv", "Mitt lärande")
    assert stored_locale("ola@vik.test") is None  # reading changes nothing


def test_a_pick_equal_to_the_stored_language_writes_nothing_new(client):
    make_user(make_org(), email="ola@vik.test", locale="en")
    client.post("/language", data={"locale": "en", "next": "/login"})
    client.post("/login", data={"email": "ola@vik.test", "password": PASSWORD})
    assert (stored_locale("ola@vik.test"), audit_actions()) == ("en", [])


def test_a_pick_before_a_failed_login_is_kept_for_the_next_try(client):
    make_user(make_org(), email="ola@vik.test", locale="nb")
    client.post("/language", data={"locale": "sv", "next": "/login"})
    failed = client.post("/login", data={"email": "ola@vik.test", "password": "wrong"})
    assert (failed.status_code, page_language(failed)) == (400, ("sv", "Logga in"))
    assert stored_locale("ola@vik.test") == "nb"
    client.post("/login", data={"email": "ola@vik.test", "password": PASSWORD})
    assert stored_locale("ola@vik.test") == "sv"


# --- new people --------------------------------------------------------------------------


def test_a_person_an_admin_adds_gets_the_organisations_language_in_mail_and_pages(
    client, login, outbox
):
    org = make_org(default_locale="sv")
    login(make_user(org, email="admin@vik.test", roles=[Role.ADMIN], locale="en"))
    data = {"given_name": "Sara", "family_name": "Ek", "email": "sara@vik.test",
            "employee_number": "", "unit": "", "manager_employee_number": "", "locale": "",
            "roles": ["learner"], "invite": "y"}  # fmt: skip
    assert client.post("/admin/people/new", data=data, headers=ENGLISH).status_code == 302
    assert stored_locale("sara@vik.test") == "sv"

    [message] = read_outbox(outbox)
    assert message["Content-Language"] == "sv"
    text = message.get_body(("plain",)).get_content()
    assert text.startswith("Hej Sara,\n")
    client.post("/logout")

    path = LINK.search(text)[1]
    page = client.get(path, headers=ENGLISH)
    assert page_language(page) == ("sv", "Välj ditt lösenord")
    assert "Hej, Sara. Välj ett lösenord för ditt Leda-konto i Vik kommune." in page.text
    response = client.post(
        path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}, headers=ENGLISH
    )
    assert (response.status_code, response.headers["Location"]) == (302, "/login")
    page = client.get("/login", headers=ENGLISH)  # the language the password was set in
    assert page_language(page) == ("sv", "Logga in")
    assert "Ditt lösenord är sparat. Logga in med det nu." in page.text

    login = {"email": "sara@vik.test", "password": NEW_PASSWORD}
    assert client.post("/login", data=login, headers=ENGLISH).status_code == 302
    assert page_language(client.get("/", headers=ENGLISH)) == ("sv", "Mitt lärande")
    assert stored_locale("sara@vik.test") == "sv"


def test_an_admin_may_still_give_a_new_person_a_language_of_their_own(client, login):
    org = make_org(default_locale="sv")
    login(make_user(org, email="admin@vik.test", roles=[Role.ADMIN], locale="en"))
    data = {"given_name": "Per", "family_name": "Ås", "email": "per@vik.test",
            "employee_number": "", "unit": "", "manager_employee_number": "", "locale": "nb",
            "roles": ["learner"]}  # fmt: skip
    assert client.post("/admin/people/new", data=data).status_code == 302
    assert stored_locale("per@vik.test") == "nb"


def test_a_person_made_on_the_command_line_gets_the_organisations_language(runner, client):
    runner.invoke(args=["org", "create", "vik", "--name", "Vik kommune", "--locale", "sv"])
    result = runner.invoke(args=["users", "create", "--org", "vik", "--email", "it@vik.no",
                                 "--given-name", "Ida", "--role", "admin"])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert stored_locale("it@vik.no") == "sv"
    path = LINK.search(result.output)[1]
    assert page_language(client.get(path, headers=ENGLISH)) == ("sv", "Välj ditt lösenord")

    result = runner.invoke(args=["users", "create", "--org", "vik", "--email", "en@vik.no",
                                 "--locale", "en"])  # fmt: skip
    assert (result.exit_code, stored_locale("en@vik.no")) == (0, "en")


@pytest.mark.parametrize(
    ("header", "cells"),
    [
        ("ansattnummer;e-post;fornavn;etternavn", ""),
        ("ansattnummer;e-post;fornavn;etternavn;språk", ";"),
    ],
    ids=["no-language-column", "empty-language-cell"],
)
def test_people_an_import_adds_get_the_organisations_language(app, header, cells):
    org = make_org(default_locale="sv")
    data = f"{header}\n1001;anne@vik.no;Anne;Ås{cells}\n".encode()
    orgs.apply_import(org, data, None)
    db.session.commit()
    assert stored_locale("anne@vik.no") == "sv"


def test_an_import_keeps_the_language_a_file_gives_a_new_person(app):
    org = make_org(default_locale="sv")
    orgs.apply_import(
        org, b"ansattnummer;e-post;fornavn;etternavn;spr\xc3\xa5k\n7;b@vik.no;B;C;en\n", None
    )
    db.session.commit()
    assert stored_locale("b@vik.no") == "en"


def test_a_later_import_leaves_a_persons_own_pick_unless_the_file_names_a_language(app):
    org = make_org()
    make_user(org, email="anne@vik.no", employee_number="1001", locale="sv")
    for cell, stored in (("", "sv"), ("english", "en")):
        data = f"ansattnummer;e-post;fornavn;etternavn;språk\n1001;anne@vik.no;Anne;Ås;{cell}\n"
        orgs.apply_import(org, data.encode(), None)
        db.session.commit()
        assert stored_locale("anne@vik.no") == stored


def test_a_person_made_by_a_service_call_gets_the_organisations_language(app):
    org = make_org(default_locale="sv")
    user = orgs.create_user(org, email="eva@vik.test", given_name="Eva", family_name="Ås")
    assert user.locale == "sv"


def test_a_reset_link_opens_in_the_persons_language_whatever_the_browser(client):
    user = make_user(make_org(), email="ola@vik.test", locale="nb")
    token = auth.issue_token(user, TokenPurpose.PASSWORD_RESET)
    page = client.get(f"/account/password/{token}", headers=ENGLISH)
    assert page_language(page) == ("nb", "Velg passordet ditt")
    weak = client.post(f"/account/password/{token}", data={"password": "short pass",
                       "confirm": "short pass"}, headers=ENGLISH)  # fmt: skip
    assert (weak.status_code, page_language(weak)) == (400, ("nb", "Velg passordet ditt"))


def test_a_language_picked_on_the_set_password_page_wins_and_is_saved_at_login(client):
    user = make_user(make_org(), email="ola@vik.test", locale="nb")
    user.password_hash = None
    token = auth.issue_token(user, TokenPurpose.INVITATION)
    path = f"/account/password/{token}"
    response = client.post("/language", data={"locale": "en", "next": path})
    assert response.headers["Location"] == path
    assert page_language(client.get(path)) == ("en", "Choose your password")
    client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert page_language(client.get("/login")) == ("en", "Log in")
    client.post("/login", data={"email": "ola@vik.test", "password": NEW_PASSWORD})
    assert stored_locale("ola@vik.test") == "en"


# --- the switcher ------------------------------------------------------------------------


def test_the_switcher_signed_in_saves_the_profile_and_stays_on_the_page(client, login):
    login(make_user(make_org(), email="ola@vik.test", locale="nb"))
    page = client.get("/modules/first-steps/lessons/welcome?from=menu")
    assert form_value(page.text, "next") == "/modules/first-steps/lessons/welcome?from=menu"
    response = client.post("/language", data={"locale": "sv", "next": "/account"})
    assert (response.status_code, response.headers["Location"]) == (302, "/account")
    profile = client.get("/account", headers=ENGLISH)
    assert page_language(profile) == ("sv", "Min profil")
    assert '<dt>Språk</dt><dd>Svenska – <a href="#languages">Byt språk</a></dd>' in profile.text
    assert '<fieldset id="languages">' in profile.text
    assert stored_locale("ola@vik.test") == "sv"
    assert audit_actions() == []


def test_the_switcher_on_a_page_without_a_query_returns_to_the_bare_path(client, login):
    login(make_user(make_org(), email="ola@vik.test", locale="nb"))
    assert form_value(client.get("/account").text, "next") == "/account"


def test_the_switcher_under_a_refused_form_returns_to_that_forms_page(client):
    make_user(make_org(), email="ola@vik.test", locale="nb")
    failed = client.post("/login?next=/account", data={"email": "ola@vik.test", "password": "x"})
    assert failed.status_code == 400
    assert form_value(failed.text, "next") == "/login?next=/account"
    refused = client.post("/language", data={"locale": "de"})  # no GET page at /language
    assert (refused.status_code, form_value(refused.text, "next")) == (400, "")


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example/",
        "\\\\evil.example/",
        "/\t/evil.example/",
        "/\r\nSet-Cookie: x=1",
        "javascript:alert(1)",
        "evil.example",
        "",
    ],
)
def test_the_switcher_never_sends_anyone_off_the_site(client, login, target):
    login(make_user(make_org(), email="ola@vik.test", locale="nb"))
    response = client.post("/language", data={"locale": "en", "next": target})
    assert (response.status_code, response.headers["Location"]) == (302, "/")
    assert stored_locale("ola@vik.test") == "en"


def test_an_unknown_language_changes_nothing_for_a_signed_in_person(client, login):
    login(make_user(make_org(), email="ola@vik.test", locale="sv"))
    response = client.post("/language", data={"locale": "de", "next": "/account"})
    assert response.status_code == 400
    assert page_language(response) == ("sv", "Det gick inte")
    assert "Det språket finns inte. Välj Norsk bokmål, Svenska eller English." in response.text
    assert stored_locale("ola@vik.test") == "sv"
