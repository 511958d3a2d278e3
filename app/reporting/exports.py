"""Completion reports asked for on the Reports page, made by the job queue.

The request records a ReportExport and hands its id to the queue after the commit; the job
claims the row, counts the rows to come, writes the file in the instance folder (telling the
row how far it has come, in a transaction of its own, so the page can show it) and records the
audit entry. The queue and the row are both in storage that outlives a process, so a restart of
the web processes loses nothing, and a sweep gives a lost or stalled export to the queue again
(a claim is a lease: two workers never write the same file at once). Files are deleted after
EXPORT_DAYS.
"""

import logging
from datetime import datetime, timedelta
from pathlib import Path

from flask import current_app
from huey import crontab
from pydantic import TypeAdapter
from sqlalchemy import delete, or_, select, update

from app.db import db, utcnow
from app.files import private_writer
from app.jobs import enqueue_after_commit, periodic_task, task
from app.orgs.models import Organisation, User

from .completions import CompletionFilters, CompletionReport
from .models import ExportStatus, ReportExport
from .services import export_completions

log = logging.getLogger(__name__)

EXPORT_DAYS = 7
LEASE = timedelta(minutes=10)  # a claim with no progress for this long is given up
SWEEP_GRACE = timedelta(minutes=2)  # a queued export is the enqueue's for this long
_FILTERS = TypeAdapter(CompletionFilters)


def export_path(export: ReportExport) -> Path:
    return Path(current_app.instance_path) / "exports" / f"{export.id}.{export.format}"


def request_export(
    org: Organisation,
    user: User,
    filters: CompletionFilters,
    format_id: str,
    locale: str,
    delimiter: str | None,
) -> ReportExport:
    """Record an export and queue it (after the caller's commit)."""
    export = ReportExport(
        org_id=org.id,
        user_id=user.id,
        format=format_id,
        locale=locale,
        delimiter=delimiter,
        filters=_FILTERS.dump_python(filters, mode="json"),
    )
    db.session.add(export)
    db.session.flush()
    enqueue_after_commit(make_export_job, export.id)
    return export


def recent_exports(user: User, now: datetime) -> list[ReportExport]:
    """The user's own exports that are still kept, newest first."""
    return list(
        db.session.scalars(
            select(ReportExport)
            .where(
                ReportExport.org_id == user.org_id,
                ReportExport.user_id == user.id,
                ReportExport.created_at > now - timedelta(days=EXPORT_DAYS),
            )
            .order_by(ReportExport.id.desc())
            .limit(5)
        )
    )


def make_export(export_id: int, now: datetime | None = None) -> bool:
    """Write export ``export_id``'s file, unless another worker holds it or it is done;
    returns whether this call wrote it."""
    now = now or utcnow()
    if not _claim(export_id, now):
        return False
    export = db.session.get_one(ReportExport, export_id)
    org, user = export.organisation, export.user
    filters = _FILTERS.validate_python(export.filters)
    try:
        export.rows_total = CompletionReport(org, filters, now).count()
        db.session.commit()
        with private_writer(export_path(export)) as stream:
            rows = export_completions(
                org, user, filters, export.format, stream, export.locale, export.delimiter,
                now, lambda done: _progress(export_id, done),
            )  # fmt: skip
        export.status = ExportStatus.DONE
        export.rows_done = rows
        export.finished_at = utcnow()
        db.session.commit()
    except Exception:
        db.session.rollback()
        log.exception("report export %s failed", export_id)
        db.session.execute(
            update(ReportExport)
            .where(ReportExport.id == export_id)
            .values(status=ExportStatus.FAILED, finished_at=utcnow())
        )
        db.session.commit()
    return True


def _claim(export_id: int, now: datetime) -> bool:
    """Take the export: queued, or running under a lease that ran out. One UPDATE, committed."""
    claimed = db.session.execute(
        update(ReportExport)
        .where(
            ReportExport.id == export_id,
            or_(
                ReportExport.status == ExportStatus.QUEUED,
                (ReportExport.status == ExportStatus.RUNNING)
                & (ReportExport.updated_at < now - LEASE),
            ),
        )
        .values(status=ExportStatus.RUNNING, rows_done=0, updated_at=now),
        execution_options={"preserve_rowcount": True},
    ).rowcount
    db.session.commit()
    return claimed == 1


def _progress(export_id: int, rows: int) -> None:
    """Record how far the job has come, in a transaction of its own (the export's own is busy
    reading), which renews its lease."""
    with db.engine.begin() as connection:
        connection.execute(
            update(ReportExport)
            .where(ReportExport.id == export_id)
            .values(rows_done=rows, updated_at=utcnow())
        )


@task()
def make_export_job(export_id: int) -> bool:
    return make_export(export_id)


def sweep_exports(now: datetime) -> list[int]:
    """Queue again what was lost or stalled; delete what is older than EXPORT_DAYS, file first.
    Returns the ids queued again."""
    stale = db.session.scalars(
        select(ReportExport.id).where(
            or_(
                (ReportExport.status == ExportStatus.QUEUED)
                & (ReportExport.created_at < now - SWEEP_GRACE),
                (ReportExport.status == ExportStatus.RUNNING)
                & (ReportExport.updated_at < now - LEASE),
            )
        )
    ).all()
    old = db.session.scalars(
        select(ReportExport).where(ReportExport.created_at < now - timedelta(days=EXPORT_DAYS))
    ).all()
    for export in old:
        export_path(export).unlink(missing_ok=True)
    db.session.execute(delete(ReportExport).where(ReportExport.id.in_([e.id for e in old])))
    db.session.commit()
    for export_id in stale:
        make_export_job(export_id)
    return list(stale)


@periodic_task(crontab(minute="*/10"))
def sweep_exports_job() -> list[int]:
    return sweep_exports(utcnow())
