"""What other features do the moment a learner finishes a module, without learning importing them.

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


def when_module_done(hook: ModuleDoneHook) -> ModuleDoneHook:
    """Register ``hook``; it runs each time a learner finishes a module, in order."""
    _hooks.append(hook)
    return hook


def module_done(user: User, registration: Registration, now: datetime) -> None:
    for hook in _hooks:
        hook(user, registration, now)
