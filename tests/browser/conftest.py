"""Real-browser fixtures: a fresh page, and a live server on loopback."""

import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from app.db import db
from tests.conftest import make_app
from tests.factories import PASSWORD, make_org, make_user


@pytest.fixture
def page(browser) -> Iterator[object]:
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def serve(app) -> tuple[str, object]:
    """Serve ``app`` on a free loopback port in a thread; returns its base URL and server."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}", server


ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def live_course(sqlite_template, tmp_path) -> Iterator[tuple[str, str]]:
    """The test course (tests/content/valid: a lesson with a check, a module with a scenario),
    served on loopback with CSRF on, and the email of a learner who reads English."""
    path = tmp_path / "live.sqlite"
    shutil.copy(sqlite_template, path)
    app = make_app(f"sqlite:///{path}", WTF_CSRF_ENABLED=True)
    with app.app_context():
        email = make_user(make_org(), locale="en").email
        db.session.commit()
    url, server = serve(app)
    yield url, email
    server.shutdown()
    with app.app_context():
        db.engine.dispose()


def log_in(page, base: str, email: str, password: str = PASSWORD) -> None:
    """Log in through the login page as ``email`` (by default with the factories' password)."""
    page.goto(f"{base}/login")
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password]").fill(password)
    page.locator("form.card button[type=submit]").click()
    page.wait_for_url(f"{base}/")
