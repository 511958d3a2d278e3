from datetime import datetime
from enum import StrEnum

from sqlalchemy import Enum, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base, OrgScoped, UTCDateTime


def _enum(enum: type[StrEnum]) -> Enum:
    """A StrEnum stored as its SCORM string."""
    return Enum(enum, values_callable=lambda e: [m.value for m in e], native_enum=False, length=16)


class CompletionStatus(StrEnum):
    NOT_ATTEMPTED = "not attempted"
    INCOMPLETE = "incomplete"
    COMPLETED = "completed"


class SuccessStatus(StrEnum):
    UNKNOWN = "unknown"
    PASSED = "passed"
    FAILED = "failed"


class Registration(OrgScoped, Base):
    """One learner's record of one module version, in SCORM 2004 terms."""

    __tablename__ = "registration"
    __table_args__ = (UniqueConstraint("user_id", "module_id", "module_version"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    module_id: Mapped[str] = mapped_column(String(64))
    module_version: Mapped[int]
    completion_status: Mapped[CompletionStatus] = mapped_column(
        _enum(CompletionStatus), default=CompletionStatus.NOT_ATTEMPTED
    )
    success_status: Mapped[SuccessStatus] = mapped_column(
        _enum(SuccessStatus), default=SuccessStatus.UNKNOWN
    )
    score_raw: Mapped[int | None]
    score_min: Mapped[int | None]
    score_max: Mapped[int | None]
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    first_access: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_access: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    total_time: Mapped[int] = mapped_column(Integer, default=0)  # seconds on task
    location: Mapped[str | None] = mapped_column(String(64))  # the lesson to resume at

    @property
    def score_scaled(self) -> float | None:
        if self.score_raw is None or not self.score_max:
            return None
        return round(self.score_raw / self.score_max, 4)

    @property
    def lesson_status(self) -> str:
        return lesson_status(self.completion_status, self.success_status)


def lesson_status(completion: str | None, success: str | None) -> str:
    """SCORM 1.2's single status from SCORM 2004's two (None: no registration), by the one rule
    the packages use too: "passed" only when every lesson is done and the quiz passed, so a
    report never counts an unread module."""
    if completion == CompletionStatus.COMPLETED:
        if success == SuccessStatus.PASSED:
            return "passed"
        return "failed" if success == SuccessStatus.FAILED else "completed"
    if success == SuccessStatus.FAILED:
        return "failed"
    if completion in (None, CompletionStatus.NOT_ATTEMPTED):
        return "not attempted"
    return "incomplete"


class LessonProgress(OrgScoped, Base):
    __tablename__ = "lesson_progress"
    __table_args__ = (UniqueConstraint("user_id", "module_id", "module_version", "lesson_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    module_id: Mapped[str] = mapped_column(String(64))
    module_version: Mapped[int]
    lesson_id: Mapped[str] = mapped_column(String(64))
    viewed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    time_spent: Mapped[int] = mapped_column(Integer, default=0)  # seconds


class Reflection(OrgScoped, Base):
    """A learner's private answer to a lesson's reflection prompt. No other role ever reads it."""

    __tablename__ = "reflection"
    __table_args__ = (UniqueConstraint("user_id", "module_id", "lesson_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    module_id: Mapped[str] = mapped_column(String(64))
    lesson_id: Mapped[str] = mapped_column(String(64))
    module_version: Mapped[int]
    text: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class PendingStep(StrEnum):
    """What the learner pressed on the lesson page when their session had already ended."""

    SAVE = "save"  # "Save reflection"
    COMPLETE = "complete"  # "Mark as done"
    COMMIT = "commit"  # "I will try this"


class PendingReflection(OrgScoped, Base):
    """A lesson-page form sent after its session ended, kept until its author logs in again.

    Made only from a form that carries a signed owner token, so the row belongs to the person
    the page was rendered for; it is finished (and deleted) when that person logs in, and is
    ignored and purged once older than ``PENDING_LIFETIME``. One per learner and lesson: the
    latest text wins.
    """

    __tablename__ = "pending_reflection"
    __table_args__ = (UniqueConstraint("user_id", "module_id", "lesson_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    module_id: Mapped[str] = mapped_column(String(64))
    lesson_id: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    step: Mapped[PendingStep] = mapped_column(_enum(PendingStep))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Commitment(OrgScoped, Base):
    """A learner's decision to try a lesson's "try this at work" action. Private like a
    reflection; its follow-ups ask how it went."""

    __tablename__ = "commitment"
    __table_args__ = (UniqueConstraint("user_id", "module_id", "lesson_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    module_id: Mapped[str] = mapped_column(String(64))
    lesson_id: Mapped[str] = mapped_column(String(64))
    module_version: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    follow_ups: Mapped[list["FollowUp"]] = relationship(
        back_populates="commitment", order_by="FollowUp.weeks", passive_deletes=True
    )


class FollowUp(OrgScoped, Base):
    """ "How did it go?", asked a number of weeks after a commitment: on the dashboard from
    ``due_at``, and by one mail (``mailed_at`` is set in the transaction that queues it)."""

    __tablename__ = "follow_up"
    __table_args__ = (UniqueConstraint("commitment_id", "weeks"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    commitment_id: Mapped[int] = mapped_column(ForeignKey("commitment.id", ondelete="CASCADE"))
    weeks: Mapped[int]
    due_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    mailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answer: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    commitment: Mapped[Commitment] = relationship(back_populates="follow_ups")
