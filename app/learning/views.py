from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from app.content import current_course, module_or_404
from app.content.models import Lesson, Module
from app.db import db
from app.i18n import content_locale
from app.practice import services as practice
from app.practice.forms import CheckForm

from . import services
from .forms import CompleteLessonForm, ReflectionForm

bp = Blueprint("learning", __name__, template_folder="templates")


def lesson_or_404(module: Module, lesson_id: str) -> Lesson:
    lesson = module.lesson(lesson_id)
    if lesson is None:
        abort(404)
    return lesson


@bp.get("/")
@login_required
def dashboard() -> str:
    statuses = services.course_status(current_user, current_course())
    return render_template(
        "learning/dashboard.html",
        statuses=statuses,
        next_up=services.continue_with(statuses),
        modules_done=sum(s.is_done for s in statuses),
    )


@bp.get("/modules/<module_id>")
@login_required
def module(module_id: str) -> str:
    module = module_or_404(module_id)
    status = next(
        s
        for s in services.course_status(current_user, current_course())
        if s.module.id == module.id
    )
    return render_template(
        "learning/module.html",
        module=module,
        status=status,
        done=services.completed_lessons(current_user, module),
    )


@bp.get("/modules/<module_id>/lessons/<lesson_id>")
@login_required
def lesson(module_id: str, lesson_id: str) -> str:
    module = module_or_404(module_id)
    lesson = lesson_or_404(module, lesson_id)
    services.record_visit(current_user, module, lesson.id)
    db.session.commit()
    return _render_lesson(
        module,
        lesson,
        ReflectionForm(text=services.reflection_text(current_user, module, lesson.id)),
    )


@bp.post("/modules/<module_id>/lessons/<lesson_id>/check")
@login_required
def answer_check(module_id: str, lesson_id: str) -> Response | tuple[str, int]:
    """Answer the lesson's check, then read on. Practice: the registration is left alone.

    A check answered before keeps that answer (a double submit or the back button changes
    nothing), so the post just leads back to it.
    """
    module = module_or_404(module_id)
    lesson = lesson_or_404(module, lesson_id)
    if lesson.check is None:
        abort(404)
    to_result = url_for(".lesson", module_id=module.id, lesson_id=lesson.id) + "#check-result"
    if practice.check_answer(current_user, module, lesson) is not None:
        return redirect(to_result, 303)
    form = CheckForm.for_check(lesson.check, content_locale())
    if not form.validate_on_submit():
        text = services.reflection_text(current_user, module, lesson.id)
        return _render_lesson(module, lesson, ReflectionForm(formdata=None, text=text), form), 400
    practice.answer_check(current_user, module, lesson, form.option.data or "")
    db.session.commit()
    return redirect(to_result, 303)


@bp.post("/modules/<module_id>/lessons/<lesson_id>/done")
@login_required
def complete_lesson(module_id: str, lesson_id: str) -> Response:
    module = module_or_404(module_id)
    lesson = lesson_or_404(module, lesson_id)
    if not CompleteLessonForm().validate_on_submit():
        abort(400)
    services.complete_lesson(current_user, module, lesson.id)
    db.session.commit()
    _, following = module.neighbours(lesson.id)
    if following:
        return redirect(url_for(".lesson", module_id=module.id, lesson_id=following.id))
    return redirect(url_for("quiz.take", module_id=module.id))


@bp.post("/modules/<module_id>/lessons/<lesson_id>/reflection")
@login_required
def save_reflection(module_id: str, lesson_id: str) -> str | Response | tuple[str, int]:
    module = module_or_404(module_id)
    lesson = lesson_or_404(module, lesson_id)
    form = ReflectionForm()
    if not form.validate_on_submit():
        return _render_lesson(module, lesson, form), 400
    services.save_reflection(current_user, module, lesson.id, form.text.data or "")
    db.session.commit()
    flash(_("Your reflection is saved. Only you can see it."))
    return redirect(url_for(".lesson", module_id=module.id, lesson_id=lesson.id) + "#reflection")


@bp.get("/modules/<module_id>/card")
@login_required
def conversation_card(module_id: str) -> str:
    module = module_or_404(module_id)
    return render_template("learning/card.html", module=module)


def _render_lesson(
    module: Module, lesson: Lesson, form: ReflectionForm, check_form: CheckForm | None = None
) -> str:
    previous, following = module.neighbours(lesson.id)
    done = services.completed_lessons(current_user, module)
    if lesson.check and check_form is None:
        check_form = CheckForm.for_check(lesson.check, content_locale(), formdata=None)
    return render_template(
        "learning/lesson.html",
        module=module,
        lesson=lesson,
        previous=previous,
        following=following,
        position=[x.id for x in module.lessons].index(lesson.id) + 1,
        is_done=lesson.id in done,
        done_count=len(done),
        form=form,
        complete_form=CompleteLessonForm(),
        check_form=check_form,
        check_answer=practice.check_answer(current_user, module, lesson),
    )
