"""The organisation's settings: the admin page and `leda org settings` change the same thing."""

from sqlalchemy import select

from app.db import db
from app.orgs.models import AuditEvent, Organisation, Role
from tests.factories import make_org, make_user


def test_an_admin_turns_refreshers_off_and_on_and_each_change_is_audited(client, login):
    org = make_org()
    admin = make_user(org, roles=[Role.ADMIN], locale="en")
    login(admin)
    page = client.get("/admin/settings").text
    ticked = '<input aria-describedby="refreshers_enabled-hint" checked id="refreshers_enabled"'
    assert ticked in page
    unchecked = {"csrf_token": ""}  # what a browser sends for an unticked box (CSRF is off here)
    response = client.post("/admin/settings", data=unchecked)
    assert (response.status_code, response.headers["Location"]) == (302, "/admin/settings")
    assert "The settings are saved." in client.get("/admin/settings").text
    db.session.expire_all()
    assert db.session.get(Organisation, org.id).refreshers_enabled is False
    client.post("/admin/settings", data=unchecked)  # no change: nothing more audited
    client.post("/admin/settings", data={"refreshers_enabled": "y"})
    db.session.expire_all()
    assert db.session.get(Organisation, org.id).refreshers_enabled is True
    events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    assert [(e.action, e.actor_id, e.details) for e in events] == [
        ("settings_changed", admin.id, {"refreshers_enabled": False}),
        ("settings_changed", admin.id, {"refreshers_enabled": True}),
    ]


def test_the_cli_shows_and_changes_the_settings(runner):
    org = make_org()
    db.session.commit()
    assert (
        runner.invoke(args=["org", "settings", "vik"]).output == "refreshers\ton\nxapi-email\toff\n"
    )
    result = runner.invoke(args=["org", "settings", "vik", "--refreshers", "off"])
    assert (result.exit_code, result.output) == (0, "refreshers\toff\nxapi-email\toff\n")
    db.session.expire_all()
    assert db.session.get(Organisation, org.id).refreshers_enabled is False
    result = runner.invoke(args=["org", "settings", "nowhere"])
    assert result.exit_code == 1
