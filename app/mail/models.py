from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, OrgScoped, UTCDateTime, utcnow


class MailMessage(OrgScoped, Base):
    """One message in the outbox: written in the transaction that causes it, sent after commit.

    The bodies are cleared once the message is sent or given up (they may hold secret links);
    recipient, subject and times stay as the record that it went. No error text is kept.
    """

    __tablename__ = "mail_outbox"
    id: Mapped[int] = mapped_column(primary_key=True)
    to_address: Mapped[str] = mapped_column(String(254))
    locale: Mapped[str] = mapped_column(String(5))
    subject: Mapped[str] = mapped_column(Text)
    text_body: Mapped[str | None] = mapped_column(Text)
    html_body: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    attempts: Mapped[int] = mapped_column(default=0)
    # When a (next) attempt may start: NULL for a new message; a claim pushes it past a lease,
    # a failure to the next retry.
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
