"""Checks of a running deployment, as plain functions: `/readyz` and `leda doctor` share them.

A check says what it found or, when something is wrong, what to do; never a secret's value.
"""

import os
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from urllib.parse import urlsplit

from alembic.script import ScriptDirectory
from flask import current_app
from redis import Redis
from sqlalchemy import text

from app.accessibility.services import feedback_contact
from app.db import db
from app.jobs import huey


class Status(StrEnum):
    OK = "ok"
    WARN = "warn"  # works, but not as a production deployment should
    FAIL = "fail"  # does not work


@dataclass(frozen=True)
class Check:
    name: str
    status: Status
    detail: str

    @property
    def ok(self) -> bool:
        return self.status != Status.FAIL


def database_check() -> Check:
    try:
        db.session.execute(text("SELECT 1"))
    except Exception as error:  # noqa: BLE001 (any failure to reach it is the answer)
        db.session.rollback()
        return Check("database", Status.FAIL, f"cannot reach the database ({type(error).__name__})")
    name = db.engine.dialect.name
    if name == "sqlite" and current_app.config["REDIS_URL"]:
        return Check("database", Status.WARN, "SQLite: one host only; use PostgreSQL for several")
    return Check("database", Status.OK, name)


def migrations_check() -> Check:
    """The database's Alembic revision against the newest one the code ships."""
    directory = Path(current_app.extensions["migrate"].directory)
    heads = set(ScriptDirectory(str(directory)).get_heads())
    try:
        current = set(db.session.scalars(text("SELECT version_num FROM alembic_version")))
    except Exception:  # noqa: BLE001 (no such table: never migrated)
        db.session.rollback()
        current = set()
    if current == heads:
        return Check("migrations", Status.OK, ", ".join(sorted(heads)))
    have = ", ".join(sorted(current)) or "none"
    need = ", ".join(sorted(heads))
    return Check(
        "migrations", Status.FAIL, f"at {have}, the code needs {need}: run `leda db upgrade`"
    )


def redis_check() -> Check | None:
    """Redis, when configured (login limits and the job queue share it); None when it is not."""
    url = current_app.config["REDIS_URL"]
    if not url:
        return None
    try:
        Redis.from_url(url, socket_timeout=2).ping()
    except Exception as error:  # noqa: BLE001
        return Check("redis", Status.FAIL, f"REDIS_URL does not answer ({type(error).__name__})")
    return Check("redis", Status.OK, "answers")


STORAGE = {
    "RedisStorage": "Redis",
    "SqliteStorage": "a SQLite file in the instance folder",
    "MemoryStorage": "memory (jobs run at once, in process)",
}


def queue_check() -> Check:
    """The job queue's storage answers (Redis when configured, else its SQLite file)."""
    try:
        waiting = huey.pending_count()
    except Exception as error:  # noqa: BLE001
        return Check(
            "queue", Status.FAIL, f"the job queue does not answer ({type(error).__name__})"
        )
    where = STORAGE.get(type(huey.storage).__name__, type(huey.storage).__name__)
    return Check("queue", Status.OK, f"{waiting} jobs waiting, in {where}")


def readiness() -> list[Check]:
    """What `/readyz` answers: can this process serve requests and hand work to the queue?"""
    checks = [database_check(), migrations_check(), redis_check(), queue_check()]
    return [check for check in checks if check is not None]


def configuration() -> list[Check]:
    """How the deployment is set up, with what to change for production."""
    config = current_app.config
    base = urlsplit(config["LEDA_BASE_URL"])
    secure = base.scheme == "https"
    checks = [
        Check("secret key", Status.OK, "SECRET_KEY is set")
        if os.environ.get("SECRET_KEY")
        else Check(
            "secret key",
            Status.WARN,
            "kept in the instance folder: set SECRET_KEY (the same on every host) for production",
        ),
        Check("base URL", Status.OK, config["LEDA_BASE_URL"])
        if secure
        else Check(
            "base URL",
            Status.WARN,
            f"{config['LEDA_BASE_URL']}: set LEDA_BASE_URL to the https address people use",
        ),
        Check("cookies", Status.OK, "sent over https only")
        if config["SESSION_COOKIE_SECURE"]
        else Check("cookies", Status.WARN, "set LEDA_SECURE_COOKIES=1 when served over https"),
        Check("mail", Status.OK, f"SMTP via {config['LEDA_SMTP_HOST']}")
        if config["LEDA_SMTP_HOST"]
        else Check(
            "mail", Status.WARN, "written to files in the outbox folder: set LEDA_SMTP_HOST to send"
        ),
        Check("hosts", Status.OK, ", ".join(config["TRUSTED_HOSTS"]))
        if config.get("TRUSTED_HOSTS")
        else Check("hosts", Status.WARN, "any Host header is served: set LEDA_TRUSTED_HOSTS"),
        Check("accessibility contact", Status.OK, config["LEDA_ACCESSIBILITY_CONTACT"])
        if config["LEDA_ACCESSIBILITY_CONTACT"]
        else Check(
            "accessibility contact",
            Status.WARN,
            f"the statement gives the sender's address, {feedback_contact(config)}:"
            " set LEDA_ACCESSIBILITY_CONTACT to an address someone reads",
        ),
    ]
    if not config["REDIS_URL"]:
        checks.append(
            Check(
                "redis",
                Status.WARN,
                "not set: fine on one host; set REDIS_URL when several hosts share the work",
            )
        )
    return checks


def doctor() -> list[Check]:
    return configuration() + readiness()
