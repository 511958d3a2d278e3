from flask import Blueprint, abort, redirect, render_template, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from app.content import module_or_404
from app.db import db
from app.i18n import content_locale
from app.learning.services import record_visit

from . import services
from .forms import QuizForm

bp = Blueprint("quiz", __name__, template_folder="templates")


@bp.get("/modules/<module_id>/quiz")
@login_required
def take(module_id: str) -> str:
    module = module_or_404(module_id)
    record_visit(current_user, module)
    db.session.commit()
    form = QuizForm.for_module(module, content_locale(), formdata=None)
    return render_template("quiz/take.html", module=module, form=form)


@bp.post("/modules/<module_id>/quiz")
@login_required
def submit(module_id: str) -> Response | tuple[str, int]:
    module = module_or_404(module_id)
    form = QuizForm.for_module(module, content_locale())
    if not form.validate_on_submit():
        return render_template("quiz/take.html", module=module, form=form), 400
    attempt = services.submit_attempt(
        current_user, module, form.token.data, _int(form.module_version.data), form.answers()
    )
    db.session.commit()
    return redirect(url_for(".result", module_id=module.id, attempt_id=attempt.id))


@bp.get("/modules/<module_id>/quiz/attempts/<id:attempt_id>")
@login_required
def result(module_id: str, attempt_id: int) -> str:
    module = module_or_404(module_id)
    attempt = services.attempt_of(current_user, attempt_id)
    if attempt.module_id != module.id:
        abort(404)
    return render_template(
        "quiz/result.html",
        module=module,
        attempt=attempt,
        options={q.id: services.options_in_order(q, attempt.token) for q in module.questions},
        answers={a.question_id: set(a.option_ids) for a in attempt.answers},
        correct={a.question_id: a.is_correct for a in attempt.answers},
        outdated=attempt.module_version != module.version,
    )


def _int(value: str | None) -> int:
    return int(value) if value and value.isdigit() else -1
