"""Naming learners by e-mail in xAPI: off unless the organisation turns it on, on the Settings
page or with `leda org settings --xapi-email`, audited like every setting."""

from sqlalchemy import select

from app.db import db
from app.orgs.models import AuditEvent, Organisation, Role
from tests.factories import make_org, make_user


def test_an_admin_turns_email_actors_on_and_off(client, login):
    org = make_org()
    admin = make_user(org, roles=[Role.ADMIN], locale="en")
    login(admin)
    page = client.get("/admin/settings").text
    assert '<input aria-describedby="xapi_email_enabled-hint" id="xapi_email_enabled"' in page
    assert "Name learners by their e-mail address in xAPI" in page

    both = {"refreshers_enabled": "y", "xapi_email_enabled": "y"}
    response = client.post("/admin/settings", data=both)
    assert (response.status_code, response.headers["Location"]) == (302, "/admin/settings")
    db.session.expire_all()
    assert db.session.get(Organisation, org.id).xapi_email_enabled is True
    client.post("/admin/settings", data={"refreshers_enabled": "y"})
    db.session.expire_all()
    assert db.session.get(Organisation, org.id).xapi_email_enabled is False
    events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    assert [(e.action, e.actor_id, e.details) for e in events] == [
        ("settings_changed", admin.id, {"xapi_email_enabled": True}),
        ("settings_changed", admin.id, {"xapi_email_enabled": False}),
    ]


def test_the_settings_page_is_in_norwegian_and_swedish(client, login):
    admin = make_user(make_org(), roles=[Role.ADMIN], locale="nb")
    login(admin)
    assert "Navngi deltakerne med e-postadressen i xAPI" in client.get("/admin/settings").text
    admin.locale = "sv"
    assert "Identifiera deltagarna med e-postadress i xAPI" in client.get("/admin/settings").text


def test_the_cli_turns_email_actors_on(runner):
    org = make_org()
    db.session.commit()

    result = runner.invoke(args=["org", "settings", "vik", "--xapi-email", "on"])

    assert (result.exit_code, result.output) == (0, "refreshers\ton\nxapi-email\ton\n")
    db.session.expire_all()
    assert db.session.get(Organisation, org.id).xapi_email_enabled is True
    [event] = db.session.scalars(select(AuditEvent)).all()
    assert (event.action, event.actor_id, event.details) == (
        "settings_changed",
        None,
        {"xapi_email_enabled": True},
    )
