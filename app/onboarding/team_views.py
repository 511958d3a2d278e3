"""The manager's pages: their team's progress, its CSV, a nudge, assigning modules to a report,
and the conversation cards."""

import functools
import io

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_date, get_locale
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from app.auth.access import role_required
from app.content import current_course
from app.db import db, get_in_org_or_404, utcnow
from app.i18n import content_locale
from app.orgs.forms import ConfirmForm
from app.orgs.models import Role, User
from app.orgs.services import user_by_email

from . import services, team
from .forms import ReportAssignForm, TeamFilterForm
from .models import Target
from .services import is_report

bp = Blueprint("team", __name__, template_folder="templates")

PAGE_SIZE = 50


def _filter_form() -> TeamFilterForm:
    return TeamFilterForm(
        current_user.organisation, current_course(), content_locale(), request.args
    )


def _refused(form: TeamFilterForm) -> tuple[str, int]:
    return render_template("onboarding/team.html", form=form, view=None), 400


@bp.get("/team")
@role_required(Role.MANAGER)
def team_page() -> str | tuple[str, int]:
    form = _filter_form()
    if not form.validate():
        return _refused(form)
    page = form.page.data or 1
    view = team.team_view(
        current_user, form.filters(), utcnow(), (page - 1) * PAGE_SIZE, page * PAGE_SIZE
    )
    pages = max(1, -(-view.count // PAGE_SIZE))
    if page > pages:  # past the end: the last page
        page = pages
        view = team.team_view(
            current_user, form.filters(), utcnow(), (page - 1) * PAGE_SIZE, page * PAGE_SIZE
        )
    return render_template(
        "onboarding/team.html",
        form=form,
        view=view,
        page=page,
        pages=pages,
        labels=team.progress_labels(),
        # a long list repeats few dates: each is formatted once
        day=functools.cache(functools.partial(format_date, format="medium")),
    )


@bp.get("/team.csv")
@role_required(Role.MANAGER)
def team_csv() -> Response | tuple[str, int]:
    form = _filter_form()
    if not form.validate():
        return _refused(form)
    now = utcnow()
    text = io.StringIO(newline="")
    team.write_csv(team.team_view(current_user, form.filters(), now), text, str(get_locale()))
    day = team.local_day(now)
    return Response(
        text.getvalue().encode("utf-8-sig"),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="team-{day}.csv"'},
    )


@bp.post("/team/<id:user_id>/nudge")
@role_required(Role.MANAGER)
def nudge(user_id: int) -> Response:
    learner = get_in_org_or_404(User, user_id, current_user.org_id)
    if not learner.is_active or not is_report(current_user, learner):
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        team.nudge(current_user, learner, utcnow())
    except (team.NothingToNudge, team.NudgedRecently) as refused:
        db.session.rollback()
        flash(refused.message)
    else:
        db.session.commit()
        flash(_("A reminder is on its way to %(name)s.", name=learner.name))
    return redirect(url_for(".team_page", **request.args))


@bp.route("/team/assign", methods=["GET", "POST"])
@role_required(Role.MANAGER)
def assign() -> str | Response | tuple[str, int]:
    """A manager assigns modules to one of their reports (``?person=ID`` fills in who)."""
    form = ReportAssignForm(current_course(), content_locale())
    if not form.is_submitted():
        chosen = request.args.get("person", type=int)
        learner = db.session.get(User, chosen) if chosen else None
        if learner is not None and learner.is_active and is_report(current_user, learner):
            form.email.data = learner.email
    status = 400 if form.is_submitted() else 200
    if form.validate_on_submit():
        learner = user_by_email(form.email.data)
        try:
            if learner is None or not learner.is_active or not is_report(current_user, learner):
                raise services.NotYourReport()
            _assignment, _people = services.assign(
                current_user.organisation,
                current_user,
                target=Target.PERSON,
                person=learner,
                module_ids=form.modules.data,
                due_on=form.due_on.data,
                due_days=form.due_days.data,
            )
        except services.AssignmentProblem as problem:
            db.session.rollback()
            form.form_errors.append(problem.message)
            status = problem.status
        else:
            db.session.commit()
            flash(_("The modules are assigned to %(name)s.", name=learner.name))
            return redirect(url_for(".team_page"))
    return render_template("onboarding/team_assign.html", form=form), status


@bp.get("/team/cards")
@role_required(Role.MANAGER)
def cards() -> str:
    return render_template("onboarding/team_cards.html", modules=current_course().modules)
