from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base, OrgScoped, UTCDateTime


class QuizAttempt(OrgScoped, Base):
    """One submitted quiz. The token makes a double submit the same write, not a second attempt."""

    __tablename__ = "quiz_attempt"
    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(36), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    module_id: Mapped[str] = mapped_column(String(64))
    module_version: Mapped[int]
    score_raw: Mapped[int]
    score_max: Mapped[int]
    passed: Mapped[bool] = mapped_column(Boolean)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    locale: Mapped[str | None] = mapped_column(String(8))  # the questions' language

    answers: Mapped[list["QuizAnswer"]] = relationship(
        back_populates="attempt", cascade="all, delete-orphan", order_by="QuizAnswer.position"
    )


class QuizAnswer(OrgScoped, Base):
    """Every answer given, so reports can show which questions people get wrong."""

    __tablename__ = "quiz_answer"
    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("quiz_attempt.id", ondelete="CASCADE"))
    position: Mapped[int]
    question_id: Mapped[str] = mapped_column(String(64))
    option_ids: Mapped[list[str]] = mapped_column(JSON)
    is_correct: Mapped[bool] = mapped_column(Boolean)
    sure: Mapped[bool | None] = mapped_column(
        Boolean
    )  # the learner's "sure" / "not sure", if given

    attempt: Mapped[QuizAttempt] = relationship(back_populates="answers")


class Refresher(OrgScoped, Base):
    """A few questions some days after a module was passed (spaced retrieval), with its result.

    Drawn when the module is passed, so the page (a GET) and the answer see the same
    questions; practice only, it never changes the module's record.
    """

    __tablename__ = "refresher"
    __table_args__ = (UniqueConstraint("user_id", "module_id", "number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    module_id: Mapped[str] = mapped_column(String(64))
    module_version: Mapped[int]
    number: Mapped[int]  # 1, 2, 3: the first, second and third after the pass
    token: Mapped[str] = mapped_column(String(36))  # orders the options
    question_ids: Mapped[list[str]] = mapped_column(JSON)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    mailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answers: Mapped[list[dict] | None] = mapped_column(JSON)  # question_id, option_ids, correct
    score_raw: Mapped[int | None]
    score_max: Mapped[int | None]
