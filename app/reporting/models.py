"""What reporting keeps: the dashboard's figures for large organisations, and the exports HR
asks for from the Reports page, made by the job queue."""

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base, OrgScoped, UTCDateTime, str_enum, utcnow
from app.orgs.models import Organisation, User


class DashboardSnapshot(Base):
    """The dashboard of one organisation as the job queue last worked it out (as JSON), for
    organisations too large to count on every page view."""

    __tablename__ = "dashboard_snapshot"
    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), unique=True
    )
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    figures: Mapped[str] = mapped_column(String)


class ExportStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class ReportExport(OrgScoped, Base):
    """A completion report asked for on the Reports page: its filters and format, how far the
    job has come, and the file once written (kept for a week, for whoever asked)."""

    __tablename__ = "report_export"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    format: Mapped[str] = mapped_column(String(8))
    locale: Mapped[str] = mapped_column(String(8))
    delimiter: Mapped[str | None] = mapped_column(String(1))
    filters: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[ExportStatus] = mapped_column(
        str_enum(ExportStatus), default=ExportStatus.QUEUED
    )
    rows_total: Mapped[int | None] = mapped_column(Integer)
    rows_done: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)  # the lease
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organisation: Mapped[Organisation] = relationship()
    user: Mapped[User] = relationship()

    @property
    def percent(self) -> int:
        if self.status == ExportStatus.DONE:
            return 100
        if not self.rows_total:
            return 0
        return min(99, 100 * self.rows_done // self.rows_total)
