"""API tokens: made and revoked by `leda tokens …` and the API tokens page, stored hashed."""

import re

from sqlalchemy import select

from app.api.models import ApiToken
from app.auth.services import hash_token
from app.db import db
from app.orgs.models import AuditEvent, Role
from tests.api.helpers import bearer
from tests.factories import make_org, make_user

URL = "/api/v1/completions"
SECRET = re.compile(r"leda_[A-Za-z0-9_-]{43}")


def test_the_command_prints_a_token_once_that_works_until_revoked(app, client, runner, clock):
    org = make_org()
    make_user(org, email="ase@vik.test")
    db.session.commit()
    created = runner.invoke(args=["tokens", "create", "--org", "vik", "--name", "HR system"])
    assert created.exit_code == 0, created.output
    secret = created.output.strip()
    assert SECRET.fullmatch(secret)
    [token] = db.session.scalars(select(ApiToken)).all()
    assert (token.org_id, token.name, token.created_by_id) == (org.id, "HR system", None)
    assert token.token_hash == hash_token(secret)  # only the hash is kept
    assert secret not in repr(vars(token))
    assert client.get(URL, headers=bearer(secret)).status_code == 200

    listed = runner.invoke(args=["tokens", "list", "--org", "vik"])
    assert (
        listed.output == f"{token.id}\tHR system\t2026-03-02T08:00:00Z\t2026-03-02T08:00:00Z\t-\n"
    )
    assert secret not in listed.output

    again = runner.invoke(args=["tokens", "create", "--org", "vik", "--name", "HR system"])
    assert (again.exit_code, again.output) == (1, "Error: A token in use already has that name.\n")
    clock.advance(60)
    revoked = runner.invoke(args=["tokens", "revoke", "--org", "vik", "HR system"])
    assert revoked.output == f"Token {token.id} (HR system) revoked.\n"
    assert client.get(URL, headers=bearer(secret)).status_code == 401
    db.session.expire_all()
    assert db.session.get(ApiToken, token.id).revoked_at == clock.now
    actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions == ["api_token_created", "api_read", "api_token_revoked"]


def test_revoke_by_id_and_refusals(app, runner):
    make_org()
    make_org(slug="dal", name="Dal kommune")
    db.session.commit()
    runner.invoke(args=["tokens", "create", "--org", "vik", "--name", "Lønn"])
    [token] = db.session.scalars(select(ApiToken)).all()
    other = runner.invoke(args=["tokens", "revoke", "--org", "dal", str(token.id)])
    assert (other.exit_code, other.output) == (1, f"Error: dal has no token '{token.id}' in use.\n")
    by_id = runner.invoke(args=["tokens", "revoke", "--org", "vik", str(token.id)])
    assert by_id.output == f"Token {token.id} (Lønn) revoked.\n"
    nobody = runner.invoke(args=["tokens", "create", "--org", "nope", "--name", "x"])
    assert nobody.output == "Error: No organisation has the short name 'nope'.\n"


def test_the_admin_page_makes_a_token_shown_once_and_revokes_it(app, client, login):
    org = make_org()
    admin = make_user(org, email="admin@vik.test", roles=[Role.ADMIN], locale="en")
    login(admin)
    assert "There are no API tokens yet." in client.get("/admin/tokens").text
    response = client.post("/admin/tokens", data={"name": " HR system "})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    [secret] = SECRET.findall(response.text)
    assert "Copy it now: it is not shown again." in response.text
    token = db.session.scalar(select(ApiToken))
    assert (token.name, token.created_by_id) == ("HR system", admin.id)
    assert client.get(URL, headers=bearer(secret)).status_code == 200
    page = client.get("/admin/tokens").text
    assert secret not in page
    assert "HR system" in page

    refused = client.post("/admin/tokens", data={"name": ""})
    assert refused.status_code == 400
    assert "Enter a name." in refused.text

    response = client.post(f"/admin/tokens/{token.id}/revoke")
    assert (response.status_code, response.headers["Location"]) == (302, "/admin/tokens")
    assert "The token HR system no longer works." in client.get("/admin/tokens").text
    assert client.get(URL, headers=bearer(secret)).status_code == 401
    audit = client.get("/admin/audit").text
    assert "Made the API token HR system" in audit
    assert "Revoked the API token HR system" in audit
    assert "Read the completion report through the API (rows: 1)" in audit  # the admin
    assert f"API token {token.id}" in audit


def test_only_administrators_reach_the_page(app, client, login):
    org = make_org()
    login(make_user(org, email="hr@vik.test", roles=[Role.HR, Role.MANAGER]))
    assert client.get("/admin/tokens").status_code == 403
    assert client.post("/admin/tokens", data={"name": "x"}).status_code == 403
    assert db.session.scalars(select(ApiToken)).all() == []
