"""What other features do when a learner makes progress, without learning importing them.

A feature registers a function of (user, registration, now) with ``@when_module_done``; learning
calls each, in the request's transaction, when a registration first becomes both completed and
passed, whichever came last: the last lesson marked done or the quiz passed. A hook flushes and
never commits, like every service, and must be idempotent: a retried request calls it again.
Imports keep pointing one way, as with the dashboard cards (``cards.py``).
"""

from collections.abc import Callable
from datetime import datetime

from app.orgs.models import User

from .models import Registration

ModuleDoneHook = Callable[[User, Registration, datetime], None]
_hooks: list[ModuleDoneHook] = []
RecordedHook = Callable[[User, type, int], None]
_recorded_hooks: list[RecordedHook] = []


def when_module_done(hook: ModuleDoneHook) -> ModuleDoneHook:
    """Register ``hook``; it runs each time a learner finishes a module, in order."""
    _hooks.append(hook)
    return hook


def module_done(user: User, registration: Registration, now: datetime) -> None:
    for hook in _hooks:
        hook(user, registration, now)


def when_recorded(hook: RecordedHook) -> RecordedHook:
    """Register ``hook`` of (user, model, row id); it runs, in the writer's transaction and
    after its flush, each time a progress row is first written: a lesson marked done
    (``LessonProgress``), a quiz attempt with its answers (``QuizAttempt``), a certificate
    (``Certificate``). Like a module-done hook it flushes, never commits, and is idempotent."""
    _recorded_hooks.append(hook)
    return hook


def recorded(user: User, model: type, row_id: int) -> None:
    for hook in _recorded_hooks:
        hook(user, model, row_id)
