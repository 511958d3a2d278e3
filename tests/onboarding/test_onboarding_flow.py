"""The issue's "done when", end to end on the shipped course (four modules): HR makes the rule
"new managers get the four core modules in 30 days", imports ten new managers, sees them
assigned and invited; past the due-soon date `leda remind` reminds them; their manager sees
them in the team view; one finishes the course and gets a certificate that verifies."""

import io
import re
from urllib.parse import urlsplit

from sqlalchemy import select

from app.certificates.models import Certificate
from app.content import current_course
from app.db import db
from app.learning import services as learning
from app.onboarding.models import AssignedModule
from app.orgs.models import Role, User
from app.quiz.pools import draw
from app.quiz.services import submit_attempt
from tests.browser.conftest import ROOT
from tests.conftest import make_app
from tests.factories import PASSWORD, make_org, make_user
from tests.helpers import read_outbox, running

MODULES = ["welfare-role", "democratic-leadership", "relational-competence", "self-care"]
HEADER = "ansattnummer;e-post;fornavn;etternavn;enhet;leders_ansattnummer;språk;roller;"


def new_managers() -> bytes:
    rows = [HEADER] + [
        f"{2000 + n};leder{n}@vik.no;Åse{n};Ødegård;Helse og omsorg;100;nb;manager;"
        for n in range(1, 11)
    ]
    return "\r\n".join(rows + [""]).encode("utf-8-sig")


def sign_in(client, email: str) -> None:  # type: ignore[no-untyped-def]
    client.post("/logout")
    response = client.post("/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302, response.text


def finish_the_course(user: User) -> None:
    for module in current_course().modules:
        for lesson in module.lessons:
            learning.complete_lesson(user, module, lesson.id)
        token = f"done-{module.id}"
        answers = {q.id: sorted(q.correct_ids) for q in draw(module, token)}
        submit_attempt(user, module, f"{token}-{user.id}", module.version, answers)


def test_hr_onboards_ten_new_managers_from_rule_to_certificate(database, outbox, clock):
    with running(make_app(database, content=ROOT, LEDA_MAIL_OUTBOX=str(outbox))) as app:
        org = make_org()
        # In a small municipality HR also administers the people register (the import).
        make_user(org, email="hr@vik.no", roles=[Role.HR, Role.ADMIN], locale="en")
        director = make_user(org, email="dir@vik.no", roles=[Role.MANAGER], employee_number="100",
                             given_name="Dina", family_name="Direktør", locale="en")  # fmt: skip
        db.session.commit()
        hr, boss, newcomer, stranger = (app.test_client() for _ in range(4))  # four browsers
        sign_in(hr, "hr@vik.no")

        rule = {"name": "Nye ledere", "role": "manager", "modules": MODULES, "due_days": "30"}
        preview = hr.post("/assignments/rules", data=rule)
        assert "1 person matches this rule now" in preview.text  # the director
        made = hr.post("/assignments/rules", data={**rule, "confirm": "yes"})
        assert made.status_code == 302

        upload = {"file": (io.BytesIO(new_managers()), "ledere.csv")}
        preview = hr.post("/admin/people/import", data=upload, content_type="multipart/form-data")
        assert "It adds 10 people and changes 0." in preview.text
        token = re.search(r'name="pending" type="hidden" value="([^"]+)"', preview.text)[1]
        applied = hr.post("/admin/people/import/apply", data={"pending": token})
        assert applied.status_code == 302
        db.session.expire_all()

        managers = db.session.scalars(
            select(User).where(User.email.like("leder%")).order_by(User.employee_number)
        ).all()
        assert len(managers) == 10
        assigned = db.session.execute(
            select(AssignedModule.user_id, AssignedModule.module_id, AssignedModule.due_on)
        ).all()
        due = clock.now.date().replace(day=1, month=4)  # 2 March + 30 days
        assert sorted(assigned) == sorted(
            (u.id, m, due) for u in [*managers, director] for m in MODULES
        )
        assert "Nye ledere" in hr.get("/assignments").text

        invited = hr.post("/admin/people/invite-pending")
        assert invited.status_code == 302
        invitations = read_outbox(outbox)
        assert [(m["To"], m["Subject"]) for m in invitations] == [
            (u.email, "Invitasjon til Leda fra Vik kommune") for u in managers
        ]

        # the first follows the invitation the same day and chooses a password
        link = re.search(
            r"http://\S+/account/password/\S+", invitations[0].get_body(("plain",)).get_content()
        )[0]
        chosen = newcomer.post(
            urlsplit(link).path,
            data={"password": "a long new passphrase", "confirm": "a long new passphrase"},
        )
        assert chosen.status_code == 302

        # 26 March: the due date, 1 April, is six days away; the reminders go, once
        clock.advance(24 * 24 * 3600)
        runner = app.test_cli_runner()
        first = runner.invoke(args=["remind"])
        assert first.output.splitlines()[:3] == [
            "due soon: 44",  # four modules each: the ten, and the director the rule covers too
            "overdue: 0",
            "mails to learners: 11",  # one mail per person
        ]
        reminders = read_outbox(outbox)[len(invitations) :]
        assert sorted(m["To"] for m in reminders) == sorted(u.email for u in [*managers, director])
        assert {m["Subject"] for m in reminders if m["To"] != "dir@vik.no"} == {
            "Påminnelse fra Leda: fristen for 4 moduler nærmer seg"  # in their language
        }
        assert [m["Subject"] for m in reminders if m["To"] == "dir@vik.no"] == [
            "Reminder from Leda: 4 modules are due soon"
        ]
        assert runner.invoke(args=["remind"]).output.splitlines()[2] == "mails to learners: 0"
        assert len(read_outbox(outbox)) == len(invitations) + len(reminders)

        # their manager sees all ten in the team view
        sign_in(boss, "dir@vik.no")
        team = boss.get("/team").text
        assert "10 people · 0 overdue" in team
        assert all(f"Åse{n} Ødegård" in team for n in range(1, 11))

        # the newcomer finishes the four modules
        first_manager = db.session.get(User, managers[0].id)
        finish_the_course(first_manager)
        db.session.commit()
        response = newcomer.post(
            "/login", data={"email": "leder1@vik.no", "password": "a long new passphrase"}
        )
        assert response.status_code == 302
        assert newcomer.get("/certificate.pdf").status_code == 200
        certificate = db.session.scalars(select(Certificate)).one()
        assert certificate.user_id == first_manager.id
        assert [m["id"] for m in certificate.modules] == MODULES

        verified = stranger.get(f"/verify/{certificate.code}")
        assert verified.status_code == 200
        assert "✓</span> Kursbeviset er gyldig." in verified.text
        assert "Åse1 Ødegård" in verified.text

        passed = boss.get("/team?status=passed").text
        assert "1 person · 0 overdue" in passed
        assert passed.count(">Passed</span>") == 4
