"""Real app processes on loopback, for what must hold across processes (sessions, limits)."""

import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.conftest import CONTENT
from tests.helpers import free_port

SERVE = """
import sys
from werkzeug.serving import run_simple
from app import create_app
app = create_app({"LEDA_CONTENT_ROOT": sys.argv[2], "WTF_CSRF_ENABLED": False})
run_simple("127.0.0.1", int(sys.argv[1]), app, threaded=True)
"""


@contextmanager
def app_processes(count: int, database_url: str, instance: Path, **env: str) -> Iterator[list[str]]:
    """``count`` app processes sharing one database and secret key; yields their base URLs."""
    environment = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "shared-between-processes",
        "LEDA_INSTANCE_PATH": str(instance),
        **env,
    }
    ports = [free_port() for _ in range(count)]
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", SERVE, str(port), str(CONTENT)],
            env=environment,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for port in ports
    ]
    urls = [f"http://127.0.0.1:{port}" for port in ports]
    try:
        for url in urls:
            _wait_until_up(url)
        yield urls
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=10)


def _wait_until_up(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(f"{url}/login", timeout=2).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)
