"""Database plumbing every feature shares: one Base, one clock, one org filter, one upsert."""

from collections.abc import Callable
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, TypeVar

from flask import abort
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import DateTime, Enum, ForeignKey, MetaData, Select, event, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
T = TypeVar("T")


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """Foreign keys on, WAL so readers never wait for a writer, a wait instead of 'locked', and
    a lower() that knows letters beyond ASCII."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.close()
        # SQLite's own lower() folds ASCII only; Æ, Ø, Å, Ä and Ö must match as in PostgreSQL.
        dbapi_connection.create_function("lower", 1, _lower, deterministic=True)


def _lower(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value


def _system_clock() -> datetime:
    return datetime.now(UTC)


_clock: Callable[[], datetime] = _system_clock


def utcnow() -> datetime:
    """The only clock: aware UTC. Tests pin it by replacing ``app.db._clock``."""
    return _clock()


class UTCDateTime(TypeDecorator[datetime]):
    """Stores UTC and gives back aware datetimes on SQLite (which has no zones) and PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime; use app.db.utcnow()")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def str_enum(enum: type[StrEnum]) -> Enum:
    """A StrEnum column holding its members' strings (a VARCHAR, no native database type)."""
    return Enum(enum, values_callable=lambda e: [m.value for m in e], native_enum=False, length=16)


class OrgScoped:
    """Mixin for tenant tables: every row belongs to exactly one organisation."""

    @declared_attr
    def org_id(cls) -> Mapped[int]:  # noqa: N805
        return mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), index=True)


def in_org(model: type[T], org_id: int) -> Select[tuple[T]]:
    """The start of every tenant query: rows of ``model`` in one organisation."""
    return select(model).where(model.org_id == org_id)  # type: ignore[attr-defined]


def get_in_org_or_404(model: type[T], id: int, org_id: int) -> T:
    """One row by id; another organisation's row is indistinguishable from a missing one."""
    row = db.session.scalar(in_org(model, org_id).where(model.id == id))  # type: ignore[attr-defined]
    if row is None:
        abort(404)
    return row


def upsert(
    model: type, values: dict[str, Any], conflict: list[str], update: dict[str, Any]
) -> int | None:
    """Insert a row or, when one with the same ``conflict`` columns exists, apply ``update``.

    One statement, so two racing requests cannot both insert. An empty ``update`` leaves the
    existing row alone (but still takes the write lock, which callers rely on before reading).
    Returns the id of the row inserted or updated, None when the conflict left it alone.
    """
    dialect = db.session.get_bind().dialect.name
    insert = {"postgresql": pg_insert, "sqlite": sqlite_insert}[dialect]
    statement = insert(model).values(**values)
    if update:
        statement = statement.on_conflict_do_update(index_elements=conflict, set_=update)
    else:
        statement = statement.on_conflict_do_nothing(index_elements=conflict)
    return db.session.execute(statement.returning(model.id)).scalar_one_or_none()


def insert_missing(model: type, rows: list[dict[str, Any]], conflict: list[str]) -> int:
    """Insert the rows that do not exist yet (by the ``conflict`` columns), in batches of one
    statement each; returns how many were inserted. Existing rows are left alone."""
    dialect = db.session.get_bind().dialect.name
    insert = {"postgresql": pg_insert, "sqlite": sqlite_insert}[dialect]
    made = 0
    for start in range(0, len(rows), 500):
        statement = insert(model).values(rows[start : start + 500])
        # SQLAlchemy keeps an INSERT's rowcount only when asked (else -1 on PostgreSQL)
        made += db.session.execute(
            statement.on_conflict_do_nothing(index_elements=conflict),
            execution_options={"preserve_rowcount": True},
        ).rowcount
    return made
