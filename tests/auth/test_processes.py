"""Sign-in state shared by several app processes: sessions in the database, limits in Redis."""

import uuid

import pytest
import requests
from flask import Flask

from app.db import db
from tests.factories import PASSWORD, make_org, make_user
from tests.servers import app_processes


def test_a_cookie_copied_before_logout_fails_on_every_process(app: Flask, database: str, tmp_path):
    make_user(make_org())
    db.session.commit()
    with app_processes(2, database, tmp_path) as (one, two):
        browser = requests.Session()
        form = {"email": "ola@vik.test", "password": PASSWORD}
        response = browser.post(f"{one}/login", data=form, allow_redirects=False)
        assert response.status_code == 302
        copied = browser.cookies.get("session")
        assert (
            requests.get(two, cookies={"session": copied}, allow_redirects=False).status_code == 200
        )

        assert browser.post(f"{two}/logout", allow_redirects=False).status_code == 302
        for url in (one, two):
            after = requests.get(url, cookies={"session": copied}, allow_redirects=False)
            assert (after.status_code, after.headers["Location"]) == (302, "/login?next=%2F")


@pytest.mark.parametrize(
    ("email", "store"),
    [("ola@vik.test", "redis"), ("nobody@vik.test", "redis"), ("ola@vik.test", "database")],
)
def test_login_limits_hold_across_processes(
    app: Flask, database: str, tmp_path, email: str, store: str
) -> None:
    """Ten failures for one account, spread over two processes, lock it for the window, counted
    in Redis or, without it, in the database; an unknown email is limited the same way, so the
    limit reveals nothing about who exists."""
    make_user(make_org())
    db.session.commit()
    env = {"LEDA_RATELIMIT_PREFIX": uuid.uuid4().hex}
    if store == "redis":
        env["REDIS_URL"] = "redis://127.0.0.1:6379/0"
    with app_processes(2, database, tmp_path, **env) as urls:
        statuses = [
            requests.post(f"{urls[i % 2]}/login", data={"email": email, "password": "wrong"},
                          headers={"Accept-Language": "en"}).status_code
            for i in range(11)
        ]  # fmt: skip
        assert statuses == [400] * 10 + [429]
        blocked = requests.post(f"{urls[0]}/login", data={"email": email, "password": PASSWORD},
                                headers={"Accept-Language": "en"})  # fmt: skip
        assert blocked.status_code == 429
        assert "Too many failed logins. Wait a few minutes and try again." in blocked.text
        other = requests.post(f"{urls[1]}/login", data={"email": "x@vik.test", "password": "wrong"})
        assert other.status_code == 400
