"""Recording practice: a lesson's check and the runs of a module's scenario.

Writes are idempotent (a unique key defines "the same answer", ``upsert`` performs it) and
flush without committing; the view commits. Nothing here touches the quiz or the registration.
"""

from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import ColumnElement, Select, bindparam, func, select

from app.content.models import Decision, Lesson, Module, Option, Scenario, ScenarioChoice
from app.db import db, in_org, upsert, utcnow
from app.errors import LedaError
from app.i18n import _l
from app.orgs.models import User

from .models import PracticeAnswer, PracticeKind, ScenarioRun

T = TypeVar("T")
CHECK_RUN = 0  # the run number every lesson check answer has: a check is answered once


class NotAnOption(LedaError):
    message = _l("Choose one of the options shown.")
    status = 400


# --- the lesson check ---------------------------------------------------------------------


@dataclass(frozen=True)
class CheckAnswer:
    """The answer that stands. ``option`` is None when the content was edited under the same
    version and the chosen option is gone: the check still counts as answered."""

    option: Option | None
    is_correct: bool | None  # None when the check marks no option correct


def check_answer(user: User, module: Module, lesson: Lesson) -> CheckAnswer | None:
    """The learner's answer to the lesson's check in this module version, if any."""
    if lesson.check is None:
        return None
    values = {"org": user.org_id, "user": user.id, "module": module.id, "version": module.version}
    row = db.session.execute(_CHECK_ANSWER, {**values, "lesson": lesson.id}).one()
    return answer_of(lesson, row.check_choice, row.check_correct)


def answer_of(lesson: Lesson, choice_id: str | None, is_correct: bool | None) -> CheckAnswer | None:
    """The answer ``CHECK_CHOICE`` and ``CHECK_CORRECT`` read, None when there is none."""
    if lesson.check is None or choice_id is None:
        return None
    return CheckAnswer(lesson.check.option(choice_id), is_correct)


def _answered(column: ColumnElement[T]) -> ColumnElement[T]:
    """``column`` of the reader's answer to a lesson's check: in_org's filter and the reader's,
    bound (org, user, module, version, lesson), so the statement is built once at import."""
    return (
        select(column)
        .where(
            PracticeAnswer.org_id == bindparam("org"),
            PracticeAnswer.user_id == bindparam("user"),
            PracticeAnswer.module_id == bindparam("module"),
            PracticeAnswer.module_version == bindparam("version"),
            PracticeAnswer.kind == PracticeKind.CHECK,
            PracticeAnswer.item_id == bindparam("lesson"),
            PracticeAnswer.run == CHECK_RUN,
        )
        .scalar_subquery()
    )


# The answer's two columns, for a statement that asks more (the lesson page's) or alone.
CHECK_CHOICE = _answered(PracticeAnswer.choice_id).label("check_choice")
CHECK_CORRECT = _answered(PracticeAnswer.is_correct).label("check_correct")
_CHECK_ANSWER = select(CHECK_CHOICE, CHECK_CORRECT)


def answer_check(user: User, module: Module, lesson: Lesson, option_id: str) -> None:
    """Record the learner's answer to the lesson's check.

    The first answer stands: answering again (a double submit, the back button, a second
    thought after reading on) stores nothing, so the record says what the learner decided
    before the lesson told them. Raises NotAnOption for an option the check does not have,
    LookupError if the lesson has no check.
    """
    if lesson.check is None:
        raise LookupError(f"lesson {lesson.id} has no check")
    option = lesson.check.option(option_id)
    if option is None:
        raise NotAnOption()
    marks_one = any(o.correct for o in lesson.check.options)
    correct = option.correct if marks_one else None
    _record(user, module, PracticeKind.CHECK, lesson.id, CHECK_RUN, option.id, correct)
    db.session.flush()


# --- the scenario -------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    decision: Decision
    choice: ScenarioChoice


@dataclass(frozen=True)
class ScenarioState:
    """Where the learner stands in the latest run: the decisions taken, then the current one,
    or none when the run reached the debrief. Run 1 before any choice is made."""

    run: int
    steps: tuple[Step, ...]
    current: Decision | None

    @property
    def is_finished(self) -> bool:
        return self.current is None

    def is_at(self, run: int, decision_id: str) -> bool:
        """Whether (run, decision) is the decision the learner is to make now."""
        return self.current is not None and (run, decision_id) == (self.run, self.current.id)


def scenario_state(user: User, module: Module) -> ScenarioState:
    """The latest run as the page shows it. Reads only, so a GET may call it."""
    scenario = _scenario(module)
    run = _latest_run(user, module) or 1
    return _walk(scenario, run, _decisions_of_run(user, module, run))


def choose(user: User, module: Module, run: int, decision_id: str, choice_id: str) -> bool:
    """Record a choice at the current decision of the current run; True if it was recorded.

    A post for any other decision or run (the back button, a double submit, a run replaced by
    "play again") stores nothing and returns False, so the caller shows the current state.
    Raises NotAnOption for a choice the current decision does not have, and LookupError if the
    module has no scenario. The run's row is locked first, so two requests of one learner take
    their turns; the first choice of run 1 creates the run.
    """
    scenario = _scenario(module)
    if run != (_latest_run(user, module) or 1):
        return False
    _start_run(user, module, run)
    _lock_run(user, module, run)
    state = _walk(scenario, run, _decisions_of_run(user, module, run))
    decision = state.current if state.is_at(run, decision_id) else None
    if decision is None:
        return False
    choice = decision.choice(choice_id)
    if choice is None:
        raise NotAnOption()
    marks_one = any(c.correct for c in decision.choices)
    correct = choice.correct if marks_one else None
    # Under the lock a row for the current decision can only hold a choice the content no
    # longer has (edited under the same version): the new choice replaces it.
    _record(user, module, PracticeKind.DECISION, decision_id, run, choice.id, correct, replace=True)
    db.session.flush()
    return True


def play_again(user: User, module: Module, finished_run: int) -> int:
    """Start the run after ``finished_run`` if that is the latest run and it reached the
    debrief; returns the latest run's number. A second click (or a stale page) starts nothing
    more: the new run's number is taken, or ``finished_run`` is no longer the latest."""
    scenario = _scenario(module)
    latest = _latest_run(user, module)
    if (
        latest == finished_run
        and _walk(scenario, latest, _decisions_of_run(user, module, latest)).is_finished
    ):
        _start_run(user, module, finished_run + 1)
        db.session.flush()
        return finished_run + 1
    return latest or 1


def _scenario(module: Module) -> Scenario:
    if module.scenario is None:
        raise LookupError(f"module {module.id} has no scenario")
    return module.scenario


def _walk(scenario: Scenario, run: int, chosen: dict[str, str]) -> ScenarioState:
    """Follow the run's choices from the first decision. ``chosen`` maps decision ids to choice
    ids; only choices on the path count (the content checker rules out loops)."""
    steps: list[Step] = []
    current: Decision | None = scenario.decisions[0]
    while current is not None and current.id in chosen:
        choice = current.choice(chosen[current.id])
        if choice is None:  # edited under the same version: this decision is to be made again
            break
        steps.append(Step(current, choice))
        current = scenario.decision(choice.next) if choice.next else None
    return ScenarioState(run, tuple(steps), current)


def _answers(user: User, module: Module) -> Select[tuple[PracticeAnswer]]:
    return in_org(PracticeAnswer, user.org_id).where(
        PracticeAnswer.user_id == user.id,
        PracticeAnswer.module_id == module.id,
        PracticeAnswer.module_version == module.version,
    )


def _runs(user: User, module: Module) -> Select[tuple[ScenarioRun]]:
    return in_org(ScenarioRun, user.org_id).where(
        ScenarioRun.user_id == user.id,
        ScenarioRun.module_id == module.id,
        ScenarioRun.module_version == module.version,
    )


def _latest_run(user: User, module: Module) -> int | None:
    return db.session.scalar(_runs(user, module).with_only_columns(func.max(ScenarioRun.number)))


def _decisions_of_run(user: User, module: Module, run: int) -> dict[str, str]:
    rows = db.session.execute(
        _answers(user, module)
        .with_only_columns(PracticeAnswer.item_id, PracticeAnswer.choice_id)
        .where(PracticeAnswer.kind == PracticeKind.DECISION, PracticeAnswer.run == run)
    ).all()
    return {item_id: choice_id for item_id, choice_id in rows}


def _start_run(user: User, module: Module, number: int) -> None:
    upsert(
        ScenarioRun,
        {
            "org_id": user.org_id,
            "user_id": user.id,
            "module_id": module.id,
            "module_version": module.version,
            "number": number,
            "started_at": utcnow(),
        },
        ["user_id", "module_id", "module_version", "number"],
        {},
    )


def _lock_run(user: User, module: Module, number: int) -> None:
    db.session.execute(
        _runs(user, module).where(ScenarioRun.number == number).with_for_update()
    ).one()


def _record(
    user: User,
    module: Module,
    kind: PracticeKind,
    item_id: str,
    run: int,
    choice_id: str,
    is_correct: bool | None,
    *,
    replace: bool = False,
) -> None:
    now = utcnow()
    upsert(
        PracticeAnswer,
        {
            "org_id": user.org_id,
            "user_id": user.id,
            "module_id": module.id,
            "module_version": module.version,
            "kind": kind,
            "item_id": item_id,
            "run": run,
            "choice_id": choice_id,
            "is_correct": is_correct,
            "answered_at": now,
        },
        ["user_id", "module_id", "module_version", "kind", "item_id", "run"],
        {"choice_id": choice_id, "is_correct": is_correct, "answered_at": now} if replace else {},
    )
