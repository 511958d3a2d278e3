"""The administrator's pages: people, units, the import and the audit log."""

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from app.auth import services as auth
from app.auth.access import role_required
from app.db import db, get_in_org_or_404, in_org
from app.i18n import _l

from . import services
from .forms import (
    ROLE_LABELS,
    ApplyImportForm,
    ConfirmForm,
    ImportForm,
    NewPersonForm,
    PeopleFilterForm,
    PersonForm,
    SettingsForm,
    UnitForm,
)
from .importing import MAX_IMPORT_BYTES
from .models import AuditEvent, OrgUnit, Role, User

bp = Blueprint("orgs", __name__, template_folder="templates", url_prefix="/admin")

AUDIT_TEXT = {
    "user_created": _l("Added the person"),
    "user_updated": _l("Changed the person's details"),
    "role_granted": _l("Granted the role %(role)s"),
    "role_removed": _l("Removed the role %(role)s"),
    "user_deactivated": _l("Deactivated the person"),
    "user_reactivated": _l("Reactivated the person"),
    "user_erased": _l("Erased the person"),
    "invitation_sent": _l("Sent an invitation"),
    "unit_created": _l("Added a unit"),
    "unit_renamed": _l("Renamed a unit"),
    "unit_moved": _l("Moved a unit"),
    "import_applied": _l("Imported a file: %(created)s added, %(updated)s changed"),
    "settings_changed": _l("Changed the organisation's settings"),
    "assignment_created": _l("Assigned modules to %(people)s people"),
    "assignment_removed": _l("Removed an assignment"),
    "cohort_created": _l("Made a cohort"),
    "cohort_joined": _l("Added %(people)s people to a cohort"),
    "report_exported": _l("Downloaded a report (%(format)s, %(rows)s rows)"),
    "api_token_created": _l("Made the API token %(name)s"),
    "api_token_revoked": _l("Revoked the API token %(name)s"),
    "api_read": _l("Read the completion report through the API (rows: %(rows)s)"),
}


@bp.app_context_processor
def admin_helpers() -> dict[str, Any]:
    def audit_text(event: AuditEvent) -> str:
        values = dict(event.details)
        if "role" in values:
            values["role"] = ROLE_LABELS[Role(values["role"])]
        template = AUDIT_TEXT.get(event.action)
        return str(template) % values if template else event.action

    return {"audit_text": audit_text, "role_labels": ROLE_LABELS}


def _person(user_id: int) -> User:
    user = get_in_org_or_404(User, user_id, current_user.org_id)
    if user.erased_at is not None:
        abort(404)
    return user


@bp.get("/people")
@role_required(Role.ADMIN)
def people() -> str | tuple[str, int]:
    org = current_user.organisation
    form = PeopleFilterForm(org, request.args)
    if not form.validate():
        return render_template("orgs/people.html", form=form, people=[], total=0, paths={}), 400
    people, total = services.search_people(
        org.id,
        text=form.q.data or "",
        unit_id=int(form.unit.data) if form.unit.data else None,
        role=Role(form.role.data) if form.role.data else None,
        status=form.status.data,
        page=form.page.data or 1,
    )
    return render_template(
        "orgs/people.html",
        form=form,
        people=people,
        total=total,
        page=form.page.data or 1,
        pages=max(1, -(-total // services.PAGE_SIZE)),
        paths=services.unit_paths(org.id),
    )


@bp.route("/people/new", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def new_person() -> str | Response | tuple[str, int]:
    org = current_user.organisation
    form = NewPersonForm(org)
    if not form.validate_on_submit():
        return render_template(
            "orgs/person_new.html", form=form
        ), 400 if form.is_submitted() else 200
    try:
        user = services.create_user(
            org,
            email=form.email.data,
            given_name=form.given_name.data,
            family_name=form.family_name.data,
            employee_number=form.employee_number.data,
            unit=form.unit.unit,
            manager=form.manager,
            locale=form.locale.data or None,
            roles=[Role(r) for r in form.roles.data],
            actor=current_user,
        )
    except services.OrgProblem as problem:
        db.session.rollback()
        form.form_errors.append(problem.message)
        return render_template("orgs/person_new.html", form=form), 400
    if form.invite.data:
        auth.send_invitation(user, current_user)
    db.session.commit()
    flash(_("%(name)s is added.", name=user.name))
    return redirect(url_for(".person", user_id=user.id))


@bp.route("/people/<id:user_id>", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def person(user_id: int) -> str | Response | tuple[str, int]:
    user = _person(user_id)
    form = PersonForm(
        current_user.organisation,
        data=None
        if request.method == "POST"
        else {
            "given_name": user.given_name,
            "family_name": user.family_name,
            "email": user.email,
            "employee_number": user.employee_number or "",
            "unit": str(user.unit_id or ""),
            "manager_employee_number": user.manager.employee_number if user.manager else "",
            "locale": user.locale or "",
            "roles": sorted(role.value for role in user.roles),
        },
    )
    if not form.validate_on_submit():
        status = 400 if form.is_submitted() else 200
        return render_template(
            "orgs/person.html", form=form, user=user, confirm=ConfirmForm()
        ), status
    try:
        services.update_user(
            user,
            email=form.email.data,
            given_name=form.given_name.data,
            family_name=form.family_name.data,
            employee_number=form.employee_number.data,
            unit=form.unit.unit,
            manager=form.manager,
            locale=form.locale.data or None,
            actor=current_user,
        )
        if user.id == current_user.id and Role.ADMIN.value not in form.roles.data:
            raise services.OrgProblem(_("You cannot remove your own administrator role."))
        services.set_roles(user, [Role(r) for r in form.roles.data], current_user)
    except services.OrgProblem as problem:
        db.session.rollback()
        form.form_errors.append(problem.message)
        return render_template("orgs/person.html", form=form, user=user, confirm=ConfirmForm()), 400
    db.session.commit()
    flash(_("The changes to %(name)s are saved.", name=user.name))
    return redirect(url_for(".person", user_id=user.id))


@bp.post("/people/<id:user_id>/<any(deactivate, reactivate, invite, erase):action>")
@role_required(Role.ADMIN)
def person_action(user_id: int, action: str) -> Response | tuple[str, int]:
    user = _person(user_id)
    form = ConfirmForm()
    if not form.validate_on_submit() or (action == "erase" and not form.confirm.data):
        flash(_("Tick the box to confirm, then press the button again."))
        return redirect(url_for(".person", user_id=user.id))
    if user.id == current_user.id and action in ("deactivate", "erase"):
        flash(_("You cannot do that to your own account."))
        return redirect(url_for(".person", user_id=user.id))
    name = user.name
    if action == "deactivate":
        services.deactivate_user(user, current_user)
        message = _("%(name)s can no longer log in.", name=name)
    elif action == "reactivate":
        services.reactivate_user(user, current_user)
        message = _("%(name)s can log in again.", name=name)
    elif action == "invite":
        auth.send_invitation(user, current_user)
        message = _("An invitation is on its way to %(name)s.", name=name)
    else:
        services.erase_user(user, current_user)
        db.session.commit()
        flash(_("%(name)s is erased.", name=name))
        return redirect(url_for(".people"))
    db.session.commit()
    flash(message)
    return redirect(url_for(".person", user_id=user.id))


@bp.route("/units", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def units() -> str | Response | tuple[str, int]:
    org = current_user.organisation
    form = UnitForm(org)
    if form.validate_on_submit():
        try:
            services.create_unit(org.id, form.name.data, form.parent.unit, current_user)
        except services.OrgProblem as problem:
            db.session.rollback()
            form.form_errors.append(problem.message)
        else:
            db.session.commit()
            flash(_("The unit %(name)s is added.", name=form.name.data.strip()))
            return redirect(url_for(".units"))
    status = 400 if form.is_submitted() else 200
    return render_template("orgs/units.html", form=form, paths=services.unit_paths(org.id)), status


@bp.route("/units/<id:unit_id>", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def unit(unit_id: int) -> str | Response | tuple[str, int]:
    unit = get_in_org_or_404(OrgUnit, unit_id, current_user.org_id)
    form = UnitForm(
        current_user.organisation,
        data=None
        if request.method == "POST"
        else {"name": unit.name, "parent": str(unit.parent_id or "")},
    )
    if not form.validate_on_submit():
        status = 400 if form.is_submitted() else 200
        return render_template("orgs/unit.html", form=form, unit=unit), status
    try:
        if form.name.data.strip() != unit.name:
            services.rename_unit(unit, form.name.data, current_user)
        if form.parent.unit != unit.parent:
            services.move_unit(unit, form.parent.unit, current_user)
    except services.OrgProblem as problem:
        db.session.rollback()
        form.form_errors.append(problem.message)
        return render_template("orgs/unit.html", form=form, unit=unit), 400
    db.session.commit()
    flash(_("The unit is saved."))
    return redirect(url_for(".units"))


@bp.get("/audit")
@role_required(Role.ADMIN)
def audit_log() -> str:
    events = db.session.scalars(
        in_org(AuditEvent, current_user.org_id).order_by(AuditEvent.id.desc()).limit(200)
    ).all()
    targets = {
        user.id: user
        for user in db.session.scalars(
            select(User).where(User.id.in_({e.target_user_id for e in events} - {None}))
        )
    }
    return render_template("orgs/audit.html", events=events, targets=targets)


@bp.route("/people/import", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def import_people() -> str | tuple[str, int]:
    """Upload a file and see what it would do; nothing changes until "apply"."""
    org = current_user.organisation
    form = ImportForm()
    if not form.validate_on_submit():
        status = 400 if form.is_submitted() else 200
        return render_template("orgs/import.html", form=form, plan=None), status
    data = form.file.data.read(MAX_IMPORT_BYTES + 1)
    plan = services.plan_import(org, data)
    if plan.problems:
        return render_template("orgs/import.html", form=form, plan=plan), 400
    pending = services.keep_pending_import(org, current_user, data)
    db.session.commit()
    return render_template(
        "orgs/import.html", form=form, plan=plan, apply=ApplyImportForm(pending=pending)
    )


@bp.post("/people/import/apply")
@role_required(Role.ADMIN)
def apply_import() -> Response:
    form = ApplyImportForm()
    if not form.validate_on_submit():
        abort(400)
    org = current_user.organisation
    data = services.take_pending_import(org, current_user, form.pending.data)
    plan = services.apply_import(org, data, current_user)
    db.session.commit()
    flash(_("Imported: %(new)s added, %(changed)s changed.", new=plan.new, changed=plan.changed))
    return redirect(url_for(".people"))


@bp.post("/people/invite-pending")
@role_required(Role.ADMIN)
def invite_pending() -> Response:
    if not ConfirmForm().validate_on_submit():
        abort(400)
    count = auth.invite_pending(current_user.organisation, current_user)
    db.session.commit()
    flash(
        ngettext(
            "%(num)s invitation is on its way.", "%(num)s invitations are on their way.", count
        )
    )
    return redirect(url_for(".people"))


@bp.route("/settings", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def settings() -> str | Response | tuple[str, int]:
    org = current_user.organisation
    form = SettingsForm(obj=org)
    if form.validate_on_submit():
        services.update_settings(
            org,
            current_user,
            refreshers_enabled=form.refreshers_enabled.data,
            xapi_email_enabled=form.xapi_email_enabled.data,
        )
        db.session.commit()
        flash(_("The settings are saved."))
        return redirect(url_for(".settings"))
    status = 400 if form.is_submitted() else 200
    return render_template("orgs/settings.html", form=form, org=org), status
