"""Invitations and password resets by mail: in the recipient's language, with a link that works."""

import re

from sqlalchemy import select

from app.db import db
from app.mail.models import MailMessage
from app.orgs.models import Role, User
from tests.factories import make_org, make_user
from tests.helpers import read_outbox

LINK = re.compile(r"http://127\.0\.0\.1:5000(/account/password/[A-Za-z0-9_-]{43})")


def test_an_admin_invites_a_new_person_in_their_language(client, login, outbox):
    org = make_org()
    login(make_user(org, email="admin@vik.test", roles=[Role.ADMIN], given_name="Anne",
                    family_name="Admin", locale="en"))  # fmt: skip
    data = {"given_name": "Sara", "family_name": "Ek", "email": "sara@vik.test",
            "employee_number": "", "unit": "", "manager_employee_number": "", "locale": "sv",
            "roles": ["learner"], "invite": "y"}  # fmt: skip
    assert client.post("/admin/people/new", data=data).status_code == 302

    [message] = read_outbox(outbox)
    assert message["To"] == "sara@vik.test"
    assert "Vik kommune" in message["Subject"]
    text = message.get_body(("plain",)).get_content()
    assert "Hej Sara" in text
    path = LINK.search(text)[1]
    client.post("/logout")
    password = "lingonberry fields forever"
    response = client.post(path, data={"password": password, "confirm": password})
    assert response.status_code == 302
    response = client.post("/login", data={"email": "sara@vik.test", "password": password})
    assert response.status_code == 302


def test_invite_pending_mails_everyone_without_a_password(client, login, outbox):
    org = make_org()
    login(make_user(org, email="admin@vik.test", roles=[Role.ADMIN]))
    for i in range(3):
        user = make_user(org, email=f"p{i}@vik.test")
        user.password_hash = None
    gone = make_user(org, email="gone@vik.test")
    gone.password_hash, gone.deactivated_at = None, gone.created_at
    db.session.commit()
    assert client.post("/admin/people/invite-pending").status_code == 302
    assert sorted(m["To"] for m in read_outbox(outbox)) == ["p0@vik.test", "p1@vik.test",
                                                              "p2@vik.test"]  # fmt: skip


def test_a_forgotten_password_is_reset_by_mail_and_nobody_learns_who_exists(client, outbox):
    make_user(make_org(), email="ola@vik.test", locale="nb")
    for email in ("ola@vik.test", "nobody@vik.test"):
        response = client.post("/account/forgot", data={"email": email})
        assert (response.status_code, response.headers["Location"]) == (302, "/login")
        page = client.get("/login").text
        assert f"Hvis {email} hører til en konto her" in page
    [message] = read_outbox(outbox)
    assert message["To"] == "ola@vik.test"
    text = message.get_body(("plain",)).get_content()
    assert "Hei Ola" in text
    path = LINK.search(text)[1]
    new = "a brand new passphrase"
    assert client.post(path, data={"password": new, "confirm": new}).status_code == 302
    assert client.post(path, data={"password": new, "confirm": new}).status_code == 410


def test_erasing_a_person_deletes_the_mail_to_them(app, outbox):
    from app.auth.services import send_invitation
    from app.orgs.services import erase_user

    user = make_user(make_org(), email="kari@vik.test")
    send_invitation(user, None)
    db.session.commit()
    assert db.session.scalars(select(MailMessage.to_address)).all() == ["kari@vik.test"]
    erase_user(db.session.get(User, user.id), None)
    db.session.commit()
    assert db.session.scalars(select(MailMessage)).all() == []
