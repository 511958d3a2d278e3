"""Cards other features put on the learner's dashboard, without learning importing them.

A feature registers a function of (user, now) that returns cards; the dashboard renders each
card's template with its context. Imports keep pointing one way: quiz and onboarding use
learning, never the reverse.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from app.orgs.models import User


@dataclass(frozen=True)
class Card:
    template: str
    context: dict[str, Any] = field(default_factory=dict)


CardProvider = Callable[[User, datetime], list[Card]]
_providers: list[CardProvider] = []


def dashboard_card(provider: CardProvider) -> CardProvider:
    """Register ``provider``; its cards appear on every learner's dashboard, in order."""
    _providers.append(provider)
    return provider


def cards_for(user: User, now: datetime) -> list[Card]:
    return [card for provider in _providers for card in provider(user, now)]
