"""HR's assignment pages: assign modules to a person, a unit or a cohort; cohorts; onboarding
rules."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from app.auth.access import role_required
from app.content import current_course
from app.db import db, get_in_org_or_404, in_org
from app.i18n import content_locale
from app.orgs.forms import ConfirmForm
from app.orgs.models import OrgUnit, Role, User
from app.orgs.services import unit_paths, user_by_email

from . import cards, reminders, services  # noqa: F401  (registering a card and a task)
from .forms import AssignForm, CohortAddForm, CohortForm, RuleForm
from .models import AssignedModule, Assignment, Cohort, Target

bp = Blueprint("onboarding", __name__, template_folder="templates", url_prefix="/assignments")


@bp.route("", methods=["GET", "POST"])
@role_required(Role.HR, Role.ADMIN)
def assignments() -> str | Response | tuple[str, int]:
    org = current_user.organisation
    saved = services.cohorts(org.id)
    form = AssignForm(org, current_course(), content_locale(), [(c.id, c.name) for c, _n in saved])
    if form.validate_on_submit():
        person = cohort = None
        if form.target.data == Target.PERSON:
            person = user_by_email(form.email.data or "")
            if person is None or person.org_id != org.id:
                form.email.errors.append(_("No one in your organisation has this email."))
        elif form.target.data == Target.COHORT:
            cohort = next((c for c, _n in saved if str(c.id) == form.cohort.data), None)
            if cohort is None:
                form.cohort.errors.append(_("Choose a cohort."))
        elif form.unit.unit is None:
            form.unit.errors.append(_("Choose a unit."))
        if not form.email.errors and not form.unit.errors and not form.cohort.errors:
            try:
                _assignment, people = services.assign(
                    org,
                    current_user,
                    target=Target(form.target.data),
                    person=person,
                    unit=form.unit.unit if form.target.data == Target.UNIT else None,
                    cohort=cohort,
                    module_ids=form.modules.data,
                    due_on=form.due_on.data,
                    due_days=form.due_days.data,
                )
            except services.AssignmentProblem as problem:
                db.session.rollback()
                form.form_errors.append(problem.message)
            else:
                db.session.commit()
                flash(
                    ngettext("Assigned to %(num)s person.", "Assigned to %(num)s people.", people)
                )
                return redirect(url_for(".assignments"))
    status = 400 if form.is_submitted() else 200
    return render_template("onboarding/assignments.html", form=form, **_listing(org.id)), status


@bp.route("/rules", methods=["GET", "POST"])
@role_required(Role.HR, Role.ADMIN)
def rules() -> str | Response | tuple[str, int]:
    """A rule is made in two steps: the first post shows how many it covers now, the second
    (with "confirm") makes it."""
    org = current_user.organisation
    form = RuleForm(org, current_course(), content_locale())
    matches = None
    if form.validate_on_submit():
        role = Role(form.role.data) if form.role.data else None
        if role is None and form.unit.unit is None:
            form.form_errors.append(services.RuleNeedsACondition.message)
        elif request.form.get("confirm") != "yes":
            matches = services.preview(org, role=role, unit=form.unit.unit)
        else:
            try:
                _assignment, people = services.assign(
                    org,
                    current_user,
                    target=Target.RULE,
                    role=role,
                    unit=form.unit.unit,
                    name=form.name.data.strip(),
                    module_ids=form.modules.data,
                    due_on=form.due_on.data,
                    due_days=form.due_days.data,
                )
            except services.AssignmentProblem as problem:
                db.session.rollback()
                form.form_errors.append(problem.message)
            else:
                db.session.commit()
                flash(
                    ngettext(
                        "The rule is made and applies to %(num)s person now.",
                        "The rule is made and applies to %(num)s people now.",
                        people,
                    )
                )
                return redirect(url_for(".assignments"))
    status = 400 if form.is_submitted() and matches is None else 200
    return render_template("onboarding/rules.html", form=form, matches=matches), status


@bp.post("/<id:assignment_id>/remove")
@role_required(Role.HR, Role.ADMIN)
def remove(assignment_id: int) -> Response:
    assignment = get_in_org_or_404(Assignment, assignment_id, current_user.org_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    services.remove_assignment(assignment, current_user)
    db.session.commit()
    flash(_("The assignment is removed. Progress already made is kept."))
    return redirect(url_for(".assignments"))


@bp.route("/cohorts", methods=["GET", "POST"])
@role_required(Role.HR, Role.ADMIN)
def cohorts() -> str | Response | tuple[str, int]:
    """The saved groups of people, and a new one made from a list of emails."""
    org = current_user.organisation
    form = CohortForm()
    if form.validate_on_submit():
        try:
            people = services.people_by_email(org, form.emails.data or "")
            cohort = services.create_cohort(org, form.name.data, people, current_user)
        except services.AssignmentProblem as problem:
            db.session.rollback()
            form.form_errors.append(problem.message)
        else:
            db.session.commit()
            flash(
                ngettext(
                    "The cohort %(name)s is made with %(num)s person.",
                    "The cohort %(name)s is made with %(num)s people.",
                    len(people),
                    name=cohort.name,
                )
            )
            return redirect(url_for(".cohort", cohort_id=cohort.id))
    status = 400 if form.is_submitted() else 200
    return render_template(
        "onboarding/cohorts.html", form=form, cohorts=services.cohorts(org.id)
    ), status


@bp.route("/cohorts/<id:cohort_id>", methods=["GET", "POST"])
@role_required(Role.HR, Role.ADMIN)
def cohort(cohort_id: int) -> str | Response | tuple[str, int]:
    """A cohort's people; adding people gives them the cohort's assignments."""
    org = current_user.organisation
    cohort = get_in_org_or_404(Cohort, cohort_id, org.id)
    form = CohortAddForm()
    if form.validate_on_submit():
        try:
            people = services.people_by_email(org, form.emails.data or "")
            joined = services.add_to_cohort(cohort, people, current_user)
        except services.AssignmentProblem as problem:
            db.session.rollback()
            form.form_errors.append(problem.message)
        else:
            db.session.commit()
            flash(
                ngettext(
                    "%(num)s person added to the cohort.",
                    "%(num)s people added to the cohort.",
                    joined,
                )
            )
            return redirect(url_for(".cohort", cohort_id=cohort.id))
    status = 400 if form.is_submitted() else 200
    return render_template(
        "onboarding/cohort.html",
        form=form,
        cohort=cohort,
        members=services.cohort_members(cohort),
        paths=unit_paths(org.id),
    ), status


def _listing(org_id: int) -> dict[str, object]:
    listed = db.session.scalars(in_org(Assignment, org_id).order_by(Assignment.id.desc())).all()
    people = {
        u.id: u
        for u in db.session.scalars(
            select(User).where(
                User.id.in_({a.user_id for a in listed} | {a.assigned_by_id for a in listed})
            )
        )
    }
    counts = dict(
        db.session.execute(
            select(AssignedModule.assignment_id, db.func.count(db.distinct(AssignedModule.user_id)))
            .where(AssignedModule.org_id == org_id)
            .group_by(AssignedModule.assignment_id)
        ).all()
    )
    return {
        "listed": listed,
        "people": people,
        "counts": counts,
        "paths": unit_paths(org_id),
        "modules": {m.id: m for m in current_course().modules},
        "remove_form": ConfirmForm(),
        "units": OrgUnit,
        "cohort_names": {c.id: c.name for c in db.session.scalars(in_org(Cohort, org_id))},
    }
