"""The public accessibility statement page."""

from flask import Blueprint, render_template
from flask_babel import gettext as _
from flask_login import current_user

from app.orgs.forms import ROLE_LABELS

from .services import rule_sets_in_words, statement_for

bp = Blueprint("accessibility", __name__, template_folder="templates")


@bp.get("/accessibility")
def statement() -> str:
    """Anyone may read it, before logging in too; a logged-in reader sees their
    organisation named as the one that offers Leda to them."""
    organisation = current_user.organisation.name if current_user.is_authenticated else None
    facts = statement_for(organisation)
    return render_template(
        "accessibility/statement.html",
        statement=facts,
        role_names=[_role_name(role) for role in facts.measured.roles],
        rule_sets=rule_sets_in_words(facts.measured.tags),
    )


def _role_name(role: str) -> str:
    """A role the checks signed in as, in the reader's words; one Leda has no name for as is."""
    if role == "visitor":
        return _("Visitor, not logged in")
    label = next((label for key, label in ROLE_LABELS.items() if key.value == role), None)
    return str(label) if label is not None else role
