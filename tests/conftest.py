"""Fixtures: a fresh, migrated database per test on SQLite always and PostgreSQL when
LEDA_TEST_DATABASE_URL is set; a pinned clock; a client that can log users in."""

import os
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask, has_app_context
from flask.testing import FlaskClient, FlaskCliRunner
from flask_migrate import upgrade

import app.db as leda_db
from app import create_app, database_url
from app.db import db
from app.orgs.models import User
from tests.factories import PASSWORD

CHROMIUM = shutil.which("chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TESTS = Path(__file__).resolve().parent
CONTENT = TESTS / "content" / "valid"
PG_URL = os.environ.get("LEDA_TEST_DATABASE_URL")


@pytest.fixture(scope="session", autouse=True)
def _instance(tmp_path_factory: pytest.TempPathFactory) -> None:
    os.environ["LEDA_INSTANCE_PATH"] = str(tmp_path_factory.mktemp("instance"))


def make_app(url: str, content: Path = CONTENT, **config: object) -> Flask:
    """An app on ``url``. Jobs run at once, in process (``LEDA_HUEY_IMMEDIATE``), unless a test
    about delivery turns that off and runs a real consumer."""
    application = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URI": url,
            "LEDA_CONTENT_ROOT": str(content),
            "WTF_CSRF_ENABLED": False,
            "LEDA_HUEY_IMMEDIATE": True,
            **config,
        }
    )
    application.test_client_class = RequestScopedClient
    return application


def _migrate(url: str) -> None:
    migrated = make_app(url)
    with migrated.app_context():
        upgrade()
        db.engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "leda.sqlite"
    _migrate(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def pg_database() -> str:
    """The PostgreSQL test database, emptied and migrated once per session."""
    assert PG_URL
    engine = sa.create_engine(database_url(PG_URL))
    with engine.begin() as connection:
        connection.execute(sa.text("DROP SCHEMA public CASCADE"))
        connection.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()
    _migrate(database_url(PG_URL))
    return database_url(PG_URL)


@pytest.fixture(params=["sqlite", "pg"] if PG_URL else ["sqlite"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        path = tmp_path / "leda.sqlite"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}"
        return
    url = request.getfixturevalue("pg_database")
    yield url
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        tables = connection.scalars(
            sa.text(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
                " AND tablename != 'alembic_version'"
            )
        ).all()
        connection.execute(sa.text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
    engine.dispose()


class RequestScopedClient(FlaskClient):
    """Each request in its own app context and database session, as in production.

    The test's own session is committed first, so rows made by factories are visible to the
    request and the test reads fresh data afterwards.
    """

    def open(self, *args: object, **kwargs: object):  # type: ignore[override]
        if has_app_context():
            db.session.commit()
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture
def outbox(tmp_path: Path) -> Path:
    """This test's mail outbox folder; read it with ``tests.helpers.read_outbox``."""
    return tmp_path / "outbox"


@pytest.fixture
def app(database: str, outbox: Path) -> Iterator[Flask]:
    application = make_app(database, LEDA_MAIL_OUTBOX=str(outbox))
    with application.app_context():
        yield application
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


class Clock:
    """A clock tests move by hand; ``app.db.utcnow()`` reads it."""

    def __init__(self) -> None:
        self.now = datetime(2026, 3, 2, 8, 0, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: int) -> datetime:
        self.now += timedelta(seconds=seconds)
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    pinned = Clock()
    monkeypatch.setattr(leda_db, "_clock", pinned)
    return pinned


@pytest.fixture
def login(client: FlaskClient):  # type: ignore[no-untyped-def]
    def log_in(user: User) -> None:
        db.session.commit()
        response = client.post("/login", data={"email": user.email, "password": PASSWORD})
        assert response.status_code == 302, response.text

    return log_in


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Debian's chromium through Playwright, one per test run (Playwright allows one sync loop)."""
    if CHROMIUM is None:
        pytest.skip("chromium is not installed (apt-get install chromium); .ci/run installs it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A browser test that times out waiting on Chromium gets one more try; any other failure
    of it, and every failure of any other test, counts at once."""
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.flaky(reruns=1, only_rerun=["TimeoutError"]))
