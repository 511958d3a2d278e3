"""Database plumbing every feature shares: one Base, one clock, one org filter, one upsert."""

from collections.abc import Callable
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, TypeVar

from flask import Flask, abort, current_app, g, has_request_context, request
from flask_sqlalchemy import SQLAlchemy
from flask_sqlalchemy.session import Session
from sqlalchemy import DateTime, Enum, ForeignKey, MetaData, Select, event, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, ORMExecuteState, declared_attr, mapped_column
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
    existing row alone, and on PostgreSQL unlocked (give an ``update`` to lock it). Returns
    the id of the row inserted or updated, None when the conflict left it alone.
    """
    statement = _upsert(model, values, conflict, update).returning(model.id)  # type: ignore[attr-defined]
    return db.session.execute(statement).scalar_one_or_none()


def upsert_row(
    model: type[T], values: dict[str, Any], conflict: list[str], update: dict[str, Any]
) -> T | None:
    """``upsert``, giving back the row inserted or updated itself, as the statement left it (one
    statement: no read after the write); None when the conflict left it alone."""
    statement = _upsert(model, values, conflict, update).returning(model)
    options = {"populate_existing": True}  # an object the session holds takes the row's values
    return db.session.scalars(statement, execution_options=options).one_or_none()


def _upsert(model: type, values: dict[str, Any], conflict: list[str], update: dict[str, Any]):  # type: ignore[no-untyped-def]
    insert = {"postgresql": pg_insert, "sqlite": sqlite_insert}[db.session.get_bind().dialect.name]
    statement = insert(model).values(**values)
    if update:
        return statement.on_conflict_do_update(index_elements=conflict, set_=update)
    return statement.on_conflict_do_nothing(index_elements=conflict)


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


F = TypeVar("F", bound=Callable[..., Any])


def needs_transaction(view: F) -> F:
    """Mark a GET view that writes, streams (a server-side cursor) or locks rows: its statements
    run in a transaction, as a POST's do. The HR API is one: it audits every read."""
    view.needs_transaction = True  # type: ignore[attr-defined]
    return view


@event.listens_for(Session, "do_orm_execute")
def _read_in_autocommit(state: ORMExecuteState) -> None:
    """The first statement of a GET or HEAD request takes its connection in autocommit.

    A GET never writes, and under PostgreSQL's READ COMMITTED every statement sees its own
    snapshot anyway, so the transaction a read would open buys nothing but two round trips:
    BEGIN, and ROLLBACK when the connection goes back to the pool (a third of a lesson page's).
    A request that asks nothing of the database takes no connection at all.
    """
    session = state.session
    if session.in_transaction() or not has_request_context():
        return
    if request.method not in ("GET", "HEAD"):
        return
    view = current_app.view_functions.get(request.endpoint or "")
    if getattr(view, "needs_transaction", False):
        return
    session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
    g.reads_in_autocommit = True


def init_reads(app: Flask) -> None:
    @app.teardown_request
    def end_the_read(_error: BaseException | None) -> None:
        """Give the connection back (no round trip: there is no transaction to end), so a
        request that shares its app context with the next (a test's) leaves no autocommit."""
        if g.pop("reads_in_autocommit", False):
            db.session.rollback()
