"""Exports of reports, each recorded in the audit log (who, when, which filter, how many rows)."""

from datetime import datetime
from typing import IO

from app.db import utcnow
from app.orgs.models import Organisation, User
from app.orgs.services import audit

from .completions import CompletionFilters, CompletionReport
from .formats import FORMATS, OnRows, ignore_rows


def export_completions(
    org: Organisation,
    actor: User | None,
    filters: CompletionFilters,
    format_id: str,
    stream: IO[bytes],
    locale: str,
    delimiter: str | None = None,
    now: datetime | None = None,
    on_rows: OnRows = ignore_rows,
) -> int:
    """Write the completion report in ``format_id`` to ``stream``; returns the rows written.
    Adds the audit entry (flushes with the caller's commit)."""
    now = now or utcnow()
    report = CompletionReport(org, filters, now)
    rows = FORMATS[format_id](report, stream, locale, delimiter, on_rows)
    audit(
        org.id,
        actor,
        "report_exported",
        None,
        report="completions",
        format=format_id,
        rows=rows,
        filters=filters.described(),
    )
    return rows
