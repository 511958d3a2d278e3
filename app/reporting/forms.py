from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, RadioField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Optional, ValidationError

from app.content.models import Course, text_in
from app.i18n import _l
from app.onboarding.team import PROGRESS_LABELS, Progress
from app.orgs.forms import UnitChoice, _unit_choices
from app.orgs.models import Organisation

from .completions import CompletionFilters
from .formats import FORMATS

FORMAT_LABELS = {
    "csv": _l("CSV (for Excel)"),
    "xlsx": _l("Excel workbook (XLSX)"),
    "jsonl": _l("JSON Lines (for HR systems)"),
}


class CompletionReportForm(FlaskForm):
    unit = UnitChoice(_l("Unit (with its sub-units)"), validators=[Optional()])
    module = SelectField(_l("Module"), default="")
    status = SelectField(_l("Status"), default="")
    assignment = SelectField(_l("Assignment"), default="")
    due_by = DateField(_l("Due on or before"), validators=[Optional()])
    completed_from = DateField(_l("Completed on or after"), validators=[Optional()])
    completed_to = DateField(_l("Completed on or before"), validators=[Optional()])
    overdue = BooleanField(_l("Overdue only"))
    format = RadioField(
        _l("Format"),
        choices=[SelectChoice(f, FORMAT_LABELS[f]) for f in FORMATS],
        default="csv",
        validators=[InputRequired()],
    )
    delimiter = SelectField(
        _l("CSV cells separated by"),
        choices=[
            SelectChoice("", _l("As usual in my language")),
            SelectChoice(";", _l("Semicolon (;)")),
            SelectChoice(",", _l("Comma (,)")),
        ],
        default="",
    )

    def __init__(
        self,
        org: Organisation,
        course: Course,
        locale: str,
        assignments: list[tuple[int, str]],
        **kwargs: object,
    ) -> None:
        super().__init__(**kwargs)
        self.unit.choices = _unit_choices(org, _l("All units"))
        self.module.choices = [SelectChoice("", _l("All modules"))] + [
            SelectChoice(m.id, text_in(m.title, locale)) for m in course.modules
        ]
        self.status.choices = [SelectChoice("", _l("Any status"))] + [
            SelectChoice(progress.value, label) for progress, label in PROGRESS_LABELS.items()
        ]
        self.assignment.choices = [SelectChoice("", _l("Any assignment"))] + [
            SelectChoice(str(i), label) for i, label in assignments
        ]

    def validate_completed_to(self, field: DateField) -> None:
        if field.data and self.completed_from.data and field.data < self.completed_from.data:
            raise ValidationError(_l("This date is before the first completion date."))

    def filters(self) -> CompletionFilters:
        return CompletionFilters(
            unit_id=self.unit.unit.id if self.unit.unit else None,
            module_id=self.module.data or None,
            progress=Progress(self.status.data) if self.status.data else None,
            assignment_id=int(self.assignment.data) if self.assignment.data else None,
            due_by=self.due_by.data,
            completed_from=self.completed_from.data,
            completed_to=self.completed_to.data,
            overdue_only=self.overdue.data,
        )
