"""Nothing typed in a reflection is lost: "Mark as done" saves it, a save after the session ended
finishes at the next login, a stale CSRF token gives the text back, and the confirmation stands
beside the form."""

import re
from datetime import timedelta

import pytest
from flask.testing import FlaskClient
from lxml import html
from sqlalchemy import select

from app.auth import services as auth
from app.content import current_course
from app.db import db
from app.learning import services
from app.learning.models import (
    Commitment,
    LessonProgress,
    PendingReflection,
    PendingStep,
    Reflection,
)
from app.orgs.models import User
from tests.conftest import Clock, make_app
from tests.factories import PASSWORD, make_org, make_user
from tests.helpers import form_value, open_page, running

LESSON = "/modules/first-steps/lessons/welcome"
LOGIN_AGAIN = "/login?next=/modules/first-steps/lessons/welcome%23reflection"
TEXT = "Første linje.\r\nAndre linje – med æ, ø og å."


def reflections() -> list[tuple[int, str, str, int, str]]:
    db.session.expire_all()
    return [
        (r.user_id, r.module_id, r.lesson_id, r.module_version, r.text)
        for r in db.session.scalars(select(Reflection).order_by(Reflection.id))
    ]


def status(page: str, region: str) -> list[str]:
    """The messages in one of the lesson page's status regions."""
    [node] = html.fromstring(page).xpath(f"//*[@id='{region}']")
    assert node.get("role") == "status"
    return [p.text_content() for p in node.xpath("./p")]


def top_messages(page: str) -> list[str]:
    return [p.text_content() for p in html.fromstring(page).xpath("//div[@class='flash']/p")]


def log_in(client: FlaskClient, user: User, path: str = "/login") -> str:
    response = client.post(path, data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.text
    return response.headers["Location"]


def test_the_lesson_page_sends_the_reflection_with_every_button(client, login):
    login(make_user(make_org(), locale="en"))
    page = html.fromstring(client.get(LESSON).text)
    [form] = page.xpath("//form[@id='lesson-form']")
    assert form.get("action") == f"{LESSON}/reflection"
    assert [b.get("formaction") for b in form.xpath(".//button[@type='submit']")] == [
        None,  # "Save reflection": the form's own action, first (reflect, then decide)
        f"{LESSON}/commitment",
        f"{LESSON}/done",
    ]
    assert [t.get("name") for t in form.xpath(".//textarea")] == ["text"]
    assert form.xpath(".//input[@name='owner']/@type") == ["hidden"]


def test_a_reflection_typed_and_then_mark_as_done_is_stored(client, login, clock):
    user = make_user(make_org(), locale="en")
    login(user)
    page = client.get(LESSON).text
    response = client.post(
        f"{LESSON}/done", data={"text": TEXT, "owner": form_value(page, "owner")}
    )
    assert (response.status_code, response.headers["Location"]) == (
        302,
        "/modules/first-steps/lessons/practice",
    )
    assert reflections() == [(user.id, "first-steps", "welcome", 3, TEXT)]
    assert db.session.scalars(select(Reflection.updated_at)).one() == clock.now
    progress = db.session.scalars(select(LessonProgress)).one()
    assert (progress.lesson_id, progress.completed_at) == ("welcome", clock.now)
    following = client.get(response.headers["Location"]).text
    assert top_messages(following) == [
        "Your reflection on “Welcome” is saved. Only you can see it."
    ]
    assert TEXT.replace("\r\n", "\n") in client.get(LESSON).text.replace("\r\n", "\n")


def test_mark_as_done_with_an_untouched_box_changes_no_reflection(client, login, clock):
    user = make_user(make_org(), locale="en")
    login(user)
    client.post(f"{LESSON}/reflection", data={"text": "Mitt svar"})
    client.get(LESSON)
    saved_at = clock.now
    clock.advance(60)
    response = client.post(f"{LESSON}/done", data={"text": "Mitt svar"})
    assert top_messages(client.get(response.headers["Location"]).text) == []
    client.post(f"{LESSON}/done")  # a form without the box (an old page) leaves it alone too
    assert reflections() == [(user.id, "first-steps", "welcome", 3, "Mitt svar")]
    assert db.session.scalars(select(Reflection.updated_at)).one() == saved_at
    client.post("/modules/first-steps/lessons/practice/done", data={"text": "   "})
    assert len(reflections()) == 1  # nothing typed, nothing stored


def test_a_too_long_reflection_with_mark_as_done_keeps_the_text_and_marks_nothing(client, login):
    login(make_user(make_org(), locale="en"))
    response = client.post(f"{LESSON}/done", data={"text": "ø" * 5001})
    assert response.status_code == 400
    assert "Keep it under 5000 characters." in response.text
    assert "ø" * 5001 in response.text
    assert reflections() == []
    assert db.session.scalars(select(LessonProgress)).all() == []


def test_the_confirmation_stands_beside_the_form_not_at_the_top(client, login):
    login(make_user(make_org(), locale="en"))
    response = client.post(f"{LESSON}/reflection", data={"text": "Mitt svar"})
    assert response.headers["Location"] == f"{LESSON}#reflection"
    page = client.get(LESSON).text
    assert status(page, "reflection-status") == [
        "Your reflection on “Welcome” is saved. Only you can see it."
    ]
    assert top_messages(page) == []
    [region] = html.fromstring(page).xpath("//*[@id='reflection-status']")
    assert region.xpath("ancestor::section/@id") == ["reflection"]
    assert status(client.get(LESSON).text, "reflection-status") == []  # shown once


def end_by_logout(client: FlaskClient, user: User) -> None:
    """Logged out in another tab, which then showed the login page."""
    client.post("/logout")
    client.get("/login")


def end_on_the_server(client: FlaskClient, user: User) -> None:
    """Logged out in another browser, deactivated and back, a new password: the cookie stays."""
    auth.end_sessions(db.session.get(User, user.id))
    db.session.commit()


def end_by_idle_timeout(client: FlaskClient, user: User) -> None:
    client.delete_cookie("session")  # the browser drops a cookie past its maximum age


@pytest.mark.parametrize("end", [end_by_logout, end_on_the_server, end_by_idle_timeout])
def test_a_save_after_logout_completes_after_login_with_the_same_text(client, login, clock, end):
    user = make_user(make_org(), locale="en")
    login(user)
    owner = form_value(client.get(LESSON).text, "owner")
    end(client, user)
    clock.advance(600)

    english = {"Accept-Language": "en"}  # the browser's language, now that nobody is logged in
    response = client.post(
        f"{LESSON}/reflection", data={"text": TEXT, "owner": owner}, headers=english
    )
    assert (response.status_code, response.headers["Location"]) == (302, LOGIN_AGAIN)
    assert reflections() == []
    kept = db.session.scalars(select(PendingReflection)).one()
    assert (kept.user_id, kept.module_id, kept.lesson_id, kept.text, kept.step) == (
        user.id,
        "first-steps",
        "welcome",
        TEXT,
        PendingStep.SAVE,
    )
    login_page = client.get(LOGIN_AGAIN, headers=english).text
    assert top_messages(login_page) == [
        "Your session has ended. Log in again and your reflection will be saved."
    ]

    assert log_in(client, user, LOGIN_AGAIN) == f"{LESSON}#reflection"
    assert reflections() == [(user.id, "first-steps", "welcome", 3, TEXT)]
    assert db.session.scalars(select(PendingReflection)).all() == []
    page = client.get(f"{LESSON}").text
    assert status(page, "reflection-status") == [
        "Your reflection on “Welcome” is saved. Only you can see it."
    ]
    assert top_messages(page) == []


def test_with_csrf_on_a_stale_token_loses_no_text(database: str, clock: Clock) -> None:
    """CSRF checking as in production: the token of an ended session must not cost the text."""
    with running(make_app(database, WTF_CSRF_ENABLED=True)) as application:
        user = make_user(make_org(), locale="en")
        db.session.commit()
        client = application.test_client()

        def log_in_with_token() -> str:
            page = client.get("/login").text
            data = {"email": user.email, "password": PASSWORD}
            response = client.post(
                LOGIN_AGAIN, data={**data, "csrf_token": form_value(page, "csrf_token")}
            )
            assert response.status_code == 302, response.text
            return response.headers["Location"]

        log_in_with_token()
        lesson = open_page(client, LESSON).text
        stale = {
            "csrf_token": form_value(lesson, "csrf_token"),
            "owner": form_value(lesson, "owner"),
        }
        client.post("/logout", data={"csrf_token": stale["csrf_token"]})

        # Logged out: kept for the login, although the token is stale.
        response = client.post(f"{LESSON}/reflection", data={**stale, "text": "Først"})
        assert (response.status_code, response.headers["Location"]) == (302, LOGIN_AGAIN)
        assert log_in_with_token() == f"{LESSON}#reflection"
        assert reflections() == [(user.id, "first-steps", "welcome", 3, "Først")]

        # Logged in again elsewhere meanwhile: the old page's token is stale, the page comes
        # back with the text in the box and nothing changed.
        response = client.post(f"{LESSON}/done", data={**stale, "text": "Så dette"})
        assert response.status_code == 400
        assert "This form has expired. Please submit it again." in response.text
        # (HTML drops the newline that opens a textarea's content)
        box = html.fromstring(response.text).xpath("//textarea[@name='text']/text()")
        assert box == ["\nSå dette"]
        assert reflections() == [(user.id, "first-steps", "welcome", 3, "Først")]
        assert db.session.scalars(select(LessonProgress.completed_at)).all() == [None]
        fresh = form_value(response.text, "csrf_token")
        response = client.post(f"{LESSON}/done", data={**stale, "csrf_token": fresh,
                                                        "text": "Så dette"})  # fmt: skip
        assert response.status_code == 302
        assert reflections() == [(user.id, "first-steps", "welcome", 3, "Så dette")]


def test_mark_as_done_after_logout_finishes_after_login_and_goes_on(client, login, clock):
    user = make_user(make_org(), locale="en")
    login(user)
    owner = form_value(client.get(LESSON).text, "owner")
    client.post("/logout")
    response = client.post(f"{LESSON}/done", data={"text": "Ferdig", "owner": owner})
    next_lesson = "/modules/first-steps/lessons/practice"
    assert response.headers["Location"] == "/login?next=/modules/first-steps/lessons/practice"
    assert log_in(client, user, response.headers["Location"]) == next_lesson
    assert reflections() == [(user.id, "first-steps", "welcome", 3, "Ferdig")]
    progress = db.session.scalars(select(LessonProgress)).one()
    assert (progress.lesson_id, progress.completed_at) == ("welcome", clock.now)
    assert top_messages(client.get(next_lesson).text) == [
        "“Welcome” is marked as done.",
        "Your reflection on “Welcome” is saved. Only you can see it.",
    ]


def test_i_will_try_this_after_logout_is_noted_after_login(client, login, clock):
    user = make_user(make_org(), locale="en")
    login(user)
    owner = form_value(client.get(LESSON).text, "owner")
    client.post("/logout")
    response = client.post(f"{LESSON}/commitment", data={"text": "", "owner": owner})
    assert log_in(client, user, response.headers["Location"]) == f"{LESSON}#action"
    commitment = db.session.scalars(select(Commitment)).one()
    assert (commitment.user_id, commitment.lesson_id, commitment.created_at) == (
        user.id,
        "welcome",
        clock.now,
    )
    assert reflections() == []
    page = client.get(LESSON).text
    assert status(page, "action-status") == [
        "Noted. Leda will ask you how it went after one week and after four weeks."
    ]
    assert status(page, "reflection-status") == []


def test_only_the_author_gets_the_kept_text_when_someone_else_logs_in(client, login):
    org = make_org()
    author = make_user(org, email="a@vik.test", locale="en")
    other = make_user(org, email="b@vik.test", locale="en")
    login(author)
    owner = form_value(client.get(LESSON).text, "owner")
    client.post("/logout")
    client.post(f"{LESSON}/reflection", data={"text": "Forfatterens tekst", "owner": owner})

    log_in(client, other, LOGIN_AGAIN)
    assert reflections() == []
    page = client.get(LESSON).text
    assert "Forfatterens tekst" not in page
    assert status(page, "reflection-status") == []
    client.post("/logout")

    log_in(client, author)  # later, even from another device
    assert reflections() == [(author.id, "first-steps", "welcome", 3, "Forfatterens tekst")]


@pytest.mark.parametrize(
    "owner",
    ["", "not-a-token", "forged-by-the-other-lesson", "eight-days-old"],
)
def test_a_form_nobody_can_be_named_for_gives_the_text_back_to_copy(client, login, clock, owner):
    author = make_user(make_org(), locale="en")
    login(author)
    page = client.get(LESSON).text
    if owner == "forged-by-the-other-lesson":
        owner = form_value(client.get("/modules/first-steps/lessons/practice").text, "owner")
    elif owner == "eight-days-old":
        owner = form_value(page, "owner")
        clock.advance(int(timedelta(days=7).total_seconds()) + 1)
    client.post("/logout")
    response = client.post(
        f"{LESSON}/reflection", data={"text": "Ikke <b>mist</b> meg", "owner": owner},
        headers={"Accept-Language": "en"},
    )  # fmt: skip
    assert response.status_code == 401
    assert "<h1>Your session has ended</h1>" in response.text
    tree = html.fromstring(response.text)
    assert tree.xpath("//textarea[@id='kept-text']/text()") == ["Ikke <b>mist</b> meg"]
    assert tree.xpath("//a[@class='button']/@href") == [LOGIN_AGAIN]
    assert db.session.scalars(select(PendingReflection)).all() == []


def test_a_token_for_a_deactivated_person_keeps_nothing(client, login):
    from app.orgs.services import deactivate_user

    author = make_user(make_org(), locale="en")
    login(author)
    owner = form_value(client.get(LESSON).text, "owner")
    deactivate_user(db.session.get(User, author.id), None)
    db.session.commit()
    response = client.post(f"{LESSON}/reflection", data={"text": "Tekst", "owner": owner})
    assert response.status_code == 401
    assert db.session.scalars(select(PendingReflection)).all() == []


def test_nothing_typed_and_no_session_is_just_a_login_that_lands_on_the_lesson(client):
    response = client.post(f"{LESSON}/done")
    assert (response.status_code, response.headers["Location"]) == (302, LOGIN_AGAIN)
    user = make_user(make_org())
    assert log_in(client, user, LOGIN_AGAIN) == f"{LESSON}#reflection"
    assert client.get(LESSON).status_code == 200  # a page, not the 405 of a POST-only address


def test_a_kept_text_waits_one_day(client, login, clock):
    user = make_user(make_org(), locale="en")
    login(user)
    owner = form_value(client.get(LESSON).text, "owner")
    client.post("/logout")
    client.post(f"{LESSON}/reflection", data={"text": "For sent", "owner": owner})
    clock.advance(int(services.PENDING_LIFETIME.total_seconds()))
    log_in(client, user)
    assert reflections() == []
    assert db.session.scalars(select(PendingReflection)).all() == []


def test_a_text_saved_elsewhere_later_is_not_overwritten_by_the_kept_one(app, client, login, clock):
    user = make_user(make_org(), locale="en")
    phone = app.test_client()
    log_in(phone, user)
    login(user)
    owner = form_value(client.get(LESSON).text, "owner")
    client.post("/logout")
    clock.advance(10)
    client.post(f"{LESSON}/reflection", data={"text": "Eldre tekst", "owner": owner})
    clock.advance(60)
    phone.post(f"{LESSON}/reflection", data={"text": "Nyere tekst"})
    log_in(client, user, LOGIN_AGAIN)
    assert reflections() == [(user.id, "first-steps", "welcome", 3, "Nyere tekst")]
    assert db.session.scalars(select(PendingReflection)).all() == []
    assert status(client.get(LESSON).text, "reflection-status") == [
        "Your reflection on “Welcome” was changed elsewhere after you sent this one, so the "
        "newer text is kept."
    ]


def test_kept_texts_are_purged_after_a_day_and_erased_with_their_author(app, clock):
    from app.orgs.services import erase_user, purge_inactive

    org = make_org()
    module = current_course().modules[0]
    old, recent = make_user(org, email="old@vik.test"), make_user(org, email="new@vik.test")
    services.keep_pending(old, module, "welcome", "Gammel", PendingStep.SAVE)
    clock.advance(int(services.PENDING_LIFETIME.total_seconds()))
    services.keep_pending(recent, module, "welcome", "Ny", PendingStep.SAVE)
    services.keep_pending(recent, module, "practice", "Også ny", PendingStep.SAVE)
    db.session.commit()
    purge_inactive(30)
    assert db.session.scalars(
        select(PendingReflection.text).order_by(PendingReflection.id)
    ).all() == [
        "Ny",
        "Også ny",
    ]
    erase_user(recent, None)
    assert db.session.scalars(select(PendingReflection)).all() == []


def test_the_owner_token_names_the_person_and_the_lesson(app):
    user = make_user(make_org())
    module = current_course().modules[0]
    token = services.owner_token(user, module, "welcome")
    assert services.form_owner(token, module, "welcome") is user
    assert services.form_owner(token, module, "practice") is None
    assert services.form_owner(token + "x", module, "welcome") is None
    assert re.fullmatch(r"[A-Za-z0-9_.-]+", token)
