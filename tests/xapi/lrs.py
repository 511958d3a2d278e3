"""A real LRS on loopback: ralph's (FastAPI, statements in files), one per test that asks."""

import base64
import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import bcrypt

from tests.helpers import free_port

KEY, SECRET = "leda", "lrs-secret-for-tests"


@contextmanager
def ralph_lrs(folder: Path) -> Iterator[str]:
    """Ralph's LRS with one basic-auth user (KEY, SECRET); yields its xAPI endpoint. Its log
    is ``server.log`` in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    auth = folder / "auth.json"
    hashed = bcrypt.hashpw(SECRET.encode(), bcrypt.gensalt(rounds=4)).decode()
    auth.write_text(
        json.dumps(
            [
                {
                    "agent": {"objectType": "Agent", "mbox": "mailto:leda@example.org"},
                    "scopes": ["all"],
                    "hash": hashed,
                    "username": KEY,
                }
            ]
        )
    )
    port = free_port()
    environment = {
        **os.environ,
        "RALPH_APP_DIR": str(folder / "app"),
        "RALPH_AUTH_FILE": str(auth),
        "RALPH_RUNSERVER_BACKEND": "fs",
        "RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH": str(folder / "data"),
    }
    log = (folder / "server.log").open("wb")  # for a failing test's reader
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "ralph.api:app", "--host", "127.0.0.1"]
        + ["--port", str(port), "--log-level", "warning"],
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_until_up(f"http://127.0.0.1:{port}/__heartbeat__", process)
        yield f"http://127.0.0.1:{port}/xAPI"
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


def _wait_until_up(url: str, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(url, timeout=2).close()
            return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"ralph's LRS did not start (exit {process.poll()})") from None
            time.sleep(0.2)


def stored_statements(endpoint: str) -> list[dict[str, Any]]:
    """Every statement the LRS holds, as it returns them."""
    credentials = base64.b64encode(f"{KEY}:{SECRET}".encode()).decode()
    request = urllib.request.Request(
        f"{endpoint}/statements?limit=500",
        headers={"X-Experience-API-Version": "1.0.3", "Authorization": f"Basic {credentials}"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)["statements"]
