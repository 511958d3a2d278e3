"""The quiz as a WTForms form built from the module: a field per question, choices by option id."""

import uuid

from flask import request
from flask_wtf import FlaskForm
from wtforms import Field, HiddenField, RadioField, SelectMultipleField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from app.content.models import Module, Question, text_in
from app.i18n import _l

from .services import options_in_order

FIELD_PREFIX = "q-"


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


# Question types and the field each is asked with; scoring is the same for all (set equality).
QUESTION_TYPES: dict[str, type[Field]] = {
    "single": RadioField,
    "multiple": CheckboxesField,
    "true_false": RadioField,
}


def _uuid(form: FlaskForm, field: Field) -> None:
    try:
        uuid.UUID(field.data or "")
    except ValueError as error:
        raise ValidationError(_l("This form is not valid. Please reload the quiz.")) from error


class QuizForm(FlaskForm):
    token = HiddenField(validators=[InputRequired(), _uuid])
    module_version = HiddenField(validators=[InputRequired()])

    @classmethod
    def for_module(cls, module: Module, locale: str, **kwargs: object) -> "QuizForm":
        """A form class for this module's questions, labelled in ``locale``, instantiated.

        The options are in the order of this attempt's token (a new one on a fresh form).
        """

        class ModuleQuizForm(cls):  # type: ignore[valid-type, misc]
            pass

        for question in module.questions:
            setattr(ModuleQuizForm, FIELD_PREFIX + question.id, _field(question, locale))
        form = ModuleQuizForm(**kwargs)
        form.module = module
        if not form.token.data:
            form.token.data = str(uuid.uuid4())
            form.module_version.data = str(module.version)
        for question, field in form.question_fields():
            field.choices = [
                SelectChoice(o.id, text_in(o.text, locale))
                for o in options_in_order(question, form.token.data or "")
            ]
        return form

    def question_fields(self) -> list[tuple[Question, Field]]:
        return [(q, self[FIELD_PREFIX + q.id]) for q in self.module.questions]

    def answers(self) -> dict[str, list[str]]:
        """Question id to the chosen option ids, in the module's order."""
        return {
            q.id: sorted(field.data) if isinstance(field.data, list) else [field.data]
            for q, field in self.question_fields()
        }

    def validate(self, extra_validators: object = None) -> bool:
        """Also refuse answers to questions this quiz does not have."""
        valid = super().validate(extra_validators)  # type: ignore[arg-type]
        known = {FIELD_PREFIX + q.id for q in self.module.questions}
        if self.is_submitted() and any(
            key.startswith(FIELD_PREFIX) and key not in known for key in request.form
        ):
            self.form_errors.append(
                _l("Some answers belong to questions that are not in this quiz.")
            )
            return False
        return valid


class Answered(DataRequired):
    """DataRequired without the HTML ``required`` flag, which on checkboxes would demand all."""

    field_flags: dict[str, bool] = {}


def _field(question: Question, locale: str) -> Field:
    field_class = QUESTION_TYPES[question.type]
    return field_class(
        text_in(question.prompt, locale),
        choices=[],  # set per form, in the order of its attempt token
        validators=[Answered(_l("Answer this question."))],
        validate_choice=True,
    )
