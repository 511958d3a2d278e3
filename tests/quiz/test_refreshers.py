"""Refreshers: scheduled when a module is first passed, shown and mailed when due, answered once."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.content import current_course
from app.db import db
from app.orgs.services import erase_user
from app.quiz.models import QuizAnswer, Refresher
from app.quiz.pools import draw
from app.quiz.refreshers import mail_due_refreshers
from app.quiz.services import submit_attempt
from tests.factories import make_org, make_user
from tests.helpers import POOL_OF, RIGHT_ANSWERS, WRONG_ANSWERS, form_value, read_outbox

DAY = 24 * 3600
TOKEN = "0f9e6a43-2b51-4c1f-9a65-a8d1d3f1c2b0"  # draws capital-sweden, nordic-capitals, water


def pass_module(user, token=TOKEN):
    module = current_course().module("first-steps")
    answers = {q.id: RIGHT_ANSWERS[q.id] for q in draw(module, token)}
    return submit_attempt(user, module, token, module.version, answers)


def refreshers(user):
    return db.session.scalars(
        select(Refresher).where(Refresher.user_id == user.id).order_by(Refresher.number)
    ).all()


def test_a_first_pass_schedules_three_refreshers_of_unseen_variants_first(app, clock):
    user = make_user(make_org())
    pass_module(user)
    scheduled = refreshers(user)
    assert [(r.number, r.due_at - clock.now) for r in scheduled] == [
        (1, timedelta(days=2)),
        (2, timedelta(days=7)),
        (3, timedelta(days=30)),
    ]
    # the attempt asked capital-sweden, nordic-capitals and water: the first refresher asks
    # the other variant of each pool, in the module's order
    assert scheduled[0].question_ids == ["capital", "nordic", "ice"]
    assert all(
        sorted(POOL_OF[q] for q in r.question_ids) == ["capital", "nordic", "water"]
        for r in scheduled
    )
    pass_module(user, "3b2d8e0c-6a4f-4f7e-8c1d-9e5b7a2c4d61")  # a second pass
    assert len(refreshers(user)) == 3


def test_a_failed_attempt_schedules_nothing(app):
    user = make_user(make_org())
    module = current_course().module("first-steps")
    answers = {q.id: WRONG_ANSWERS[q.id] for q in draw(module, TOKEN)}
    submit_attempt(user, module, TOKEN, module.version, answers)
    assert refreshers(user) == []


def test_an_organisation_that_turns_refreshers_off_gets_none(app, clock, client, login, outbox):
    org = make_org()
    org.refreshers_enabled = False
    user = make_user(org, locale="en")
    pass_module(user)
    assert refreshers(user) == []
    org.refreshers_enabled = True
    pass_module(make_user(org, email="other@vik.test"), "3b2d8e0c-6a4f-4f7e-8c1d-9e5b7a2c4d61")
    org.refreshers_enabled = False
    clock.advance(3 * DAY)
    assert mail_due_refreshers(clock.now) == 0


def test_a_due_refresher_is_a_card_on_the_dashboard_and_one_mail(app, clock, client, login, outbox):
    user = make_user(make_org(), locale="sv")
    pass_module(user)
    login(user)
    assert 'class="card refresher-card"' not in client.get("/").text
    assert mail_due_refreshers(clock.now) == 0

    clock.advance(2 * DAY)
    login(user)  # two days on, the session has timed out
    page = client.get("/").text
    first = refreshers(user)[0]
    assert page.count('class="card refresher-card"') == 1
    assert f'href="/refreshers/{first.id}"' in page
    assert mail_due_refreshers(clock.now) == 1
    db.session.commit()
    assert mail_due_refreshers(clock.now) == 0  # never twice
    db.session.commit()
    [mail] = read_outbox(outbox)
    assert mail["To"] == user.email
    assert mail["Subject"] == "En repetition från Leda: Första stegen"
    text = mail.get_body(("plain",)).get_content()
    assert f"http://127.0.0.1:5000/refreshers/{first.id}" in text
    assert "Du klarade Första stegen för en tid sedan. Här är 3 korta frågor" in text

    clock.advance(5 * DAY)  # day 7: the second is due too, the first still open
    login(user)
    assert client.get("/").text.count('class="card refresher-card"') == 2
    assert mail_due_refreshers(clock.now) == 1
    db.session.commit()
    assert len(read_outbox(outbox)) == 2


def test_a_refresher_is_answered_once_and_keeps_its_result(app, clock, client, login):
    user = make_user(make_org(), locale="en")
    pass_module(user)
    first = refreshers(user)[0]
    login(user)
    assert client.get(f"/refreshers/{first.id}").status_code == 404  # not due yet
    clock.advance(2 * DAY)
    login(user)
    page = client.get(f"/refreshers/{first.id}").text
    assert [q for q in POOL_OF if f'name="q-{q}"' in page] == ["capital", "nordic", "ice"]
    form = {
        "draw": form_value(page, "draw"),
        "module_version": "3",
        "q-capital": "oslo",
        "q-nordic": ["sweden", "iceland"],
        "q-ice": "true",
    }
    bad = client.post(f"/refreshers/{first.id}", data={**form, "q-ice": "maybe"})
    assert bad.status_code == 400
    assert db.session.get(Refresher, first.id).answered_at is None

    answered = client.post(f"/refreshers/{first.id}", data=form)
    assert (answered.status_code, answered.headers["Location"]) == (303, f"/refreshers/{first.id}")
    again = client.post(f"/refreshers/{first.id}", data={**form, "q-ice": "false"})
    assert again.status_code == 303
    db.session.expire_all()
    stored = db.session.get(Refresher, first.id)
    assert (stored.score_raw, stored.score_max, stored.answered_at) == (3, 4, clock.now)
    assert stored.answers == [
        {"question_id": "capital", "option_ids": ["oslo"], "correct": True},
        {"question_id": "nordic", "option_ids": ["iceland", "sweden"], "correct": True},
        {"question_id": "ice", "option_ids": ["true"], "correct": False},
    ]
    result = client.get(f"/refreshers/{first.id}").text
    assert "You answered 3 of 4 right." in result
    assert "Wrong, it floats." in result
    assert 'class="card refresher-card"' not in client.get("/").text
    # a refresher is practice: the quiz's record is untouched
    assert db.session.scalar(select(func.count()).select_from(QuizAnswer)) == 3


def test_another_learners_refresher_is_a_404(app, clock, client, login):
    org = make_org()
    owner, other = make_user(org), make_user(org, email="other@vik.test")
    pass_module(owner)
    clock.advance(2 * DAY)
    login(other)
    assert client.get(f"/refreshers/{refreshers(owner)[0].id}").status_code == 404


def test_erasing_a_person_removes_the_refreshers_they_have_not_answered(app, clock):
    user = make_user(make_org())
    pass_module(user)
    first = refreshers(user)[0]
    first.answered_at, first.answers, first.score_raw, first.score_max = clock.now, [], 0, 0
    erase_user(user, None)
    db.session.flush()
    assert db.session.scalars(select(Refresher.number)).all() == [1]


@pytest.mark.parametrize("bad", ["7,2", "0,3", "two", "2,2"])
def test_the_days_come_from_the_environment_and_nonsense_stops_the_start(
    monkeypatch, database, bad
):
    from tests.conftest import make_app

    monkeypatch.setenv("LEDA_REFRESHER_DAYS", "1, 3")
    assert make_app(database).config["LEDA_REFRESHER_DAYS"] == (1, 3)
    monkeypatch.setenv("LEDA_REFRESHER_DAYS", bad)
    with pytest.raises(RuntimeError, match="LEDA_REFRESHER_DAYS must be rising whole days"):
        make_app(database)
