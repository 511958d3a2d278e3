"""The one job queue: a huey instance created bare here and bound to the app in create_app.

Storage: Redis when ``REDIS_URL`` is set (several hosts share one queue), else a SQLite file in
the instance folder (no extra service). ``LEDA_HUEY_IMMEDIATE`` runs tasks at once, in process,
for tests about what a task does rather than how it travels.

Declare tasks with :func:`task` and :func:`periodic_task` (never ``huey.task`` directly): they
run inside an app context of the bound app, with their own database session, so a task reads
only what was committed. Hand work a request causes to the queue with
:func:`enqueue_after_commit`, next to the outbox row that records it.
"""

import functools
import logging
from collections.abc import Callable
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from flask import Flask
from huey import Huey
from huey.api import TaskWrapper
from huey.consumer import Consumer
from huey.storage import MemoryStorage, RedisStorage, SqliteStorage
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from .db import db
from .files import private_file

log = logging.getLogger(__name__)

_PENDING = "leda_jobs_after_commit"

# The id of the task this thread is running, for its log lines (app/ops/logs.py); None outside.
current_task_id: ContextVar[str | None] = ContextVar("leda_task_id", default=None)


class LedaHuey(Huey):
    """Huey whose storage is picked by create_app rather than at import time."""

    def __init__(self) -> None:
        # Memory storage until bound; immediate_use_memory=False so that switching immediate
        # mode never swaps the storage behind our back.
        super().__init__(
            "leda", results=False, immediate_use_memory=False, storage_class=MemoryStorage
        )
        self.app: Flask | None = None

    def init_app(self, app: Flask) -> None:
        """Bind to ``app``: its config picks the storage, and tasks run in its context."""
        if self.app is not None:
            self.storage.close()
        self.name = app.config["LEDA_HUEY_NAME"]
        self.immediate = bool(app.config["LEDA_HUEY_IMMEDIATE"])
        if self.immediate:
            self.storage = MemoryStorage(self.name)
        elif app.config["REDIS_URL"]:
            self.storage = RedisStorage(self.name, url=app.config["REDIS_URL"])
        else:
            path = private_file(Path(app.instance_path) / "jobs.sqlite")
            self.storage = SqliteStorage(self.name, filename=str(path))
        self.app = app
        app.extensions["leda_jobs"] = self

    def enqueue(self, task: Any) -> Any:
        if self.app is None:
            raise RuntimeError("the job queue is not bound: create the app first")
        return super().enqueue(task)

    def execute(self, task: Any, timestamp: Any = None) -> Any:
        """Run ``task`` with its id in :data:`current_task_id`, so every line logged while it
        runs (huey's own "Executing" and "executed in" too) says which task wrote it."""
        token = current_task_id.set(task.id)
        try:
            return super().execute(task, timestamp)
        finally:
            current_task_id.reset(token)


huey = LedaHuey()


def _in_app_context(function: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(function)
    def run(*args: Any, **kwargs: Any) -> Any:
        assert huey.app is not None, "the job queue is not bound"
        with huey.app.app_context():
            return function(*args, **kwargs)

    return run


def task(**settings: Any) -> Callable[[Callable[..., Any]], TaskWrapper]:
    """Declare a task (huey's ``task`` settings apply) that runs inside an app context."""

    def declare(function: Callable[..., Any]) -> TaskWrapper:
        return huey.task(**settings)(_in_app_context(function))

    return declare


def periodic_task(
    validate_datetime: Callable[[Any], bool], **settings: Any
) -> Callable[[Callable[..., Any]], TaskWrapper]:
    """Declare a periodic task (e.g. ``huey.crontab(minute="*")``) that runs in an app context.

    Every running consumer's scheduler enqueues it, so with several workers on one Redis it
    runs once per worker per period: periodic tasks must be idempotent.
    """

    def declare(function: Callable[..., Any]) -> TaskWrapper:
        return huey.periodic_task(validate_datetime, **settings)(_in_app_context(function))

    return declare


def enqueue_after_commit(job: TaskWrapper, *args: Any) -> None:
    """Hand ``job(*args)`` to the queue once the current database transaction commits.

    Nothing is enqueued if the transaction rolls back, and work recorded inside a savepoint
    that rolls back is dropped with it. If enqueueing fails after the commit (the queue is
    down), the failure is logged and swallowed: the commit stands, so the feature's periodic
    sweep over its outbox rows must pick the work up.
    """
    session = db.session()
    transaction = session.get_nested_transaction() or session.get_transaction() or session.begin()
    session.info.setdefault(_PENDING, []).append((transaction, job, args))


def _belongs_to(transaction: SessionTransaction | None, ended: SessionTransaction) -> bool:
    while transaction is not None:
        if transaction is ended:
            return True
        transaction = transaction.parent
    return False


@event.listens_for(Session, "after_commit")
def _enqueue_pending(session: Session) -> None:
    if session.get_nested_transaction() is not None:
        return  # a savepoint was released; the work waits for the outermost commit
    for _transaction, job, args in session.info.pop(_PENDING, []):
        try:
            job(*args)
        except Exception as error:
            log.warning(
                "could not enqueue %s after commit: %s",
                job.task_class.__name__,
                type(error).__name__,
            )


@event.listens_for(Session, "after_soft_rollback")
def _drop_rolled_back(session: Session, previous_transaction: SessionTransaction) -> None:
    pending = session.info.get(_PENDING)
    if pending:
        pending[:] = [item for item in pending if not _belongs_to(item[0], previous_transaction)]


@event.listens_for(Session, "after_transaction_end")
def _forget_on_close(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        session.info.pop(_PENDING, None)


class BackgroundConsumer(Consumer):
    """A consumer whose threads run beside a host (the dev server, a test) that owns signals."""

    def _set_signal_handlers(self) -> None:
        pass


def start_background_consumer(workers: int = 1) -> BackgroundConsumer:
    """Run the bound queue's consumer in daemon threads of this process; ``stop()`` ends it."""
    consumer = BackgroundConsumer(huey, workers=workers, worker_type="thread", max_delay=1.0)
    consumer.start()
    return consumer
