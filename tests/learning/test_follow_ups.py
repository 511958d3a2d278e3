"""Follow-ups on "I will try this": asked at 1 and 4 weeks on the dashboard and by one mail each
(explicit clocks throughout), answered into the journal, seen by nobody but the learner."""

import json
import re
import threading
from datetime import timedelta

from lxml import html
from sqlalchemy import select

from app.content import current_course
from app.db import db
from app.learning import services
from app.learning.models import Commitment, FollowUp
from app.learning.tasks import ask_how_it_went
from app.mail.models import MailMessage
from app.orgs.models import User
from app.orgs.services import deactivate_user, erase_user
from tests.conftest import make_app
from tests.factories import make_org, make_user
from tests.helpers import read_outbox, running

WEEK = timedelta(weeks=1)
SECOND = timedelta(seconds=1)
LINK = re.compile(r"http://127\.0\.0\.1:5000(/journal/follow-ups/\d+)")


def commit(user: User, lesson_id: str = "welcome") -> Commitment:
    commitment = services.commit_to_action(user, current_course().modules[0], lesson_id)
    db.session.commit()
    return commitment


def due(user: User, now) -> list[tuple[str, int]]:  # type: ignore[no-untyped-def]
    return [(f.commitment.lesson_id, f.weeks) for f in services.due_follow_ups(user, now)]


def sweep(now) -> list[tuple[str, int]]:  # type: ignore[no-untyped-def]
    mailed = services.queue_follow_up_mail(current_course(), now)
    db.session.commit()
    follow_ups = {f.id: f for f in db.session.scalars(select(FollowUp))}
    return [(follow_ups[i].commitment.lesson_id, follow_ups[i].weeks) for i in mailed]


def body(message) -> str:  # type: ignore[no-untyped-def]
    return message.get_body(("plain",)).get_content()


def test_follow_ups_come_at_one_and_four_weeks_and_are_mailed_once_each(app, clock, outbox):
    user = make_user(make_org(), locale="en")
    made = commit(user).created_at
    assert made == clock.now

    for moment in (made, made + WEEK - SECOND):
        assert (due(user, moment), sweep(moment)) == ([], [])
    assert (due(user, made + WEEK), sweep(made + WEEK)) == ([("welcome", 1)], [("welcome", 1)])
    assert sweep(made + WEEK + timedelta(minutes=15)) == []  # mailed once
    assert due(user, made + 4 * WEEK - SECOND) == [("welcome", 1)]  # still waiting for an answer
    assert sweep(made + 4 * WEEK - SECOND) == []
    assert due(user, made + 4 * WEEK) == [("welcome", 1), ("welcome", 4)]
    assert sweep(made + 4 * WEEK) == [("welcome", 4)]
    assert sweep(made + 5 * WEEK) == []

    follow_ups = db.session.scalars(select(FollowUp).order_by(FollowUp.weeks)).all()
    assert [(f.weeks, f.mailed_at) for f in follow_ups] == [
        (1, made + WEEK),
        (4, made + 4 * WEEK),
    ]
    first, second = read_outbox(outbox)
    assert [(m["To"], m["Subject"]) for m in (first, second)] == [
        ("ola@vik.test", "How did it go? A question from Leda"),
        ("ola@vik.test", "How did it go? A question from Leda"),
    ]
    assert body(first) == (
        "Hello Ola,\n"
        "\n"
        "On March 2, 2026 you decided to try this at work, after the lesson “Welcome”:\n"
        "\n"
        "“Write down one goal.”\n"
        "\n"
        "It has been 1 week. How did it go? A few lines are enough. They go into your journal, "
        "and only you can read them.\n"
        "\n"
        f"http://127.0.0.1:5000/journal/follow-ups/{follow_ups[0].id}\n"
        "\n"
        "-- \n"
        "You received this e-mail because you pressed “I will try this” in Leda. Leda asks once "
        "after one week and once after four weeks, and then no more.\n"
        "\n"
        "Sent by Leda on behalf of Vik kommune.\n"
    )
    assert "It has been 4 weeks. How did it go?" in body(second)
    assert LINK.search(body(second))[1] == f"/journal/follow-ups/{follow_ups[1].id}"
    page = second.get_body(("html",)).get_content()
    assert f'<a href="http://127.0.0.1:5000/journal/follow-ups/{follow_ups[1].id}">' in page


def test_the_mail_is_in_the_learners_language(app, clock, outbox):
    org = make_org(default_locale="sv")
    commit(make_user(org, email="sara@vik.test", given_name="Sara"))
    commit(make_user(org, email="nils@vik.test", given_name="Nils", locale="nb"))
    sweep(clock.now + WEEK)
    nils, sara = sorted(read_outbox(outbox), key=lambda m: m["To"])
    assert body(sara).startswith(
        "Hej Sara,\n\nDen 2 mars 2026 bestämde du dig för att testa det här på jobbet, efter "
        "lektionen ”Välkommen”:\n\n"
    )
    assert body(nils).startswith(
        "Hei Nils,\n\nDen 2. mars 2026 bestemte du deg for å prøve dette på jobben, etter "
        "leksjonen «Velkommen»:\n\n"
    )


def test_the_periodic_task_mails_what_is_due_on_the_apps_clock(app, clock, outbox):
    user = make_user(make_org(), locale="en")
    commit(user)
    assert ask_how_it_went.call_local() == []
    clock.advance(int(WEEK.total_seconds()))
    [mailed] = ask_how_it_went.call_local()
    assert ask_how_it_went.call_local() == []
    assert db.session.get(FollowUp, mailed).mailed_at == clock.now
    assert len(read_outbox(outbox)) == 1


def test_no_mail_when_answered_inactive_erased_or_long_overdue(app, clock, outbox):
    org = make_org()
    answered, gone, erased, late = (
        make_user(org, email=f"{name}@vik.test") for name in ("answered", "gone", "erased", "late")
    )
    for user in (answered, gone, erased):
        commit(user)
    clock.advance(int(WEEK.total_seconds()))
    services.answer_follow_up(services.due_follow_ups(answered, clock.now)[0], "Bra")
    deactivate_user(gone, None)
    erase_user(erased, None)
    late_commitment = commit(late)
    db.session.commit()
    overdue = late_commitment.created_at + WEEK + services.MAIL_WINDOW
    assert sweep(clock.now) == []
    assert sweep(overdue) == []
    assert due(late, overdue) == [("welcome", 1)]  # the dashboard still asks
    assert read_outbox(outbox) == []


def test_two_sweeps_at_once_mail_each_follow_up_once(database, outbox, clock):
    """Two workers' schedulers may run the sweep in the same minute."""
    application = make_app(database, LEDA_MAIL_OUTBOX=str(outbox))
    with running(application):
        for n in range(5):
            commit(make_user(make_org(slug=f"org{n}", name=f"Org {n}"), email=f"u{n}@vik.test"))
    clock.advance(int(WEEK.total_seconds()))
    start = threading.Barrier(2)
    results: list[object] = []

    def run() -> None:
        with application.app_context():
            start.wait()
            try:
                results.append(ask_how_it_went.call_local())
            except Exception as error:  # SQLite refuses the second writer: it mails nothing
                results.append(type(error).__name__)
                db.session.rollback()
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    mailed = [i for result in results if isinstance(result, list) for i in result]
    assert len(mailed) == 5 == len(set(mailed))
    assert sorted(m["To"] for m in read_outbox(outbox)) == [f"u{n}@vik.test" for n in range(5)]
    with running(application):
        assert len(db.session.scalars(select(MailMessage)).all()) == 5
        db.session.remove()
        db.engine.dispose()


def test_the_dashboard_asks_from_the_day_it_is_due_and_the_answer_joins_the_journal(
    client, login, clock
):
    user = make_user(make_org(), locale="en")
    commit(user)
    clock.advance(int(WEEK.total_seconds()) - 1)
    login(user)
    assert "How did it go?" not in client.get("/").text
    clock.advance(1)
    page = html.fromstring(client.get("/").text)
    [card] = page.xpath("//section[contains(@class, 'follow-ups')]")
    follow_up = db.session.scalars(select(FollowUp).where(FollowUp.weeks == 1)).one()
    assert card.xpath(".//h2/text()") == ["How did it go?"]
    assert card.xpath(".//h3/text()") == ["Welcome"]
    assert card.xpath(".//blockquote/text()") == ["Write down one goal."]
    [form] = card.xpath(".//form")
    assert form.get("action") == f"/journal/follow-ups/{follow_up.id}"
    field = f"follow-up-{follow_up.id}-answer"
    assert form.xpath(".//label/@for") == [field]
    assert form.xpath(".//label/text()") == ["How did it go? (only you can see it)"]

    response = client.post(form.get("action"), data={field: "Jeg skrev ned målet."})
    assert response.headers["Location"] == f"/journal/follow-ups/{follow_up.id}"
    db.session.expire_all()
    stored = db.session.get(FollowUp, follow_up.id)
    assert (stored.answer, stored.answered_at) == ("Jeg skrev ned målet.", clock.now)
    answered = html.fromstring(client.get(response.headers["Location"]).text)
    assert answered.xpath("//*[@id='answer-status']/p/text()") == [
        "Thank you. Your answer is saved in your journal."
    ]
    assert answered.xpath("//div[@class='flash']") == []
    assert "How did it go?" not in client.get("/").text
    assert "Jeg skrev ned målet." in client.get("/journal").text


def test_an_empty_answer_is_refused_and_changes_nothing(client, login, clock):
    user = make_user(make_org(), locale="en")
    commit(user)
    clock.advance(int(WEEK.total_seconds()))
    login(user)
    follow_up = db.session.scalars(select(FollowUp).where(FollowUp.weeks == 1)).one()
    url = f"/journal/follow-ups/{follow_up.id}"
    field = f"follow-up-{follow_up.id}-answer"
    for data in ({field: "  "}, {field: "x" * 5001}, {}):
        response = client.post(url, data=data)
        assert response.status_code == 400
    assert "Write a few words about how it went." in client.post(url, data={}).text
    assert "Keep it under 5000 characters." in client.post(url, data={field: "x" * 5001}).text
    db.session.expire_all()
    assert db.session.get(FollowUp, follow_up.id).answer is None


def test_a_follow_up_opens_only_for_its_author_and_only_once_due(app, client, login, clock):
    org = make_org()
    author = make_user(org, locale="en")
    boss = make_user(org, email="boss@vik.test", locale="en")
    commit(author)
    four_weeks = db.session.scalars(select(FollowUp).where(FollowUp.weeks == 4)).one()
    clock.advance(int(WEEK.total_seconds()))
    week_one = db.session.scalars(select(FollowUp).where(FollowUp.weeks == 1)).one()
    login(author)
    assert client.get(f"/journal/follow-ups/{week_one.id}").status_code == 200
    assert client.get(f"/journal/follow-ups/{four_weeks.id}").status_code == 404  # not yet
    client.post("/logout")
    login(boss)
    for method in ("GET", "POST"):
        url = f"/journal/follow-ups/{week_one.id}"
        response = client.open(url, method=method, data={f"follow-up-{week_one.id}-answer": "x"})
        assert response.status_code == 404
    db.session.expire_all()
    assert db.session.get(FollowUp, week_one.id).answer is None


def test_the_mail_link_leads_through_login_to_the_follow_up(app, client, clock, outbox):
    from tests.learning.test_reflections import log_in

    user = make_user(make_org(), locale="en")
    commit(user)
    clock.advance(int(WEEK.total_seconds()))
    ask_how_it_went.call_local()
    path = LINK.search(body(read_outbox(outbox)[0]))[1]
    response = client.get(path)
    assert response.headers["Location"] == f"/login?next={path.replace('/', '%2F')}"
    assert log_in(client, user, response.headers["Location"]) == path
    page = client.get(path).text
    assert "<h1>How did it go?</h1>" in page
    assert "On March 2, 2026 you decided to try this at work:" in page


def test_erasing_a_person_removes_their_commitments_and_follow_ups(app, clock):
    user = make_user(make_org())
    commit(user)
    commit(user, "practice")
    erase_user(db.session.get(User, user.id), None)
    db.session.commit()
    assert db.session.scalars(select(Commitment)).all() == []
    assert db.session.scalars(select(FollowUp)).all() == []


def test_the_data_download_holds_the_commitments_and_answers(client, login, clock):
    user = make_user(make_org())
    commit(user)
    clock.advance(int(WEEK.total_seconds()))
    services.answer_follow_up(services.due_follow_ups(user, clock.now)[0], "Gikk fint")
    login(user)
    data = json.loads(client.get("/account/my-data.json").text)
    [commitment] = data["commitments"]
    assert (commitment["lesson_id"], commitment["created_at"]) == (
        "welcome",
        "2026-03-02T08:00:00+00:00",
    )
    assert [(f["weeks"], f["answer"]) for f in commitment["follow_ups"]] == [
        (1, "Gikk fint"),
        (4, None),
    ]
    assert data["reflections_awaiting_login"] == []
