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
