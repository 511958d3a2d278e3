from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import StatementError

from app.db import db, get_in_org_or_404
from app.orgs.models import User
from tests.factories import make_org, make_user


def test_sqlite_runs_with_wal_and_foreign_keys(sqlite_template, tmp_path):
    import shutil

    from tests.conftest import make_app

    shutil.copy(sqlite_template, tmp_path / "db.sqlite")
    with make_app(f"sqlite:///{tmp_path / 'db.sqlite'}").app_context():
        assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1
        db.session.remove()
        db.engine.dispose()


def test_times_are_stored_in_utc_and_come_back_aware(app):
    user = make_user(make_org())
    oslo = timezone(timedelta(hours=1))
    user.created_at = datetime(2026, 1, 5, 9, 30, tzinfo=oslo)
    db.session.commit()
    db.session.expire_all()
    stored = db.session.scalars(select(User)).one().created_at
    assert stored == datetime(2026, 1, 5, 8, 30, tzinfo=UTC)
    assert stored.tzinfo == UTC


def test_a_naive_time_is_refused(app):
    user = make_user(make_org())
    user.created_at = datetime(2026, 1, 5, 9, 30)
    with pytest.raises(StatementError, match="naive datetime"):
        db.session.flush()
    db.session.rollback()


def test_another_organisations_row_is_a_404(app):
    from werkzeug.exceptions import NotFound

    mine, theirs = make_org(), make_org(slug="dal", name="Dal kommune")
    user = make_user(theirs)
    assert get_in_org_or_404(User, user.id, theirs.id) is user
    with pytest.raises(NotFound):
        get_in_org_or_404(User, user.id, mine.id)


def _autocommits(dbapi_connection) -> bool:  # type: ignore[no-untyped-def]
    """Whether the driver's connection is in autocommit: sqlite3 with no isolation level (as
    SQLAlchemy sets it; Python 3.12's own ``autocommit`` attribute is left alone), psycopg's
    ``autocommit``."""
    import sqlite3

    if isinstance(dbapi_connection, sqlite3.Connection):
        return dbapi_connection.isolation_level is None
    return dbapi_connection.autocommit is True


def test_a_get_reads_in_autocommit_and_a_post_or_the_hr_api_in_a_transaction(app, client, login):
    from sqlalchemy import event

    from app.api import services as api
    from app.content import current_course

    user = make_user(make_org())
    _token, secret = api.create_token(user.organisation, "HR", None)
    login(user)
    module = current_course().modules[0]
    lesson = f"/modules/{module.id}/lessons/{module.lessons[0].id}"
    seen: list[bool] = []

    def record(conn, *_args):  # type: ignore[no-untyped-def]
        seen.append(_autocommits(conn.connection.dbapi_connection))

    event.listen(db.engine, "before_cursor_execute", record)
    try:

        def modes(method: str, path: str, **kwargs: object) -> set[bool]:
            seen.clear()
            response = client.open(path, method=method, **kwargs)
            assert response.status_code < 400, (path, response.status_code)
            return set(seen)

        assert modes("GET", lesson) == {True}
        assert modes("GET", "/") == {True}
        assert modes(
            "POST", f"/modules/{module.id}/visit", data={"lesson": module.lessons[0].id}
        ) == {False}
        headers = {"Authorization": f"Bearer {secret}"}
        assert modes("GET", "/api/v1/completions", headers=headers) == {False}
        assert modes("GET", lesson) == {True}  # the pool gave the connection back reset
        assert modes("GET", "/healthz") == set()  # nothing asked, no connection taken
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
