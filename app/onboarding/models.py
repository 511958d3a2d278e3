"""Assignments: who must take which modules by when, the per-person rows they become, and the
reminders and nudges sent about them."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, Date, Enum, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base, OrgScoped, UTCDateTime, utcnow
from app.orgs.models import Role


class Target(StrEnum):
    PERSON = "person"
    UNIT = "unit"  # the unit and its sub-units, people who join later included
    COHORT = "cohort"
    RULE = "rule"  # whoever holds a role and/or sits in a unit, now or later


class Cohort(OrgScoped, Base):
    """A saved group of people, e.g. "New managers, spring 2027"."""

    __tablename__ = "cohort"
    __table_args__ = (UniqueConstraint("org_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    members: Mapped[list["CohortMember"]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True
    )


class CohortMember(OrgScoped, Base):
    __tablename__ = "cohort_member"
    __table_args__ = (UniqueConstraint("cohort_id", "user_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))


class Assignment(OrgScoped, Base):
    """A decision that people get modules, due on a date or some days after it applies to them.

    It applies to one person, a unit with its sub-units, a cohort, or (a rule) everyone who
    holds a role and/or sits in a unit: whoever matches when it is made, and whoever comes to
    match later. Each person it covers gets an AssignedModule per module.
    """

    __tablename__ = "assignment"
    id: Mapped[int] = mapped_column(primary_key=True)
    target: Mapped[Target] = mapped_column(
        Enum(Target, values_callable=lambda e: [m.value for m in e], native_enum=False, length=16)
    )
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    unit_id: Mapped[int | None] = mapped_column(
        ForeignKey("org_unit.id", ondelete="CASCADE"), index=True
    )
    cohort_id: Mapped[int | None] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"))
    role: Mapped[Role | None] = mapped_column(
        Enum(Role, values_callable=lambda e: [m.value for m in e], native_enum=False, length=16)
    )
    name: Mapped[str | None] = mapped_column(String(200))  # a rule's name
    module_ids: Mapped[list[str]] = mapped_column(JSON)
    due_on: Mapped[date | None] = mapped_column(Date)
    due_days: Mapped[int | None]
    assigned_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AssignedModule(OrgScoped, Base):
    """One person's assigned module and its due date: one row however many assignments cover
    it (the first one made sets the date). Removing it never touches progress."""

    __tablename__ = "assigned_module"
    __table_args__ = (UniqueConstraint("user_id", "module_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    module_id: Mapped[str] = mapped_column(String(64))
    assignment_id: Mapped[int] = mapped_column(
        ForeignKey("assignment.id", ondelete="CASCADE"), index=True
    )
    assigned_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime)
    due_on: Mapped[date] = mapped_column(Date, index=True)


class ReminderKind(StrEnum):
    DUE_SOON = "due-soon"
    OVERDUE = "overdue"


class Reminder(OrgScoped, Base):
    """A reminder a learner was sent about one assigned module, in one period.

    The period is the due date for a due-soon reminder and the ISO week (``2026-W11``) for an
    overdue one. The unique key is what "at most one per learner, assignment and period" means:
    the row is inserted in the transaction that queues the mail, so a second run, or a second
    worker at the same moment, finds it and sends nothing. Keyed on the module rather than the
    AssignedModule row, so an assignment removed and made again does not remind twice.
    """

    __tablename__ = "reminder"
    __table_args__ = (UniqueConstraint("user_id", "module_id", "kind", "period"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    module_id: Mapped[str] = mapped_column(String(64))
    kind: Mapped[ReminderKind] = mapped_column(
        Enum(
            ReminderKind,
            values_callable=lambda e: [m.value for m in e],
            native_enum=False,
            length=16,
        )
    )
    period: Mapped[str] = mapped_column(String(10))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ManagerDigest(OrgScoped, Base):
    """The weekly digest a manager was sent (period: the ISO week); one per manager and week."""

    __tablename__ = "manager_digest"
    __table_args__ = (UniqueConstraint("manager_id", "period"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    manager_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    period: Mapped[str] = mapped_column(String(10))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime)


class NudgeReason(StrEnum):
    OVERDUE = "overdue"
    NOT_STARTED = "not started"


class Nudge(OrgScoped, Base):
    """A manager's reminder to one report, one row per mail sent: the limit of one per learner
    every few days counts these rows."""

    __tablename__ = "nudge"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    sent_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    module_id: Mapped[str] = mapped_column(String(64))
    reason: Mapped[NudgeReason] = mapped_column(
        Enum(
            NudgeReason,
            values_callable=lambda e: [m.value for m in e],
            native_enum=False,
            length=16,
        )
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
