"""Log lines for operators: JSON lines or plain text, each naming its request or task.

``LEDA_LOG_FORMAT=json`` writes one JSON object a line to standard error (time, level, logger,
message, and ``request_id`` in a request or ``task_id`` in a job); ``text`` writes the same as
plain lines. Unset, the web app leaves logging as its host set it up and ``leda worker`` writes
plain lines. Either way every request line carries the endpoint, never the path's values or the
query string (a people search holds names), and the client's address only when
``LEDA_LOG_CLIENT_ADDRESS=1``.

Code logs ids, never names, emails or reflections. As a second line of defence every line is
scrubbed of anything shaped like an email address and of the values an error repeats
(PostgreSQL's ``DETAIL: Key (email)=(…)``, pydantic's ``input_value=…``), since an exception's
message is not ours to choose.
"""

import logging
import re
import sys
import uuid
from datetime import UTC, datetime
from typing import IO, Any

from flask import g, has_request_context, request
from pythonjsonlogger.json import JsonFormatter

from app.jobs import current_task_id

FORMATS = ("json", "text")
# What a proxy or client may hand us as X-Request-ID: a token (nginx's $request_id, a UUID),
# nothing that can carry an address, a line break or a novel.
REQUEST_ID = re.compile(r"[A-Za-z0-9_-]{8,128}")
EMAIL = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+")
DB_DETAIL = re.compile(r"DETAIL:[^\n]*")
# pydantic's ValidationError repeats what was typed: "[type=…, input_value='Kari', input_type=str]".
PYDANTIC_INPUT = re.compile(r"input_value=.*?(?=, input_type=)")
# Their INFO lines hold what ours leave out: the dev server's access line the client's address
# and the query string, Flask-Limiter's the limited key (an address, an account's hash).
QUIETED = ("werkzeug", "flask-limiter")


def redact(text: str) -> str:
    text = PYDANTIC_INPUT.sub("input_value=(hidden)", text)
    return DB_DETAIL.sub("DETAIL: (hidden)", EMAIL.sub("(email)", text))


def request_id() -> str:
    """This request's id: the caller's X-Request-ID when it is a sane token, else a new one."""
    if "request_id" not in g:
        given = request.headers.get("X-Request-ID", "")
        g.request_id = given if REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
    return g.request_id


class Context(logging.Filter):
    """Adds ``request_id`` (in a request) and ``task_id`` (in a job) to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if has_request_context():
            record.request_id = request_id()
        task = current_task_id.get()
        if task is not None:
            record.task_id = task
        return True


class JsonLines(JsonFormatter):
    def __init__(self) -> None:
        super().__init__(
            "{asctime}{levelname}{name}{message}",
            style="{",
            rename_fields={
                "asctime": "time",
                "levelname": "level",
                "name": "logger",
                "exc_info": "exception",
            },
        )

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:  # noqa: N802
        return _utc(record)

    def process_log_record(self, log_data: dict[str, Any]) -> dict[str, Any]:
        return {k: redact(v) if isinstance(v, str) else v for k, v in log_data.items()}


class PlainLines(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        context = " ".join(
            f"{key}={getattr(record, key)}"
            for key in ("request_id", "task_id")
            if hasattr(record, key)
        )
        line = f"{_utc(record)} {record.levelname} {record.name} [{context}] {record.getMessage()}"
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return redact(line)


class LedaHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """The root logger's one handler once Leda configured logging."""


def configure_logging(log_format: str, level: str = "INFO", stream: IO[str] | None = None) -> None:
    """Send every logger's records through one handler in ``log_format`` (json or text),
    replacing the root logger's others (as ``basicConfig(force=True)``), so no line comes out
    in another shape."""
    if log_format not in FORMATS:
        raise RuntimeError(f"LEDA_LOG_FORMAT must be json or text; got {log_format!r}")
    if level.upper() not in logging.getLevelNamesMapping():
        raise RuntimeError(f"LEDA_LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR; got {level!r}")
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    handler = LedaHandler(stream or sys.stderr)
    handler.addFilter(Context())
    handler.setFormatter(JsonLines() if log_format == "json" else PlainLines())
    root.addHandler(handler)
    root.setLevel(level.upper())
    for name in QUIETED:
        logging.getLogger(name).setLevel(logging.WARNING)


def _utc(record: logging.LogRecord) -> str:
    return datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds")
