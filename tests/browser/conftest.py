"""Real-browser fixtures: a fresh page, and a live server on loopback."""

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from werkzeug.serving import make_server


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
