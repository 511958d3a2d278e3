"""The database storage for login limits: fixed windows, shared, and reset when they end."""

import time

from app.auth.limits import DatabaseStorage


def test_counts_add_up_within_a_window_and_start_again_after_it(app, monkeypatch):
    storage = DatabaseStorage("leda+db://")
    now = 1_000_000.0
    monkeypatch.setattr(time, "time", lambda: now)
    assert [storage.incr("account:x", 900) for _ in range(3)] == [1, 2, 3]
    assert (storage.get("account:x"), storage.get("account:y")) == (3, 0)
    assert storage.get_expiry("account:x") == now + 900
    now += 901
    assert storage.get("account:x") == 0
    assert storage.incr("account:x", 900) == 1
    assert storage.get_expiry("account:x") == now + 900
    storage.clear("account:x")
    assert storage.get("account:x") == 0
    assert storage.check() is True


def test_a_failed_login_is_counted_even_though_the_request_changes_nothing(client):
    for _ in range(10):
        assert (
            client.post("/login", data={"email": "x@vik.test", "password": "no"}).status_code == 400
        )
    assert client.post("/login", data={"email": "x@vik.test", "password": "no"}).status_code == 429
    assert client.post("/login", data={"email": "y@vik.test", "password": "no"}).status_code == 400
