from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, OrgScoped, UTCDateTime, utcnow


class LrsSettings(OrgScoped, Base):
    """The Learning Record Store an organisation sends its statements to; none: nothing is
    queued. The secret is only ever sent to the LRS: never shown, printed or logged."""

    __tablename__ = "xapi_lrs"
    __table_args__ = (UniqueConstraint("org_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    endpoint: Mapped[str] = mapped_column(String(255))  # statements go to {endpoint}/statements
    key: Mapped[str] = mapped_column(String(255))
    secret: Mapped[str] = mapped_column(String(255))


class XapiStatement(OrgScoped, Base):
    """One statement in the outbox: written in the transaction of the progress it reports,
    pushed to the LRS after commit. One row per statement id, so recording an event twice
    queues it once. The statement is cleared once sent (it names a person); the row stays as
    the record that it went.
    """

    __tablename__ = "xapi_outbox"
    id: Mapped[int] = mapped_column(primary_key=True)
    statement_id: Mapped[str] = mapped_column(String(36), unique=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    statement: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    attempts: Mapped[int] = mapped_column(default=0)
    # When a (next) attempt may start: NULL for a new statement; a claim pushes it past a
    # lease, a failure to the next retry.
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
