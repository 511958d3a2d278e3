import hashlib
from collections.abc import Hashable
from typing import NamedTuple

from flask import Blueprint, Flask, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import refresh, to_user_timezone
from flask_login import current_user, login_required, user_logged_in
from markupsafe import Markup
from werkzeug.wrappers import Response

from app import csrf
from app.content import current_course, module_or_404
from app.content.figures import link_figures
from app.content.models import Lesson, Module, text_in
from app.db import db, utcnow
from app.i18n import content_locale
from app.orgs.models import User
from app.pages import shared_page
from app.practice import services as practice
from app.practice.forms import CheckForm

from . import services, tasks  # noqa: F401  (tasks: registers the follow-up mail with the queue)
from .cards import cards_for
from .forms import REFLECTION_MAX, FollowUpForm, ReflectionForm
from .models import FollowUp, PendingStep

bp = Blueprint("learning", __name__, template_folder="templates")
# A figure is a drawing, never a document: nothing in it may load or run; its own styles may.
FIGURE_CSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"


def lesson_or_404(module: Module, lesson_id: str) -> Lesson:
    lesson = module.lesson(lesson_id)
    if lesson is None:
        abort(404)
    return lesson


def inline(place: str, module: Module, lesson: Lesson) -> str:
    """The flash category of a message shown beside one part ("reflection", "action") of one
    lesson page instead of at the top; on any other page it shows at the top as usual."""
    return f"{place}:{module.id}/{lesson.id}"


def _title(lesson: Lesson) -> str:
    return text_in(lesson.title, content_locale())


@bp.get("/")
@login_required
def dashboard() -> str:
    statuses = services.course_status(current_user, current_course())
    follow_ups = services.due_follow_ups(current_user, utcnow())
    return render_template(
        "learning/dashboard.html",
        cards=cards_for(current_user, utcnow()),
        statuses=statuses,
        next_up=services.continue_with(statuses),
        modules_done=sum(s.is_done for s in statuses),
        follow_ups=[(f, FollowUpForm.for_follow_up(f.id)) for f in follow_ups],
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
    state = _LessonState.of(module, lesson)
    owner = services.owner_token(current_user, module, lesson.id)
    return shared_page(
        state.key(),
        lambda: _render_lesson(
            module, lesson, ReflectionForm(text=state.page.reflection), state, owner=owner
        ),
        unique=[owner],
        readers_own=bool(state.page.reflection or state.page.committed_at),
    )


@bp.post("/modules/<module_id>/visit")
@login_required
def visit(module_id: str) -> tuple[str, int]:
    """The page of a lesson (``lesson`` in the form) or of the quiz, opened: the page sends this
    once it has loaded (leda.js), so a GET never writes and a prefetch records nothing."""
    module = module_or_404(module_id)
    lesson_id = request.form.get("lesson") or None
    if lesson_id is not None:
        lesson_or_404(module, lesson_id)
    services.record_visit(current_user, module, lesson_id)
    db.session.commit()
    return "", 204


@bp.get("/modules/<module_id>/figures/<file>")
@login_required
def figure(module_id: str, file: str) -> Response:
    """A drawing a lesson shows ("<name>.<locale>.svg"), from the course loaded at start: only
    the files the checker passed exist here, so any other name is a 404 and no path is ever
    read. Signed in, as the lessons are; kept by the browser, not by shared caches."""
    data = module_or_404(module_id).figures.get(file)
    if data is None:
        abort(404)
    response = Response(data, mimetype="image/svg+xml")
    response.headers["Content-Security-Policy"] = FIGURE_CSP
    response.headers["Cache-Control"] = "private, max-age=3600"
    response.set_etag(hashlib.sha256(data).hexdigest())
    return response.make_conditional(request)


@bp.app_template_filter("with_figures")
def with_figures(html: str, module: Module) -> Markup:
    """Lesson HTML (safe, rendered at load) with its figures served by ``figure``."""
    return link_figures(
        html, lambda file: url_for("learning.figure", module_id=module.id, file=file)
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
        state = _LessonState.of(module, lesson)
        blank = ReflectionForm(formdata=None, text=state.page.reflection)
        return _render_lesson(module, lesson, blank, state, form), 400
    practice.answer_check(current_user, module, lesson, form.option.data or "")
    db.session.commit()
    return redirect(to_result, 303)


# The three buttons of the lesson page send one form (the reflection box with each). They check
# its CSRF token themselves rather than in CSRFProtect's before-request hook: a token that went
# stale with an ended session then gives the page back with the text still in the box, or, when
# nobody is logged in any more, the text is kept for its author's next login.


@bp.post("/modules/<module_id>/lessons/<lesson_id>/reflection")
@csrf.exempt
def save_reflection(module_id: str, lesson_id: str) -> str | Response | tuple[str, int]:
    return _send_lesson_form(module_id, lesson_id, PendingStep.SAVE)


@bp.post("/modules/<module_id>/lessons/<lesson_id>/done")
@csrf.exempt
def complete_lesson(module_id: str, lesson_id: str) -> str | Response | tuple[str, int]:
    return _send_lesson_form(module_id, lesson_id, PendingStep.COMPLETE)


@bp.post("/modules/<module_id>/lessons/<lesson_id>/commitment")
@csrf.exempt
def commit_to_action(module_id: str, lesson_id: str) -> str | Response | tuple[str, int]:
    return _send_lesson_form(module_id, lesson_id, PendingStep.COMMIT)


def _send_lesson_form(
    module_id: str, lesson_id: str, step: PendingStep
) -> str | Response | tuple[str, int]:
    """One of the lesson form's buttons: save the box (when the form has one), then do the
    button's step, and say so."""
    module = module_or_404(module_id)
    lesson = lesson_or_404(module, lesson_id)
    form = ReflectionForm()
    if not current_user.is_authenticated:
        return _keep_until_login(module, lesson, form, step)
    if not form.validate_on_submit():
        return _render_lesson(module, lesson, form, _LessonState.of(module, lesson)), 400
    saved = "text" in request.form and services.save_reflection(
        current_user, module, lesson.id, form.text.data or ""
    )
    if step == PendingStep.COMPLETE:
        services.complete_lesson(current_user, module, lesson.id)
    elif step == PendingStep.COMMIT:
        services.commit_to_action(current_user, module, lesson.id)
    db.session.commit()
    outcome = services.Saved.SAVED if saved else services.Saved.UNCHANGED
    _confirm(services.Finished(module, lesson, step, outcome))
    return redirect(_after(module, lesson, step))


def _after(module: Module, lesson: Lesson, step: PendingStep) -> str:
    """Where each button leads: back to its part of the lesson, or on after "done"."""
    if step == PendingStep.COMPLETE:
        _, following = module.neighbours(lesson.id)
        if following:
            return url_for(".lesson", module_id=module.id, lesson_id=following.id)
        return url_for("quiz.take", module_id=module.id)
    anchor = "action" if step == PendingStep.COMMIT else "reflection"
    return url_for(".lesson", module_id=module.id, lesson_id=lesson.id, _anchor=anchor)


def _keep_until_login(
    module: Module, lesson: Lesson, form: ReflectionForm, step: PendingStep
) -> Response | tuple[str, int]:
    """The session ended before the form arrived. Keep what it carries for its author, whom
    its owner token names, and send them to log in: the login finishes it. Without a genuine
    token nobody can say whose text it is, so it is not stored but shown back to copy."""
    text = form.text.data or ""
    owner = services.form_owner(form.owner.data or "", module, lesson.id)
    if owner is None or len(text) > REFLECTION_MAX:
        back = url_for(".lesson", module_id=module.id, lesson_id=lesson.id, _anchor="reflection")
        if not text.strip():
            flash(_("Your session has ended. Please log in again."))
            return redirect(url_for("auth.login", next=back))
        page = render_template(
            "learning/session_ended.html",
            module=module,
            lesson=lesson,
            text=text,
            login_url=url_for("auth.login", next=back),
        )
        return page, 401
    services.keep_pending(owner, module, lesson.id, text, step)
    db.session.commit()
    flash(
        {
            PendingStep.SAVE: _(
                "Your session has ended. Log in again and your reflection will be saved."
            ),
            PendingStep.COMPLETE: _(
                "Your session has ended. Log in again and the lesson will be marked as done, "
                "with your reflection saved."
            ),
            PendingStep.COMMIT: _(
                "Your session has ended. Log in again and your decision to try this at work "
                "will be noted, with your reflection saved."
            ),
        }[step]
    )
    return redirect(url_for("auth.login", next=_after(module, lesson, step)))


@user_logged_in.connect
def finish_after_login(_app: Flask, user: User, **_extra: object) -> None:
    """Finish the forms kept while the learner was logged out, in the login's transaction."""
    finished = services.finish_pending(user, current_course())
    if finished:
        refresh()  # the messages in the language of the person now logged in
    for item in finished:
        _confirm(item, after_login=True)


def _confirm(item: services.Finished, after_login: bool = False) -> None:
    """Say what a lesson form's button did, beside the part of the lesson page it concerns.
    "Done" moves on to the next page, so what it says goes to the top of that page."""
    module, lesson = item.module, item.lesson
    title = _title(lesson)
    if item.step == PendingStep.COMPLETE:
        beside = "message"
        if after_login:
            flash(_("“%(lesson)s” is marked as done.", lesson=title))
    else:
        beside = inline("reflection", module, lesson)
    if item.step == PendingStep.COMMIT:
        flash(
            _("Noted. Leda will ask you how it went after one week and after four weeks."),
            inline("action", module, lesson),
        )
    if item.reflection == services.Saved.SAVED or (
        item.reflection == services.Saved.UNCHANGED and item.step == PendingStep.SAVE
    ):
        flash(
            _("Your reflection on “%(lesson)s” is saved. Only you can see it.", lesson=title),
            beside,
        )
    elif item.reflection == services.Saved.NEWER_KEPT:
        flash(
            _(
                "Your reflection on “%(lesson)s” was changed elsewhere after you sent this one, "
                "so the newer text is kept.",
                lesson=title,
            ),
            beside,
        )


@bp.get("/modules/<module_id>/card")
@login_required
def conversation_card(module_id: str) -> str:
    module = module_or_404(module_id)
    return render_template("learning/card.html", module=module)


class _LessonState(NamedTuple):
    """What a lesson page shows of its reader."""

    page: services.LessonPage
    check_answer: practice.CheckAnswer | None

    @classmethod
    def of(cls, module: Module, lesson: Lesson) -> "_LessonState":
        page = services.lesson_page(current_user, module, lesson.id)
        return cls(page, practice.answer_of(lesson, *page.check))

    def key(self) -> Hashable:
        return self.page


def _render_lesson(
    module: Module,
    lesson: Lesson,
    form: ReflectionForm,
    state: _LessonState,
    check_form: CheckForm | None = None,
    owner: str | None = None,
) -> str:
    previous, following = module.neighbours(lesson.id)
    done = state.page.done
    form.owner.data = owner or services.owner_token(current_user, module, lesson.id)
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
        committed_at=state.page.committed_at,
        check_form=check_form,
        check_answer=state.check_answer,
        inline_flashes={
            "action": inline("action", module, lesson),
            "reflection": inline("reflection", module, lesson),
        },
    )


# --- the journal ------------------------------------------------------------------------------


@bp.get("/journal")
@login_required
def journal() -> str:
    return render_template(
        "learning/journal.html",
        groups=services.journal(current_user, current_course()),
        now=utcnow(),
    )


@bp.get("/journal.md")
@login_required
def journal_markdown() -> Response:
    """The journal as a Markdown file to keep: the same entries as the page."""
    now = utcnow()
    groups = services.journal(current_user, current_course())
    text = services.journal_markdown(current_user, groups, now)
    response = Response(text, mimetype="text/markdown")
    day = to_user_timezone(now).date().isoformat()
    response.headers["Content-Disposition"] = f"attachment; filename=leda-journal-{day}.md"
    return response


@bp.route("/journal/follow-ups/<id:follow_up_id>", methods=["GET", "POST"])
@login_required
def follow_up(follow_up_id: int) -> str | Response | tuple[str, int]:
    """Where the follow-up mail links to: how did the commitment go? Only its author's, and
    only once it is due; anything else is a 404."""
    follow_up = services.follow_up_of(current_user, follow_up_id, utcnow())
    if follow_up is None:
        abort(404)
    form = FollowUpForm.for_follow_up(follow_up.id, answer=follow_up.answer)
    category = f"follow-up:{follow_up.id}"
    if request.method == "POST":
        if not form.validate_on_submit():
            return _render_follow_up(follow_up, form, category), 400
        services.answer_follow_up(follow_up, form.answer.data)
        db.session.commit()
        flash(_("Thank you. Your answer is saved in your journal."), category)
        return redirect(url_for(".follow_up", follow_up_id=follow_up.id))
    return _render_follow_up(follow_up, form, category)


def _render_follow_up(follow_up: FollowUp, form: FollowUpForm, category: str) -> str:
    commitment = follow_up.commitment
    module = current_course().module(commitment.module_id)
    return render_template(
        "learning/follow_up.html",
        follow_up=follow_up,
        module=module,
        lesson=module.lesson(commitment.lesson_id) if module else None,
        form=form,
        inline_flashes={"answer": category},
    )
