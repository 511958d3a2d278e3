"""Forms for the people and units pages. Forms with choices take the organisation."""

from typing import Any

from flask_babel import gettext as _
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    IntegerField,
    SearchField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from app.content.models import LOCALES
from app.db import db, in_org
from app.i18n import LANGUAGE_NAMES, _l

from .importing import normalise_email
from .models import Organisation, OrgUnit, Role, User
from .services import unit_paths

ROLE_LABELS = {
    Role.LEARNER: _l("Learner"),
    Role.MANAGER: _l("Manager"),
    Role.HR: _l("HR"),
    Role.ADMIN: _l("Administrator"),
}


def email_address(form: FlaskForm, field: EmailField) -> None:
    """The email's syntax, checked as the import checks it (no DNS lookups)."""
    if field.data and normalise_email(field.data) is None:
        raise ValidationError(_l("Enter an email address like name@example.no."))


def at_least_one(form: FlaskForm, field: SelectMultipleField) -> None:
    """A group of checkboxes needs one ticked; unlike DataRequired it marks no box required."""
    if not field.data:
        raise ValidationError(_l("Choose at least one role."))


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _unit_choices(org: Organisation, empty: Any) -> list[SelectChoice]:
    units = (SelectChoice(str(i), path) for i, path in unit_paths(org.id).items())
    return [SelectChoice("", empty), *units]


class UnitChoice(SelectField):
    """A unit of the organisation, or none; the data is the OrgUnit or None."""

    unit: OrgUnit | None = None

    def post_validate(self, form: FlaskForm, validation_stopped: bool) -> None:
        """Runs even after "Not a valid choice", so only a listed value is looked up."""
        known = {choice.value for choice in self.choices}  # the organisation's own units
        if self.data and self.data in known and not self.errors:
            self.unit = db.session.get(OrgUnit, int(self.data))


class PersonForm(FlaskForm):
    given_name = StringField(
        _l("Given name"), validators=[DataRequired(_l("Enter a given name.")), Length(max=100)]
    )
    family_name = StringField(
        _l("Family name"), validators=[DataRequired(_l("Enter a family name.")), Length(max=100)]
    )
    email = EmailField(
        _l("Email"),
        validators=[
            DataRequired(_l("Enter an email address.")),
            Length(max=254),
            email_address,
        ],
    )
    employee_number = StringField(_l("Employee number"), validators=[Length(max=64)])
    unit = UnitChoice(_l("Unit"))
    manager_employee_number = StringField(
        _l("Line manager's employee number"), validators=[Length(max=64)]
    )
    locale = SelectField(_l("Language"))
    roles = CheckboxesField(
        _l("Roles"),
        choices=[SelectChoice(role.value, label) for role, label in ROLE_LABELS.items()],
        validators=[at_least_one],
    )

    def __init__(self, org: Organisation, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.org = org
        self.unit.choices = _unit_choices(org, _l("(no unit)"))
        self.locale.choices = [SelectChoice("", _l("The organisation's language"))] + [
            SelectChoice(code, LANGUAGE_NAMES[code]) for code in LOCALES
        ]
        self.manager: User | None = None

    def validate_manager_employee_number(self, field: StringField) -> None:
        number = (field.data or "").strip()
        if not number:
            return
        self.manager = db.session.scalar(
            in_org(User, self.org.id).where(
                User.employee_number == number, User.erased_at.is_(None)
            )
        )
        if self.manager is None:
            raise ValidationError(_("Nobody here has employee number %(number)s.", number=number))


class NewPersonForm(PersonForm):
    invite = BooleanField(_l("Send an invitation by email now"), default=True)


class PeopleFilterForm(FlaskForm):
    """The list's search and filters, read from the query string."""

    class Meta:
        csrf = False

    q = SearchField(_l("Search name, email or employee number"), validators=[Length(max=100)])
    unit = SelectField(_l("Unit (with its sub-units)"), default="")
    role = SelectField(_l("Role"), default="")
    status = SelectField(
        _l("Status"),
        choices=[
            SelectChoice("active", _l("Active")),
            SelectChoice("deactivated", _l("Deactivated")),
            SelectChoice("all", _l("All")),
        ],
        default="active",
    )
    page = IntegerField(
        _l("Page"), validators=[Optional(), NumberRange(min=1, max=100_000)], default=1
    )

    def __init__(self, org: Organisation, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.unit.choices = _unit_choices(org, _l("All units"))
        self.role.choices = [SelectChoice("", _l("All roles"))] + [
            SelectChoice(role.value, label) for role, label in ROLE_LABELS.items()
        ]


class UnitForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(_l("Enter a name.")), Length(max=200)])
    parent = UnitChoice(_l("Placed under"))

    def __init__(self, org: Organisation, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.parent.choices = _unit_choices(org, _l("(top level)"))


class SettingsForm(FlaskForm):
    """The organisation's own settings."""

    refreshers_enabled = BooleanField(_l("Send refreshers after a module is passed"))
    xapi_email_enabled = BooleanField(_l("Name learners by their e-mail address in xAPI"))


class ConfirmForm(FlaskForm):
    """A button that changes something: CSRF and, where asked, an explicit confirmation."""

    confirm = BooleanField(_l("Yes, I am sure"))


class ImportForm(FlaskForm):
    file = FileField(_l("CSV file"), validators=[FileRequired(_l("Choose a CSV file."))])


class ApplyImportForm(FlaskForm):
    pending = HiddenField(validators=[DataRequired()])
