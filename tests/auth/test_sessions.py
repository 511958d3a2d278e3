"""Sessions live on the server: logout, deactivation and a new password end them for real."""

from datetime import timedelta

from flask import Flask
from sqlalchemy import select

from app.auth import services
from app.auth.models import TokenPurpose, UserSession
from app.db import db
from app.orgs import services as orgs
from tests.conftest import Clock
from tests.factories import PASSWORD, make_org, make_user


def _log_in(client, email: str = "ola@vik.test") -> None:
    response = client.post("/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302, response.text


def _session_cookie(client) -> str:
    return client.get_cookie("session").value


def test_a_cookie_copied_before_logout_is_refused_after_it(app: Flask, client) -> None:
    make_user(make_org())
    _log_in(client)
    copied = _session_cookie(client)
    assert client.get("/").status_code == 200

    client.post("/logout")
    client.set_cookie("session", copied)

    response = client.get("/")
    assert (response.status_code, response.headers["Location"]) == (302, "/login?next=%2F")
    ended = db.session.scalars(select(UserSession)).one()
    assert ended.ended_at is not None


def test_login_renews_the_session_and_the_csrf_token(app: Flask, client) -> None:
    make_user(make_org())
    client.get("/login")
    with client.session_transaction() as before:
        before["csrf_token"] = "token-from-before-login"
        before["planted"] = "by an attacker"
    _log_in(client)
    with client.session_transaction() as after:
        assert "planted" not in after
        assert after.get("csrf_token") != "token-from-before-login"
        assert after.permanent is True
        assert len(after["sid"]) == 43


def test_sessions_expire_after_the_absolute_lifetime(app: Flask, client, clock: Clock) -> None:
    make_user(make_org())
    _log_in(client)
    clock.advance(int(timedelta(hours=11, minutes=59).total_seconds()))
    assert client.get("/").status_code == 200
    clock.advance(120)
    assert client.get("/").status_code == 302


def test_the_idle_timeout_is_the_cookies_maximum_age(app: Flask) -> None:
    assert app.permanent_session_lifetime == timedelta(minutes=30)
    assert app.config["LEDA_SESSION_MAX_AGE"] == timedelta(hours=12)
    assert app.config["SESSION_REFRESH_EACH_REQUEST"] is True


def test_an_idle_cookie_is_refused_by_the_server(database: str) -> None:
    """Signed cookies carry their time; one older than the idle timeout does not open."""
    from tests.conftest import make_app

    quick = make_app(database, PERMANENT_SESSION_LIFETIME=timedelta(seconds=1))
    with quick.app_context():
        make_user(make_org())
        db.session.commit()
        client = quick.test_client()
        _log_in(client)
        assert client.get("/").status_code == 200
        import time

        time.sleep(2.1)
        assert client.get("/").status_code == 302
        db.session.remove()
        db.engine.dispose()


def test_deactivating_a_user_ends_their_sessions(app: Flask, client) -> None:
    user = make_user(make_org())
    _log_in(client)
    orgs.deactivate_user(user, None)
    db.session.commit()
    assert client.get("/").status_code == 302
    response = client.post("/login", data={"email": "ola@vik.test", "password": PASSWORD})
    assert response.status_code == 400


def test_a_new_password_ends_the_other_sessions(app: Flask, client) -> None:
    user = make_user(make_org())
    _log_in(client)
    services.set_password(user, "a much longer passphrase")
    db.session.commit()
    assert client.get("/").status_code == 302


def test_an_invitation_link_sets_a_password_once(app: Flask, client) -> None:
    org = make_org()
    user = orgs.create_user(
        org, email="Eva@Vik.test", given_name="Eva", family_name="Ås", locale="en"
    )
    token = services.issue_token(user, TokenPurpose.INVITATION)
    db.session.commit()
    page = client.get(f"/account/password/{token}", headers={"Accept-Language": "en"})
    assert page.status_code == 200
    assert "Hello, Eva. Choose a password for your Leda account at Vik kommune." in page.text

    data = {"password": "fjord kayak lantern", "confirm": "fjord kayak lantern"}
    response = client.post(f"/account/password/{token}", data=data)
    assert (response.status_code, response.headers["Location"]) == (302, "/login")
    response = client.post("/login", data={"email": "eva@vik.test", "password": data["password"]})
    assert response.status_code == 302

    reused = client.post(f"/account/password/{token}", data=data, headers={"Accept-Language": "en"})
    assert reused.status_code == 410
    assert "This link does not work" in reused.text


def test_an_expired_or_forged_link_gets_a_clear_page(app: Flask, client, clock: Clock) -> None:
    user = orgs.create_user(make_org(), email="eva@vik.test", given_name="Eva", family_name="Ås")
    token = services.issue_token(user, TokenPurpose.PASSWORD_RESET)
    db.session.commit()
    clock.advance(3601)
    for link in (token, "forged-" + token[7:], "x" * 5000):
        response = client.get(f"/account/password/{link}", headers={"Accept-Language": "en"})
        assert response.status_code == 410, link[:20]
        assert "This link does not work" in response.text


def test_a_weak_password_is_refused_with_the_rule(app: Flask, client) -> None:
    user = orgs.create_user(
        make_org(), email="eva@vik.test", given_name="Eva", family_name="Ås", locale="en"
    )
    token = services.issue_token(user, TokenPurpose.INVITATION)
    db.session.commit()
    english = {"Accept-Language": "en"}
    for password, message in (
        ("short pass", "Use at least 12 characters."),
        ("password1234", "This password is too common."),
        ("eva@vik.test", "Do not use your email address as your password."),
    ):
        data = {"password": password, "confirm": password}
        response = client.post(f"/account/password/{token}", data=data, headers=english)
        assert response.status_code == 400
        assert message in response.text
    db.session.expire_all()
    assert user.password_hash is None


def test_passwords_are_argon2id() -> None:
    stored = services.hash_password("fjord kayak lantern")
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
