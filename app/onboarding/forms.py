from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from app.content.models import Course, text_in
from app.i18n import _l
from app.orgs.forms import CheckboxesField, UnitChoice, _unit_choices
from app.orgs.models import Organisation, Role

from .models import Target
from .team import PROGRESS_LABELS, Progress, TeamFilters

ROLE_CHOICES = [
    SelectChoice("", _l("Any role")),
    SelectChoice(Role.MANAGER.value, _l("Manager")),
    SelectChoice(Role.LEARNER.value, _l("Learner")),
    SelectChoice(Role.HR.value, _l("HR")),
]


def _some(form: FlaskForm, field: CheckboxesField) -> None:
    if not field.data:
        raise ValidationError(_l("Choose at least one module."))


class _ModulesAndDue(FlaskForm):
    modules = CheckboxesField(_l("Modules"), validators=[_some])
    due_on = DateField(_l("Due date"), validators=[Optional()])
    due_days = IntegerField(
        _l("Or: days to complete, counted from when it applies to each person"),
        validators=[Optional(), NumberRange(1, 365, _l("Between 1 and 365 days."))],
    )

    def set_modules(self, course: Course, locale: str) -> None:
        self.modules.choices = [
            SelectChoice(m.id, text_in(m.title, locale)) for m in course.modules
        ]


class AssignForm(_ModulesAndDue):
    target = RadioField(
        _l("Assign to"),
        choices=[
            SelectChoice(Target.PERSON.value, _l("One person (by email)")),
            SelectChoice(
                Target.UNIT.value, _l("A unit, with its sub-units and whoever joins later")
            ),
            SelectChoice(Target.COHORT.value, _l("A cohort, and whoever is added to it later")),
        ],
        default=Target.PERSON.value,
        validators=[InputRequired()],
    )
    email = StringField(_l("Email of the person"), validators=[Optional(), Length(max=254)])
    unit = UnitChoice(_l("Unit"), validators=[Optional()])
    cohort = SelectField(_l("Cohort"), validators=[Optional()], default="")

    def __init__(
        self,
        org: Organisation,
        course: Course,
        locale: str,
        cohorts: list[tuple[int, str]],
        **kwargs: object,
    ) -> None:
        super().__init__(**kwargs)
        self.unit.choices = _unit_choices(org, _l("Choose a unit"))
        self.cohort.choices = [SelectChoice("", _l("Choose a cohort"))] + [
            SelectChoice(str(cohort_id), name) for cohort_id, name in cohorts
        ]
        self.set_modules(course, locale)


class ReportAssignForm(_ModulesAndDue):
    """A manager assigns modules to someone who reports to them."""

    email = StringField(_l("Email of the person"), validators=[InputRequired(), Length(max=254)])

    def __init__(self, course: Course, locale: str, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.set_modules(course, locale)


class CohortForm(FlaskForm):
    name = StringField(_l("Name of the cohort"), validators=[InputRequired(), Length(max=200)])
    emails = TextAreaField(
        _l("Emails of the people in it"), validators=[Optional(), Length(max=200_000)]
    )


class CohortAddForm(FlaskForm):
    emails = TextAreaField(
        _l("Emails of the people to add"), validators=[InputRequired(), Length(max=200_000)]
    )


class RuleForm(_ModulesAndDue):
    name = StringField(_l("Name of the rule"), validators=[InputRequired(), Length(max=200)])
    role = SelectField(_l("Whoever has the role"), choices=ROLE_CHOICES, validators=[Optional()])
    unit = UnitChoice(_l("And sits in the unit (with its sub-units)"), validators=[Optional()])

    def __init__(self, org: Organisation, course: Course, locale: str, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.unit.choices = _unit_choices(org, _l("Any unit"))
        self.set_modules(course, locale)


CHECKED = ("y", "1", "true", "on", "yes")


def _tick(form: FlaskForm, field: BooleanField) -> None:
    """A ticked box sends "y"; anything else typed into the address is refused."""
    if field.raw_data and field.raw_data[0].lower() not in CHECKED:
        raise ValidationError(_l("Not a valid choice."))


class TeamFilterForm(FlaskForm):
    """The team view's filters, read from the query string."""

    class Meta:
        csrf = False

    module = SelectField(_l("Module"), default="")
    status = SelectField(_l("Status"), default="")
    unit = SelectField(_l("Unit (with its sub-units)"), default="")
    overdue = BooleanField(_l("Overdue only"), validators=[_tick])
    direct = BooleanField(_l("Direct reports only"), validators=[_tick])
    page = IntegerField(
        _l("Page"), validators=[Optional(), NumberRange(min=1, max=100_000)], default=1
    )

    def __init__(
        self, org: Organisation, course: Course, locale: str, *args: Any, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.module.choices = [SelectChoice("", _l("All modules"))] + [
            SelectChoice(m.id, text_in(m.title, locale)) for m in course.modules
        ]
        self.status.choices = [SelectChoice("", _l("Any status"))] + [
            SelectChoice(progress.value, label) for progress, label in PROGRESS_LABELS.items()
        ]
        self.unit.choices = _unit_choices(org, _l("All units"))

    def filters(self) -> TeamFilters:
        return TeamFilters(
            module_id=self.module.data or None,
            progress=Progress(self.status.data) if self.status.data else None,
            overdue_only=self.overdue.data,
            unit_id=int(self.unit.data) if self.unit.data else None,
            direct_only=self.direct.data,
        )
