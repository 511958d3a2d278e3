import uuid

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from app.certificates.services import has_finished
from app.content import current_course, module_or_404
from app.content.models import Module
from app.db import db, utcnow
from app.i18n import content_locale

from . import pools, refreshers, services
from .forms import QuizForm
from .models import Refresher

bp = Blueprint("quiz", __name__, template_folder="templates")


@bp.get("/modules/<module_id>/quiz")
@login_required
def take(module_id: str) -> str:
    module = module_or_404(module_id)
    return render_template("quiz/take.html", module=module, form=_new_attempt(module, None))


@bp.post("/modules/<module_id>/quiz")
@login_required
def submit(module_id: str) -> Response | tuple[str, int]:
    module = module_or_404(module_id)
    drawn = services.read_draw(module, request.form.get("draw", ""))
    if drawn is None:  # forged, or made for another version of the quiz: a fresh draw
        form = _new_attempt(module, request.form)
        form.form_errors.append(_("This form is not valid. Please answer the quiz again."))
        return render_template("quiz/take.html", module=module, form=form), 400
    form = QuizForm.for_attempt(module, content_locale(), *drawn)
    if not form.validate_on_submit():
        return render_template("quiz/take.html", module=module, form=form), 400
    attempt = services.submit_attempt(
        current_user,
        module,
        form.token,
        _int(form.module_version.data),
        form.answers(),
        form.sureness(),
        content_locale(),
    )
    attempt_id = attempt.id  # (read before the commit expires it)
    db.session.commit()
    return redirect(url_for(".result", module_id=module.id, attempt_id=attempt_id), 303)


def _new_attempt(module: Module, formdata: object) -> QuizForm:
    """A form for a new attempt: a new token, questions the learner has not seen if any."""
    token = str(uuid.uuid4())
    questions = pools.draw(module, token, pools.seen_questions(current_user, module))
    return QuizForm.for_attempt(module, content_locale(), token, questions, formdata=formdata)


@bp.get("/modules/<module_id>/quiz/attempts/<id:attempt_id>")
@login_required
def result(module_id: str, attempt_id: int) -> str:
    module = module_or_404(module_id)
    attempt = services.attempt_of(current_user, attempt_id)
    if attempt.module_id != module.id:
        abort(404)
    outdated = attempt.module_version != module.version
    return render_template(
        "quiz/result.html",
        module=module,
        attempt=attempt,
        review=None if outdated else services.review(module, attempt),
        next_module=_next_module(module),
        course_finished=attempt.passed and has_finished(current_user),
    )


def _next_module(module: Module) -> Module | None:
    modules = current_course().modules
    i = [m.id for m in modules].index(module.id)
    return modules[i + 1] if i + 1 < len(modules) else None


def _int(value: str | None) -> int:
    """The number posted, or -1 for anything that is no version: ``isdigit`` alone lets "²"
    (which ``int`` refuses) and numbers of thousands of digits through."""
    if value and value.isascii() and value.isdigit() and len(value) <= 10:
        return int(value)
    return -1


@bp.get("/refreshers/<id:refresher_id>")
@login_required
def refresher(refresher_id: int) -> str:
    refresher = refreshers.refresher_of(current_user, refresher_id)
    module = module_or_404(refresher.module_id)
    questions = refreshers.questions_of(refresher, module)
    form = QuizForm.for_attempt(module, content_locale(), refresher.token, questions, formdata=None)
    return _render_refresher(refresher, module, form)


@bp.post("/refreshers/<id:refresher_id>")
@login_required
def answer_refresher(refresher_id: int) -> Response | tuple[str, int]:
    refresher = refreshers.refresher_of(current_user, refresher_id)
    module = module_or_404(refresher.module_id)
    questions = refreshers.questions_of(refresher, module)
    form = QuizForm.for_attempt(module, content_locale(), refresher.token, questions)
    if refresher.answered_at is None and not form.validate_on_submit():
        return _render_refresher(refresher, module, form), 400
    refreshers.answer_refresher(refresher, module, form.answers(), utcnow())
    db.session.commit()
    return redirect(url_for(".refresher", refresher_id=refresher.id), 303)


def _render_refresher(refresher: Refresher, module: Module, form: QuizForm) -> str:
    options = {q.id: pools.options_in_order(q, refresher.token) for q in form.questions}
    return render_template(
        "quiz/refresher.html", refresher=refresher, module=module, form=form, options=options
    )
