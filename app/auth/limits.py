"""Login limits counted in the app's own database, so every process shares them without Redis.

A storage backend for the `limits` library (which Flask-Limiter uses), registered under the
scheme ``leda+db://``: one row per key and fixed window, incremented by a single upsert on a
connection of its own, so a count survives the request's rollback and two processes racing
on one key both count. With ``REDIS_URL`` set, Redis keeps the counts instead.
"""

import time

from limits.storage import Storage
from sqlalchemy import case, delete, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import SQLAlchemyError

from app.db import db

from .models import RateLimitCounter

COUNTERS = RateLimitCounter.__table__


class DatabaseStorage(Storage):
    STORAGE_SCHEME = ["leda+db"]

    @property
    def base_exceptions(self) -> type[Exception]:
        return SQLAlchemyError

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        now = time.time()
        insert = {"postgresql": pg_insert, "sqlite": sqlite_insert}[db.engine.dialect.name]
        expired = COUNTERS.c.expires_at <= now
        statement = (
            insert(COUNTERS)
            .values(key=key, count=amount, expires_at=now + expiry)
            .on_conflict_do_update(
                index_elements=["key"],
                set_={
                    "count": case((expired, amount), else_=COUNTERS.c.count + amount),
                    "expires_at": case((expired, now + expiry), else_=COUNTERS.c.expires_at),
                },
            )
            .returning(COUNTERS.c.count)
        )
        with db.engine.begin() as connection:
            return int(connection.execute(statement).scalar_one())

    def get(self, key: str) -> int:
        with db.engine.connect() as connection:
            count = connection.execute(
                select(COUNTERS.c.count).where(
                    COUNTERS.c.key == key, COUNTERS.c.expires_at > time.time()
                )
            ).scalar_one_or_none()
        return int(count or 0)

    def get_expiry(self, key: str) -> float:
        with db.engine.connect() as connection:
            expires = connection.execute(
                select(COUNTERS.c.expires_at).where(COUNTERS.c.key == key)
            ).scalar_one_or_none()
        return float(expires) if expires is not None else time.time()

    def check(self) -> bool:
        with db.engine.connect() as connection:
            connection.execute(select(func.count()).select_from(COUNTERS))
        return True

    def reset(self) -> int | None:
        with db.engine.begin() as connection:
            return connection.execute(delete(COUNTERS)).rowcount

    def clear(self, key: str) -> None:
        with db.engine.begin() as connection:
            connection.execute(delete(COUNTERS).where(COUNTERS.c.key == key))
