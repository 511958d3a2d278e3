"""Reminders and the managers' digest: what is sent when, to whom, in which language, and never
twice in one period (the outbox shows it)."""

import threading
import time
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from app import ROOT
from app.content import current_course
from app.db import db
from app.learning.services import complete_lesson
from app.onboarding import services
from app.onboarding.models import ManagerDigest, Reminder, ReminderKind, Target
from app.onboarding.reminders import Sent, send_reminder_mail, send_reminders
from app.orgs import services as orgs
from app.orgs.models import Role, User
from app.quiz.pools import draw
from app.quiz.services import submit_attempt
from tests.conftest import make_app
from tests.factories import make_org, make_user
from tests.helpers import read_outbox, running

MONDAY = date(2026, 3, 2)  # the pinned clock's day


def on(clock, day: date, hour: int = 6) -> datetime:
    """Move the clock to ``hour`` UTC on ``day`` (07:00 in Oslo in March)."""
    clock.now = datetime(day.year, day.month, day.day, hour, tzinfo=UTC)
    return clock.now


def remind(clock) -> Sent:
    sent = send_reminders(clock.now)
    db.session.commit()
    return sent


def subjects(outbox) -> list[tuple[str, str]]:
    return [(mail["To"], mail["Subject"]) for mail in read_outbox(outbox)]


def text_of(mail) -> str:
    return mail.get_body(("plain",)).get_content()


def pass_module(user: User, module_id: str = "first-steps") -> None:
    """Every lesson done and the quiz passed: the module is done."""
    module = current_course().module(module_id)
    for lesson in module.lessons:
        complete_lesson(user, module, lesson.id)
    token = f"pass-{user.id}"
    answers = {q.id: sorted(q.correct_ids) for q in draw(module, token)}
    submit_attempt(user, module, token, module.version, answers)


@pytest.fixture
def org(app, clock):
    return make_org()


@pytest.fixture
def hr(org):
    return make_user(
        org, email="hr@vik.test", roles=[Role.HR], given_name="Hanne", family_name="Holm"
    )


def give(hr: User, person: User, due_on: date, module_ids=("first-steps",)) -> None:
    services.assign(
        hr.organisation, hr, target=Target.PERSON, person=person,
        module_ids=list(module_ids), due_on=due_on,
    )  # fmt: skip


def test_due_soon_goes_on_entering_the_window_and_only_once(org, hr, clock, outbox):
    anne = make_user(org, email="anne@vik.test", given_name="Anne")
    give(hr, anne, date(2026, 3, 12))
    db.session.commit()
    runs = {}
    for n in range(11):  # 2 March up to the due date, 12 March; twice each day
        day = MONDAY + timedelta(days=n)
        on(clock, day)
        runs[day.isoformat()] = (remind(clock), remind(clock))
    assert {day: first for day, (first, _) in runs.items() if first != Sent()} == {
        "2026-03-05": Sent(due_soon=1, learner_mails=1),  # 7 days before
    }
    assert all(second == Sent() for _, second in runs.values())
    assert subjects(outbox) == [
        ("anne@vik.test", "Påminnelse fra Leda: fristen for 1 modul nærmer seg")
    ]
    assert db.session.execute(select(Reminder.kind, Reminder.period)).all() == [
        (ReminderKind.DUE_SOON, "2026-03-12")
    ]


def test_an_overdue_module_is_reminded_once_a_week(org, hr, clock, outbox):
    anne = make_user(org, email="anne@vik.test", given_name="Anne", locale="sv")
    give(hr, anne, date(2026, 3, 3))  # a Tuesday
    db.session.commit()
    sent_on = {}
    for n in range(21):  # three weeks, twice a day
        day = MONDAY + timedelta(days=n)
        on(clock, day)
        sent = remind(clock)
        assert remind(clock) == Sent()
        if sent != Sent():
            sent_on[day.isoformat()] = sent
    assert sent_on == {
        "2026-03-02": Sent(due_soon=1, learner_mails=1),
        "2026-03-04": Sent(overdue=1, learner_mails=1),  # week 10
        "2026-03-09": Sent(overdue=1, learner_mails=1),  # week 11
        "2026-03-16": Sent(overdue=1, learner_mails=1),  # week 12
    }
    assert [subject for _, subject in subjects(outbox)] == [
        "Påminnelse från Leda: slutdatumet för 1 modul närmar sig",
        "Påminnelse från Leda: 1 modul är försenad",
        "Påminnelse från Leda: 1 modul är försenad",
        "Påminnelse från Leda: 1 modul är försenad",
    ]
    assert db.session.scalars(select(Reminder.period).order_by(Reminder.id)).all() == [
        "2026-03-03", "2026-W10", "2026-W11", "2026-W12",
    ]  # fmt: skip


def test_done_modules_and_people_who_left_get_nothing(org, hr, clock, outbox):
    done = make_user(org, email="done@vik.test")
    gone = make_user(org, email="gone@vik.test")
    erased = make_user(org, email="erased@vik.test")
    dag = make_user(org, email="dag@vik.test", given_name="Dag")
    for person in (done, gone, erased, dag):
        give(hr, person, date(2026, 3, 5))
    pass_module(done)
    orgs.deactivate_user(gone, hr)
    orgs.erase_user(erased, hr)
    db.session.commit()
    assert remind(clock) == Sent(due_soon=1, learner_mails=1)
    pass_module(dag)  # done after the first reminder: no overdue one follows
    db.session.commit()
    for n in range(1, 15):
        on(clock, MONDAY + timedelta(days=n))
        assert remind(clock) == Sent()
    assert subjects(outbox) == [
        ("dag@vik.test", "Påminnelse fra Leda: fristen for 1 modul nærmer seg")
    ]


def test_one_mail_lists_every_module_reminded_with_links_dates_and_why(database, outbox, clock):
    """The real course has four modules: one mail names each one reminded, with its link."""
    with running(make_app(database, content=ROOT, LEDA_MAIL_OUTBOX=str(outbox))):
        org = make_org()
        hr = make_user(
            org, email="hr@vik.test", roles=[Role.HR], given_name="Hanne", family_name="Holm"
        )
        anne = make_user(org, email="anne@vik.test", given_name="Anne")
        give(hr, anne, date(2026, 3, 3), ["welfare-role"])
        give(hr, anne, date(2026, 3, 10), ["democratic-leadership"])
        services.assign(org, None, target=Target.PERSON, person=anne,
                        module_ids=["self-care"], due_on=date(2026, 3, 12))  # fmt: skip
        db.session.commit()
        on(clock, date(2026, 3, 4))
        assert remind(clock) == Sent(due_soon=1, overdue=1, learner_mails=1)
        on(clock, date(2026, 3, 5))  # self-care enters the window
        assert remind(clock) == Sent(due_soon=1, learner_mails=1)
        first, second = read_outbox(outbox)
    assert first["Subject"] == "Påminnelse fra Leda: fristen for 1 modul har gått ut"
    assert text_of(first) == (
        "Hei Anne,\n\n"
        "Dette er en påminnelse om moduler i Leda som Vik kommune har bedt deg om å fullføre. "
        "Hver lenke tar deg rett til modulen.\n\n"
        "Fristen har gått ut\n"
        "- Velferdsrollen: Frist 3. mars 2026, tildelt av Hanne Holm\n"
        "  http://127.0.0.1:5000/modules/welfare-role\n\n"
        "Frist snart\n"
        "- Demokratisk ledelse: Frist 10. mars 2026, tildelt av Hanne Holm\n"
        "  http://127.0.0.1:5000/modules/democratic-leadership\n\n"
        "-- \n"
        "Du får denne e-posten fordi Vik kommune har tildelt deg disse modulene med en frist. "
        "Leda sender en påminnelse 7 dager før fristen, og én gang i uken etter at fristen har "
        "gått ut. Påminnelsene stopper når du består modulen, eller når tildelingen blir "
        "fjernet. Moduler som organisasjonen din tildeler, er obligatoriske, så du kan ikke slå "
        "av disse påminnelsene selv. Hvis en tildeling virker feil, spør den som tildelte den, "
        "eller HR-avdelingen din.\n\n"
        "Sendt fra Leda på vegne av Vik kommune.\n"
    )
    html = first.get_body(("html",)).get_content()
    assert '<a href="http://127.0.0.1:5000/modules/welfare-role">Velferdsrollen</a>' in html
    assert "<h2>Fristen har gått ut</h2>" in html
    # assigned from the command line: no person to name, so the organisation is
    assert (
        "- Selvledelse – ta vare på deg selv som leder: Frist 12. mars 2026, "
        "tildelt av Vik kommune\n" in text_of(second)
    )


def test_leda_remind_twice_sends_nothing_the_second_time_in_each_language(
    org, hr, clock, outbox, runner
):
    # an onboarding rule covers a manager created later; a Swede joins by the same rule
    services.assign(org, hr, target=Target.RULE, name="New managers", role=Role.MANAGER,
                    module_ids=["first-steps"], due_days=14)  # fmt: skip
    orgs.create_user(org, email="nils@vik.test", given_name="Nils", family_name="Berg",
                     roles=[Role.MANAGER])  # fmt: skip
    orgs.create_user(org, email="stina@vik.test", given_name="Stina", family_name="Ek",
                     roles=[Role.MANAGER], locale="sv")  # fmt: skip
    db.session.commit()
    quiet = runner.invoke(args=["remind"])
    assert (quiet.exit_code, quiet.output) == (
        0, "due soon: 0\noverdue: 0\nmails to learners: 0\ndigests to managers: 0\n"
    )  # fmt: skip
    on(clock, MONDAY + timedelta(days=7))  # the due date is a week away
    for attempt in (1, 2):
        result = runner.invoke(args=["remind"])
        expected = 2 if attempt == 1 else 0
        assert (result.exit_code, result.output) == (
            0,
            f"due soon: {expected}\noverdue: 0\nmails to learners: {expected}\n"
            "digests to managers: 0\n",
        )
        assert subjects(outbox) == [
            ("nils@vik.test", "Påminnelse fra Leda: fristen for 1 modul nærmer seg"),
            ("stina@vik.test", "Påminnelse från Leda: slutdatumet för 1 modul närmar sig"),
        ]
    assert "Hej Stina," in text_of(read_outbox(outbox)[1])


def test_leda_remind_runs_at_a_given_moment_and_refuses_a_bad_one(org, hr, clock, outbox, runner):
    anne = make_user(org, email="anne@vik.test", given_name="Anne", locale="en")
    give(hr, anne, date(2026, 3, 20))
    db.session.commit()
    bad = runner.invoke(args=["remind", "--now", "next tuesday"])
    assert bad.exit_code == 2
    assert "Invalid value for '--now': give an ISO 8601 date or time" in bad.output
    late = runner.invoke(args=["remind", "--now", "2026-03-21T09:00"])  # Oslo time, a Saturday
    assert late.output == "due soon: 0\noverdue: 1\nmails to learners: 1\ndigests to managers: 0\n"
    assert subjects(outbox) == [
        ("anne@vik.test", "Reminder from Leda: 1 module is past its due date")
    ]


def test_the_digest_lists_exactly_the_managers_overdue_reports(org, hr, clock, outbox):
    kari = make_user(org, email="kari@vik.test", roles=[Role.MANAGER], given_name="Kari",
                     family_name="Lund", locale="sv")  # fmt: skip
    mid = make_user(org, email="mid@vik.test", roles=[Role.MANAGER], given_name="Mia",
                    family_name="Dahl", manager=kari, locale="en")  # fmt: skip
    anne = make_user(org, email="anne@vik.test", given_name="Anne", family_name="Aas", manager=mid)
    bo = make_user(org, email="bo@vik.test", given_name="Bo", family_name="Berg", manager=kari)
    done = make_user(org, email="done@vik.test", manager=mid)
    later = make_user(org, email="later@vik.test", manager=mid)
    gone = make_user(org, email="gone@vik.test", manager=kari)
    elsewhere = make_user(org, email="else@vik.test", given_name="Else")  # no one's report
    for person in (anne, bo, done, gone, elsewhere):
        give(hr, person, date(2026, 3, 3))
    give(hr, later, date(2026, 3, 30))
    pass_module(done)
    orgs.deactivate_user(gone, hr)
    dal = make_org(slug="dal", name="Dal kommune")
    dal_hr = make_user(dal, email="hr@dal.test", roles=[Role.HR])
    dal_boss = make_user(dal, email="boss@dal.test", roles=[Role.MANAGER], given_name="Dag")
    outsider = make_user(dal, email="outi@dal.test", given_name="Outi", manager=dal_boss)
    stray = make_user(dal, email="stray@dal.test", given_name="Stray")
    give(dal_hr, outsider, date(2026, 3, 3))
    give(dal_hr, stray, date(2026, 3, 3))
    db.session.flush()
    stray.manager_id = kari.id  # never allowed on write; even so, it must not leak
    db.session.commit()

    assert remind(clock).digests == 0  # Monday, but no one is late yet
    reminders = len(read_outbox(outbox))
    on(clock, date(2026, 3, 9))  # the next Monday
    sent = remind(clock)
    assert (sent.digests, remind(clock)) == (3, Sent())
    digests = {mail["To"]: mail for mail in read_outbox(outbox)[reminders + sent.learner_mails :]}
    assert sorted(digests) == ["boss@dal.test", "kari@vik.test", "mid@vik.test"]
    assert digests["kari@vik.test"]["Subject"] == (
        "Veckoöversikt från Leda: 2 personer i ditt team har försenade moduler"
    )
    assert text_of(digests["kari@vik.test"]) == (
        "Hej Kari,\n\n"
        "De här personerna som rapporterar till dig, direkt eller via andra chefer, har moduler "
        "i Leda vars slutdatum har passerat:\n\n"
        "Anne Aas\n"
        "- Första stegen: Senast 3 mars 2026\n\n"
        "Bo Berg\n"
        "- Första stegen: Senast 3 mars 2026\n\n"
        "Se hur det går för ditt team i Leda:\n"
        "http://127.0.0.1:5000/team\n\n"
        "-- \n"
        "Du får den här översikten på måndagar eftersom du är chef i Vik kommune och personer "
        "som rapporterar till dig har moduler i Leda vars slutdatum har passerat. Den skickas "
        "inte de veckor då ingen är försenad. Om du inte vill ha den kan du avmarkera ”Skicka "
        "mig en veckoöversikt över försenade moduler i mitt team” på din profilsida:\n"
        "http://127.0.0.1:5000/account#digest\n\n"
        "Skickat av Leda på uppdrag av Vik kommune.\n"
    )
    assert digests["mid@vik.test"]["Subject"] == (
        "Weekly summary from Leda: 1 person in your team has overdue modules"
    )
    assert "Anne Aas\n- First steps: Due March 3, 2026\n" in text_of(digests["mid@vik.test"])
    assert "Bo Berg" not in text_of(digests["mid@vik.test"])
    dal_text = text_of(digests["boss@dal.test"])
    assert "Outi Nordmann" in dal_text and "Vik" not in dal_text and "Stray" not in dal_text

    on(clock, date(2026, 3, 10))  # Tuesday: no digests
    assert remind(clock).digests == 0
    on(clock, date(2026, 3, 16))  # still late the Monday after: the digest comes again
    assert remind(clock).digests == 3
    assert db.session.scalars(
        select(ManagerDigest.period).where(ManagerDigest.manager_id == kari.id)
    ).all() == ["2026-W11", "2026-W12"]


def test_a_manager_turns_the_digest_off_on_their_profile(org, hr, clock, outbox, client, login):
    kari = make_user(org, email="kari@vik.test", roles=[Role.MANAGER], given_name="Kari")
    learner = make_user(org, email="anne@vik.test", manager=kari)
    give(hr, learner, date(2026, 3, 3))
    login(learner)
    assert 'id="digest"' not in client.get("/account").text  # only managers are offered it
    client.post("/logout")
    login(kari)
    page = client.get("/account").text
    assert '<input aria-describedby="digest_enabled-hint" checked id="digest_enabled"' in page
    response = client.post("/account/digest", data={})  # unticked
    assert (response.status_code, response.headers["Location"]) == (302, "/account")
    assert "Valget ditt er lagret." in client.get("/account").text
    db.session.expire_all()
    assert db.session.get(User, kari.id).digest_enabled is False
    on(clock, date(2026, 3, 9))
    assert remind(clock) == Sent(overdue=1, learner_mails=1)
    assert [to for to, _ in subjects(outbox)] == ["anne@vik.test"]
    on(clock, date(2026, 3, 16))
    login(kari)  # a week on: a new session
    client.post("/account/digest", data={"digest_enabled": "y"})
    assert remind(clock) == Sent(overdue=1, learner_mails=1, digests=1)


def test_two_runs_at_once_send_one_mail(app, org, hr, clock, outbox):
    """A second worker running while the first has not committed waits on the first's rows
    and then finds them: it sends nothing."""
    anne = make_user(org, email="anne@vik.test")
    give(hr, anne, date(2026, 3, 5))
    db.session.commit()
    assert send_reminders(clock.now) == Sent(due_soon=1, learner_mails=1)  # not committed yet
    second: list[Sent] = []

    def run_alongside() -> None:
        with app.app_context():
            second.append(send_reminders(clock.now))
            db.session.commit()
            db.session.remove()

    worker = threading.Thread(target=run_alongside)
    worker.start()
    time.sleep(0.5)
    db.session.commit()
    worker.join(timeout=30)
    assert second == [Sent()]
    assert subjects(outbox) == [
        ("anne@vik.test", "Påminnelse fra Leda: fristen for 1 modul nærmer seg")
    ]


def test_the_morning_task_sends_them_and_runs_on_the_hour_from_six_to_nine_utc(
    org, hr, clock, outbox
):
    anne = make_user(org, email="anne@vik.test")
    give(hr, anne, date(2026, 3, 5))
    db.session.commit()
    check = send_reminder_mail.task_class().validate_datetime
    assert [hour for hour in range(24) if check(datetime(2026, 3, 2, hour, 0))] == [6, 7, 8, 9]
    assert not check(datetime(2026, 3, 2, 6, 30))
    send_reminder_mail()  # jobs run at once in tests, in their own session
    send_reminder_mail()
    assert subjects(outbox) == [
        ("anne@vik.test", "Påminnelse fra Leda: fristen for 1 modul nærmer seg")
    ]


def test_reminders_are_in_the_persons_data_and_go_when_they_are_erased(
    org, hr, clock, client, login
):
    kari = make_user(org, email="kari@vik.test", roles=[Role.MANAGER])
    anne = make_user(org, email="anne@vik.test", manager=kari)
    give(hr, anne, date(2026, 3, 3))
    on(clock, date(2026, 3, 2))
    remind(clock)
    on(clock, date(2026, 3, 9))
    remind(clock)
    login(anne)
    data = client.get("/account/my-data.json").json
    assert [(r["kind"], r["period"], r["module_id"]) for r in data["reminders"]] == [
        ("due-soon", "2026-03-03", "first-steps"),
        ("overdue", "2026-W11", "first-steps"),
    ]
    assert data["digests"] == []
    assert data["account"]["digest_enabled"] is True
    assert db.session.scalars(select(ManagerDigest.period)).all() == ["2026-W11"]  # Kari's
    orgs.erase_user(anne, hr)
    orgs.erase_user(kari, hr)
    db.session.flush()
    assert db.session.scalars(select(Reminder.id)).all() == []
    assert db.session.scalars(select(ManagerDigest.id)).all() == []
