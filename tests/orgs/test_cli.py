"""Bootstrapping and running an organisation from the command line."""

import re

from sqlalchemy import select

from app.auth.models import AccountToken
from app.db import db
from app.demo import load_demo
from app.orgs.models import AuditEvent, Organisation, User

LINK = re.compile(r"http://127\.0\.0\.1:5000/account/password/([A-Za-z0-9_-]{43})\n")


def test_a_fresh_database_gets_an_organisation_and_an_admin_who_can_log_in(runner, client):
    result = runner.invoke(args=["org", "create", "vik", "--name", "Vik kommune"])
    assert (result.exit_code, result.output) == (0, "Organisation vik (Vik kommune) created.\n")
    result = runner.invoke(
        args=["users", "create", "--org", "vik", "--email", "Anne@Vik.no", "--role", "admin"]
    )
    assert result.exit_code == 0, result.output
    assert result.output.startswith(
        "anne@vik.no created. Invitation link (single use, valid 7 days):\n"
    )
    token = LINK.search(result.output)[1]

    password = "seven fjords at dawn"
    response = client.post(
        f"/account/password/{token}", data={"password": password, "confirm": password}
    )
    assert response.status_code == 302
    response = client.post("/login", data={"email": "anne@vik.no", "password": password})
    assert response.status_code == 302
    assert client.get("/admin/people").status_code == 200


def test_users_list_prints_one_person_a_line(runner):
    runner.invoke(args=["org", "create", "vik", "--name", "Vik kommune"])
    for args in (
        ["--email", "b@vik.no", "--given-name", "Bjørn", "--family-name", "Ås",
         "--employee-number", "7", "--unit", "Helse og omsorg/Sykehjem Nord", "--role", "manager",
         "--role", "learner"],
        ["--email", "a@vik.no", "--given-name", "Åse", "--family-name", "Berg"],
    ):  # fmt: skip
        assert runner.invoke(args=["users", "create", "--org", "vik", *args]).exit_code == 0
    result = runner.invoke(args=["users", "list", "--org", "vik"])
    assert result.output == (  # by family name: Berg before Ås, as in Norwegian
        "\tÅse Berg\ta@vik.no\t\tlearner\n"
        "7\tBjørn Ås\tb@vik.no\tHelse og omsorg/Sykehjem Nord\tlearner|manager\n"
    )


def test_refusals_exit_1_and_change_nothing(runner):
    runner.invoke(args=["org", "create", "vik", "--name", "Vik kommune"])
    cases = [
        (["org", "create", "vik", "--name", "Vik igjen"],
         "Error: An organisation with the short name vik exists.\n"),
        (["org", "create", "Vik Kommune", "--name", "x"],
         "Error: The short name may hold lower-case letters, digits and hyphens (at most 63).\n"),
        (["users", "create", "--org", "nope", "--email", "a@b.no"],
         "Error: No organisation has the short name 'nope'.\n"),
    ]  # fmt: skip
    for args, message in cases:
        result = runner.invoke(args=args)
        assert (result.exit_code, result.output) == (1, message), args
    assert db.session.scalars(select(Organisation.slug)).all() == ["vik"]


def test_units_cannot_move_into_their_own_subtree(runner):
    runner.invoke(args=["org", "create", "vik", "--name", "Vik kommune"])
    runner.invoke(args=["units", "create", "Helse/Sykehjem Nord/Avdeling 2", "--org", "vik"])
    result = runner.invoke(
        args=["units", "move", "Helse", "--under", "Helse/Sykehjem Nord/Avdeling 2", "--org", "vik"]
    )
    assert (result.exit_code, result.output) == (
        1,
        "Error: A unit cannot be placed under itself or under one of its own sub-units.\n",
    )
    runner.invoke(args=["units", "move", "Helse/Sykehjem Nord", "--org", "vik"])
    assert runner.invoke(args=["units", "list", "--org", "vik"]).output == (
        "Helse\nSykehjem Nord\nSykehjem Nord/Avdeling 2\n"
    )


def test_roles_deactivate_and_erase_are_audited(runner):
    runner.invoke(args=["org", "create", "vik", "--name", "Vik kommune"])
    runner.invoke(args=["users", "create", "--org", "vik", "--email", "e@vik.no"])
    result = runner.invoke(
        args=["users", "roles", "--org", "vik", "e@vik.no", "--grant", "hr", "--remove", "learner"]
    )
    assert result.output == "e@vik.no: hr\n"
    assert runner.invoke(args=["users", "deactivate", "--org", "vik", "e@vik.no"]).exit_code == 0
    assert (
        runner.invoke(args=["users", "erase", "--org", "vik", "e@vik.no", "--yes"]).exit_code == 0
    )
    actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions == [
        "user_created", "role_granted", "role_granted", "role_removed", "user_deactivated",
        "user_erased",
    ]  # fmt: skip
    erased = db.session.scalars(select(User)).one()
    assert (erased.email, erased.given_name, erased.employee_number, erased.roles) == (
        None, "", None, frozenset(),
    )  # fmt: skip
    assert db.session.scalars(select(AccountToken)).all() == []


def test_demo_refuses_a_database_with_another_organisation(runner):
    runner.invoke(args=["org", "create", "vik", "--name", "Vik kommune"])
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 1
    assert "the demo, whose passwords are public, is not created here" in result.output
    assert db.session.scalar(select(User.id)) is None


def test_demo_refreshes_without_duplicating(app):
    load_demo()
    db.session.commit()
    load_demo()
    db.session.commit()
    assert len(db.session.scalars(select(User)).all()) == 8
