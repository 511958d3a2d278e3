from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base, OrgScoped, UTCDateTime
from app.orgs.models import User


class Certificate(OrgScoped, Base):
    """Proof that a learner completed one version of the course.

    What was completed is kept as it was at issue (course title, each module's id, version,
    title and completion time), so later content changes never rewrite a certificate. The
    holder's name and organisation are read from their rows, never copied: erasing the person
    revokes the certificate and leaves no name behind. One certificate per learner and course
    version, whether live or revoked.
    """

    __tablename__ = "certificate"
    __table_args__ = (UniqueConstraint("user_id", "course_id", "course_version"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    course_id: Mapped[str] = mapped_column(String(64))
    course_version: Mapped[int]
    course_title: Mapped[dict[str, str]] = mapped_column(JSON)  # locale -> text
    # [{"id", "version", "title": {locale: text}, "completed_at": ISO 8601 UTC}], course order
    modules: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()

    @property
    def is_valid(self) -> bool:
        return self.revoked_at is None
