from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from app.content import module_or_404
from app.content.models import Module
from app.db import db
from app.i18n import content_locale

from . import services
from .forms import DecisionForm, ReplayForm, posted_decision, posted_run
from .services import ScenarioState

bp = Blueprint("practice", __name__, template_folder="templates")


def scenario_module_or_404(module_id: str) -> Module:
    module = module_or_404(module_id)
    if module.scenario is None:
        abort(404)
    return module


@bp.get("/modules/<module_id>/scenario")
@login_required
def scenario(module_id: str) -> str:
    module = scenario_module_or_404(module_id)
    state = services.scenario_state(current_user, module)
    return _render(module, state, DecisionForm.for_state(module, state, content_locale()))


@bp.post("/modules/<module_id>/scenario")
@login_required
def choose(module_id: str) -> Response | tuple[str, int]:
    """A choice at the current decision. A post for another decision (the back button, a double
    submit) changes nothing and shows where the story stands; a bad one is a 400."""
    module = scenario_module_or_404(module_id)
    state = services.scenario_state(current_user, module)
    form = DecisionForm.for_state(module, state, content_locale())
    posted = posted_decision(request.form)
    if posted is None:
        form.form_errors.append(_("This form is not valid. Please answer again."))
        return _render(module, state, form), 400
    current = posted.module_version == module.version and state.is_at(
        posted.run, posted.decision_id
    )
    if not current:
        flash(_("That decision was already made. This is where your story stands now."))
        return _to_state(module, state)
    if not form.validate_on_submit():
        return _render(module, state, form), 400
    if not services.choose(
        current_user, module, posted.run, posted.decision_id, form.choice.data or ""
    ):  # another request of the learner's made this decision a moment ago
        flash(_("That decision was already made. This is where your story stands now."))
    db.session.commit()
    return _to_state(module, services.scenario_state(current_user, module))


@bp.post("/modules/<module_id>/scenario/again")
@login_required
def play_again(module_id: str) -> Response:
    """A new run after the debrief; a second click starts no third one."""
    module = scenario_module_or_404(module_id)
    finished = posted_run(request.form)
    if finished is None or not ReplayForm().validate_on_submit():
        abort(400)
    services.play_again(current_user, module, finished)
    db.session.commit()
    return _to_state(module, services.scenario_state(current_user, module))


def _to_state(module: Module, state: ScenarioState) -> Response:
    """To the page, at what the learner reads next: the consequence just revealed (the next
    decision or the debrief follows it), or the first decision of a new run."""
    anchor = f"step-{len(state.steps)}" if state.steps else "current-decision"
    return redirect(url_for(".scenario", module_id=module.id) + "#" + anchor, 303)


def _render(module: Module, state: ScenarioState, form: DecisionForm) -> str:
    return render_template(
        "practice/scenario.html",
        module=module,
        scenario=module.scenario,
        state=state,
        form=form,
        replay_form=ReplayForm(formdata=None, run=state.run),
    )
