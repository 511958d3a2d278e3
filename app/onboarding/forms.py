from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, RadioField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from app.content.models import Course, text_in
from app.i18n import _l
from app.orgs.forms import CheckboxesField, UnitChoice, _unit_choices
from app.orgs.models import Organisation, Role

from .models import Target

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
        ],
        default=Target.PERSON.value,
        validators=[InputRequired()],
    )
    email = StringField(_l("Email of the person"), validators=[Optional(), Length(max=254)])
    unit = UnitChoice(_l("Unit"), validators=[Optional()])

    def __init__(self, org: Organisation, course: Course, locale: str, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.unit.choices = _unit_choices(org, _l("Choose a unit"))
        self.set_modules(course, locale)


class RuleForm(_ModulesAndDue):
    name = StringField(_l("Name of the rule"), validators=[InputRequired(), Length(max=200)])
    role = SelectField(_l("Whoever has the role"), choices=ROLE_CHOICES, validators=[Optional()])
    unit = UnitChoice(_l("And sits in the unit (with its sub-units)"), validators=[Optional()])

    def __init__(self, org: Organisation, course: Course, locale: str, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.unit.choices = _unit_choices(org, _l("Any unit"))
        self.set_modules(course, locale)
