"""The learner's assigned modules, as a card on their dashboard."""

from datetime import datetime

from app.content import current_course
from app.learning.cards import Card, dashboard_card
from app.orgs.models import User

from .services import assigned_to


@dashboard_card
def assignment_card(user: User, now: datetime) -> list[Card]:
    dues = assigned_to(user, now)
    if not dues:
        return []
    course = current_course()
    items = [(due, course.module(due.module_id)) for due in dues]
    return [Card("onboarding/_assigned_card.html", {"items": [(d, m) for d, m in items if m]})]
