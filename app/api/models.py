"""API tokens: read-only keys for one organisation's completion report."""

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base, OrgScoped, UTCDateTime, utcnow
from app.orgs.models import Organisation, User


class ApiToken(OrgScoped, Base):
    """A bearer token that reads its organisation's data and nothing else, changes nothing.

    Only the SHA-256 of the secret is kept (as for sessions and links), so the database, a
    backup or the audit log never holds a usable token. Revoked tokens stay, for the audit log.
    """

    __tablename__ = "api_token"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )  # None: the command line
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organisation: Mapped[Organisation] = relationship()
    created_by: Mapped[User | None] = relationship()

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
