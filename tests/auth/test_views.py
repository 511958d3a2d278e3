import pytest

from tests.factories import PASSWORD, make_org, make_user


def test_login_with_wrong_password_or_unknown_email_gives_one_generic_message(client):
    make_user(make_org(), email="ola@vik.test", locale="en")
    for email, password in (("ola@vik.test", "wrong"), ("nobody@vik.test", PASSWORD)):
        response = client.post(
            "/login",
            data={"email": email, "password": password},
            headers={"Accept-Language": "en"},
        )
        assert response.status_code == 400
        assert "Wrong email or password." in response.text
        assert "nobody" not in response.text.split("<main", 1)[1].split("value=", 1)[0]


def test_login_then_logout(client):
    make_user(make_org(), email="ola@vik.test")
    response = client.post("/login", data={"email": " OLA@vik.test ", "password": PASSWORD})
    assert (response.status_code, response.headers["Location"]) == (302, "/")
    assert client.get("/").status_code == 200
    response = client.post("/logout")
    assert response.headers["Location"] == "/login"
    assert client.get("/").headers["Location"] == "/login?next=%2F"


def test_login_goes_to_next_only_on_this_site(client):
    make_user(make_org(), email="ola@vik.test")
    data = {"email": "ola@vik.test", "password": PASSWORD}
    response = client.post("/login?next=/modules/first-steps", data=data)
    assert response.headers["Location"] == "/modules/first-steps"
    client.post("/logout")
    response = client.post("/login?next=https://evil.example/", data=data)
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example/",
        "/\\evil.example/",  # browsers read a backslash as a slash
        "/\t/evil.example/",  # and drop tabs and newlines
        "/\r\nSet-Cookie: x=1",  # no header may carry a newline: this was a 500
        "javascript:alert(1)",
    ],
)
def test_login_never_follows_a_next_that_leaves_the_site(client, target):
    make_user(make_org(), email="ola@vik.test")
    response = client.post(
        "/login",
        query_string={"next": target},
        data={"email": "ola@vik.test", "password": PASSWORD},
    )
    assert (response.status_code, response.headers["Location"]) == (302, "/")


def test_an_empty_login_names_the_missing_fields(client):
    response = client.post("/login", data={}, headers={"Accept-Language": "en"})
    assert response.status_code == 400
    assert "Enter your email address." in response.text
    assert "Enter your password." in response.text
    assert 'aria-invalid="true"' in response.text


def test_forms_without_a_csrf_token_are_refused(database):
    from tests.conftest import make_app

    app = make_app(database, WTF_CSRF_ENABLED=True)
    with app.app_context():
        make_user(make_org(), email="ola@vik.test")
        from app.db import db

        db.session.commit()
        client = app.test_client()
        response = client.post("/login", data={"email": "ola@vik.test", "password": PASSWORD})
        assert response.status_code == 400
        assert client.get("/").status_code == 302
        db.session.remove()
        db.engine.dispose()
