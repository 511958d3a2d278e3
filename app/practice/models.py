from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, OrgScoped, UTCDateTime, str_enum


class PracticeKind(StrEnum):
    CHECK = "check"  # the check of a lesson; item_id is the lesson's id
    DECISION = "decision"  # a decision of the module's scenario; item_id is the decision's id


class PracticeAnswer(OrgScoped, Base):
    """One answer to a lesson check or to one decision of a scenario run.

    The unique key is "the same answer": a lesson check is answered once (run 0) and keeps its
    first answer; a scenario decision once per run.
    """

    __tablename__ = "practice_answer"
    __table_args__ = (
        UniqueConstraint(
            "user_id",
            "module_id",
            "module_version",
            "kind",
            "item_id",
            "run",
            name="uq_practice_answer_same_answer",  # the convention's name passes 63 characters
        ),
        CheckConstraint("(kind = 'check') = (run = 0)", name="run_fits_kind"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    module_id: Mapped[str] = mapped_column(String(64))
    module_version: Mapped[int]
    kind: Mapped[PracticeKind] = mapped_column(str_enum(PracticeKind))
    item_id: Mapped[str] = mapped_column(String(64))
    run: Mapped[int]  # 0 for a lesson check; the scenario run's number for a decision
    choice_id: Mapped[str] = mapped_column(String(64))
    # Whether the choice is the one the content marks correct; None when it marks none.
    is_correct: Mapped[bool | None] = mapped_column(Boolean)
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ScenarioRun(OrgScoped, Base):
    """One play-through of a module version's scenario; "play again" starts the next number.

    Its decisions are the PracticeAnswer rows of kind ``decision`` with this run's number; the
    latest run is the one the scenario page shows.
    """

    __tablename__ = "scenario_run"
    __table_args__ = (UniqueConstraint("user_id", "module_id", "module_version", "number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    module_id: Mapped[str] = mapped_column(String(64))
    module_version: Mapped[int]
    number: Mapped[int]  # 1, 2, ...
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
