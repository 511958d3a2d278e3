"""Organisations, their unit trees and their people: who exists, where they sit, what they do."""

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from flask_login import UserMixin
from sqlalchemy import (
    JSON,
    Boolean,
    Enum,
    ForeignKey,
    LargeBinary,
    String,
    UniqueConstraint,
    false,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base, OrgScoped, UTCDateTime, utcnow


class Organisation(Base):
    """A municipality or region: the boundary no data ever crosses."""

    __tablename__ = "organisation"
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    default_locale: Mapped[str] = mapped_column(String(5), default="nb")
    # The organisation's own address; xAPI actors are accounts on it (homePage).
    home_page: Mapped[str | None] = mapped_column(String(255))
    # Refreshers after a module is passed (cards and mail); the organisation may turn them off.
    refreshers_enabled: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    # xAPI actors by e-mail (mbox) rather than by an opaque account; only if the organisation
    # chooses it, since the statements then name people to whoever reads the LRS.
    xapi_email_enabled: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class OrgUnit(OrgScoped, Base):
    """A sector, service or department; units form one tree per organisation, never a cycle."""

    __tablename__ = "org_unit"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("org_unit.id"), index=True)

    parent: Mapped["OrgUnit | None"] = relationship(remote_side=[id])


class Role(StrEnum):
    LEARNER = "learner"
    MANAGER = "manager"
    HR = "hr"
    ADMIN = "admin"


def _enum(enum: type[StrEnum]) -> Enum:
    return Enum(enum, values_callable=lambda e: [m.value for m in e], native_enum=False, length=16)


class UserRole(Base):
    """One role a person holds; a person may hold several."""

    __tablename__ = "user_role"
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[Role] = mapped_column(_enum(Role), primary_key=True)


class User(UserMixin, OrgScoped, Base):
    """A person in one organisation. Email is the login and unique across the installation.

    An erased person keeps their row as an anonymous stub (no name, email or number), so the
    progress they made still counts in totals but can no longer be tied to them.
    """

    __tablename__ = "user_account"
    __table_args__ = (UniqueConstraint("org_id", "employee_number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str | None] = mapped_column(String(254), unique=True)  # stored lower-case
    employee_number: Mapped[str | None] = mapped_column(String(64))
    given_name: Mapped[str] = mapped_column(String(100), default="")
    family_name: Mapped[str] = mapped_column(String(100), default="")
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_unit.id"), index=True)
    manager_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    password_hash: Mapped[str | None] = mapped_column(String(255))  # None until they set one
    locale: Mapped[str | None] = mapped_column(String(5))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    deactivated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A manager's weekly digest of overdue reports (app/onboarding/reminders.py); theirs to stop.
    digest_enabled: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    # The person's xAPI account name: random, so it tells neither their id nor their email,
    # and kept, so every statement about them names the same account.
    xapi_id: Mapped[str] = mapped_column(String(36), unique=True, default=lambda: str(uuid.uuid4()))

    organisation: Mapped[Organisation] = relationship(lazy="joined")
    unit: Mapped[OrgUnit | None] = relationship()
    manager: Mapped["User | None"] = relationship(remote_side=[id])
    role_rows: Mapped[list[UserRole]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by=UserRole.role
    )

    @property
    def name(self) -> str:
        """Given and family name; the email while no name is known (a bootstrapped admin)."""
        return f"{self.given_name} {self.family_name}".strip() or (self.email or "")

    @property
    def preferred_locale(self) -> str:
        """The language to address this person in, on pages and in mail: their own, or while
        they have none (left to "the organisation's language"), their organisation's default."""
        return self.locale or self.organisation.default_locale

    @property
    def roles(self) -> frozenset[Role]:
        return frozenset(row.role for row in self.role_rows)

    def has_role(self, *roles: Role) -> bool:
        return any(row.role in roles for row in self.role_rows)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses to log in inactive users
        return self.deactivated_at is None and self.erased_at is None


class AuditEvent(OrgScoped, Base):
    """Who did what to whom, and when: role changes, imports, erasures and other admin actions.

    ``details`` holds ids, roles and counts, never names, emails or anything a learner wrote.
    """

    __tablename__ = "audit_event"
    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )  # None: the command line
    action: Mapped[str] = mapped_column(String(64))
    target_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    actor: Mapped["User | None"] = relationship(foreign_keys=[actor_id])


class PendingImport(OrgScoped, Base):
    """An uploaded file between its preview and the administrator's "apply", so the file that
    is applied is exactly the file that was previewed. Deleted when applied."""

    __tablename__ = "pending_import"
    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(43), unique=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
