"""Pages rendered once for everyone in the same state (app/pages.py), on the lesson page: the
next reader gets the kept page with their own CSRF token and form owner; a change of state, of
roles or of language is a page of its own; flashed messages are shown, never kept."""

import re
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask, template_rendered
from flask.testing import FlaskClient
from flask_login import login_user
from lxml import html
from sqlalchemy import select

from app.db import db
from app.learning import services
from app.learning.models import Reflection
from app.orgs.models import Organisation, Role, User
from app.pages import shared_page
from tests.conftest import make_app
from tests.factories import PASSWORD, make_org, make_user
from tests.helpers import form_value, log_in_through_form, running

LESSON = "/modules/first-steps/lessons/welcome"
CHECKED = "/modules/first-steps/lessons/practice"  # a lesson with a check
TOKENS = re.compile(r'name="(csrf_token|owner)"([^>]*)value="[^"]*"')


@contextmanager
def rendered(app: Flask) -> Iterator[list[str]]:
    """The names of the templates rendered meanwhile (Flask's own signal)."""
    names: list[str] = []

    def record(sender, template, context, **extra):  # type: ignore[no-untyped-def]
        names.append(template.name)

    template_rendered.connect(record, app)
    try:
        yield names
    finally:
        template_rendered.disconnect(record, app)


def without_tokens(page: str) -> str:
    return TOKENS.sub(r'name="\1"\2value=""', page)


def reader(app: Flask, org: Organisation, email: str, **person: object) -> FlaskClient:
    """A test client of its own, logged in as a new person of ``org``."""
    make_user(org, email=email, **person)
    db.session.commit()
    client = app.test_client()
    log_in_through_form(client, email, PASSWORD)
    return client


def box(page: str) -> str:
    """The text in the lesson's reflection box (a browser drops the newline after the tag)."""
    [area] = html.fromstring(page).xpath("//textarea[@name='text']")
    return (area.text or "").removeprefix("\r\n").removeprefix("\n")


def test_the_next_reader_in_the_same_state_gets_the_kept_page_with_their_own_tokens(app):
    org = make_org()
    first = reader(app, org, "a@vik.test", locale="en")
    second = reader(app, org, "b@vik.test", locale="en")
    with rendered(app) as names:
        one = first.get(LESSON).text
        other = second.get(LESSON).text
    assert names == ["learning/lesson.html"]  # the second page is the first one, kept
    assert without_tokens(one) == without_tokens(other)
    assert form_value(one, "csrf_token") != form_value(other, "csrf_token")
    module = app.extensions["leda_course"].module("first-steps")
    owner = services.form_owner(form_value(other, "owner"), module, "welcome")
    assert isinstance(owner, User) and owner.email == "b@vik.test"


def test_a_kept_page_carries_a_csrf_token_that_works_for_its_reader(database, outbox):
    with running(make_app(database, LEDA_MAIL_OUTBOX=str(outbox), WTF_CSRF_ENABLED=True)) as app:
        org = make_org()
        clients = [reader(app, org, email, locale="en") for email in ("a@vik.test", "b@vik.test")]
        clients[0].get(LESSON)
        with rendered(app) as names:
            page = clients[1].get(LESSON).text
        assert names == []
        sent = clients[1].post(
            f"{LESSON}/reflection",
            data={
                "csrf_token": form_value(page, "csrf_token"),
                "owner": form_value(page, "owner"),
                "text": "Mine, not hers.",
            },
        )
        assert sent.status_code == 302, sent.text
        [written] = _reflections()
        assert (db.session.get(User, written.user_id).email, written.text) == (
            "b@vik.test",
            "Mine, not hers.",
        )


def _reflections() -> list[Reflection]:
    db.session.expire_all()
    return db.session.scalars(select(Reflection).order_by(Reflection.id)).all()


def test_what_a_reader_does_makes_their_page_new_and_leaves_the_others_alone(app):
    org = make_org()
    writer = reader(app, org, "a@vik.test", locale="en")
    other = reader(app, org, "b@vik.test", locale="en")
    page = writer.get(LESSON).text
    assert other.get(LESSON).text.count("You have marked this lesson as done.") == 0
    done = writer.post(f"{LESSON}/done", data={"owner": form_value(page, "owner")})
    writer.get(done.headers["Location"])  # the next lesson, with the flash: shown and gone
    with rendered(app) as names:
        mine = writer.get(LESSON).text
        theirs = other.get(LESSON).text
    assert names == ["learning/lesson.html"]  # the writer's page is new; the other's is kept
    assert "You have marked this lesson as done." in mine
    assert "You have marked this lesson as done." not in theirs


def test_nobody_sees_another_readers_answer_commitment_or_reflection(app):
    org = make_org()
    first = reader(app, org, "a@vik.test", locale="en")
    second = reader(app, org, "b@vik.test", locale="en")
    first.post(f"{CHECKED}/check", data={"option": "plan"})
    page = first.get(LESSON).text
    first.post(f"{LESSON}/commitment", data={"owner": form_value(page, "owner"), "text": "Mine."})
    first.get(LESSON)  # the commitment's confirmation shown (a page with it is never kept)
    with rendered(app) as names:
        mine = [first.get(path).text for path in (LESSON, CHECKED)]
        theirs = [second.get(path).text for path in (LESSON, CHECKED)]
    # Rendered: the first reader's two pages (their own) and the second reader's unanswered
    # check. Kept: the lesson as it was before the first reader wrote anything, which is what
    # the second reader's state shows.
    assert names == ["learning/lesson.html"] * 3
    assert "You decided to try this on" in mine[0] and box(mine[0]) == "Mine."
    assert "That is the better choice." in mine[1]
    assert "You decided to try this on" not in theirs[0] and box(theirs[0]) == ""
    assert "That is the better choice." not in theirs[1]
    assert f'action="{CHECKED}/check"' in theirs[1]  # the check's form, still to answer


def test_an_address_with_a_query_or_a_page_with_errors_is_never_kept(app):
    org = make_org()
    client = reader(app, org, "a@vik.test", locale="en")
    refused = client.post(f"{CHECKED}/check", data={})
    assert refused.status_code == 400
    with rendered(app) as names:
        client.get(f"{LESSON}?x=1")
        client.get(f"{LESSON}?x=1")
    assert names == ["learning/lesson.html"] * 2
    assert len(app.extensions["leda_pages"].kept) == 0


def test_roles_and_languages_each_have_their_own_page(app):
    org = make_org()
    learner = reader(app, org, "a@vik.test", locale="en")
    manager = reader(app, org, "b@vik.test", locale="en", roles=(Role.LEARNER, Role.MANAGER))
    norwegian = reader(app, org, "c@vik.test", locale="nb")
    with rendered(app) as names:
        pages = [client.get(LESSON).text for client in (learner, manager, norwegian)]
    assert names == ["learning/lesson.html"] * 3
    team = [">My team<" in page for page in pages]
    assert team == [False, True, False]
    assert [html.fromstring(page).get("lang") for page in pages] == ["en", "en", "nb"]


def test_flashed_messages_are_shown_once_and_never_kept(app):
    org = make_org()
    writer = reader(app, org, "a@vik.test", locale="en")
    page = writer.get(LESSON).text
    saved = writer.post(
        f"{LESSON}/reflection", data={"owner": form_value(page, "owner"), "text": "Noted."}
    )
    assert saved.status_code == 302
    with rendered(app) as names:
        after = writer.get(saved.headers["Location"]).text
        again = writer.get(LESSON).text
    assert names == ["learning/lesson.html", "learning/lesson.html"]  # a flash: not kept
    saying = "is saved. Only you can see it."
    assert saying in after
    assert saying not in again


def test_a_cache_of_size_zero_renders_every_page(database, outbox):
    with running(make_app(database, LEDA_MAIL_OUTBOX=str(outbox), LEDA_PAGE_CACHE_MB=0)) as app:
        client = reader(app, make_org(), "a@vik.test", locale="en")
        with rendered(app) as names:
            client.get(LESSON)
            client.get(LESSON)
        assert names == ["learning/lesson.html"] * 2


def test_a_page_that_names_its_reader_is_never_kept(app):
    """The guard behind the views' keys: a page showing the reader's e-mail or name (a template
    changed, its view's state not) goes to that reader alone."""
    user = make_user(make_org(), email="a@vik.test", given_name="Åse", family_name="Li")
    db.session.commit()
    kept = app.extensions["leda_pages"].kept
    counts = []
    with app.test_request_context(LESSON):
        login_user(user)
        for shown in ("a@vik.test", "Åse Li", "nothing of theirs"):
            page = shared_page(shown, lambda shown=shown: f"<p>{shown}</p>")
            assert page == f"<p>{shown}</p>"
            counts.append(len(kept))
    assert counts == [0, 0, 1]
