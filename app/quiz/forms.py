"""The quiz as a WTForms form built from the module: a field per question, choices by option id."""

from flask import request
from flask_wtf import FlaskForm
from wtforms import Field, HiddenField, RadioField, SelectMultipleField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from app.content.models import Module, Question, text_in
from app.i18n import _l

from .pools import options_in_order
from .services import sign_draw

FIELD_PREFIX = "q-"
SURE_PREFIX = "sure-"
SURE_CHOICES = [SelectChoice("sure", _l("Sure")), SelectChoice("unsure", _l("Not sure"))]


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


# Question types and the field each is asked with; scoring is the same for all (set equality).
QUESTION_TYPES: dict[str, type[Field]] = {
    "single": RadioField,
    "multiple": CheckboxesField,
    "true_false": RadioField,
}


class QuizForm(FlaskForm):
    """One attempt: the questions it drew, each with its options in the attempt's order and an
    optional "sure / not sure". The signed ``draw`` carries the token and the questions."""

    draw = HiddenField(validators=[InputRequired()])
    module_version = HiddenField(validators=[InputRequired()])

    @classmethod
    def for_attempt(
        cls, module: Module, locale: str, token: str, questions: list[Question], **kwargs: object
    ) -> "QuizForm":
        """A form class for these drawn questions, labelled in ``locale``, instantiated."""

        class AttemptForm(cls):  # type: ignore[valid-type, misc]
            pass

        for question in questions:
            setattr(AttemptForm, FIELD_PREFIX + question.id, _field(question, locale))
            setattr(
                AttemptForm,
                SURE_PREFIX + question.id,
                RadioField(_l("How sure are you?"), choices=SURE_CHOICES, validators=[Optional()]),
            )
        form = AttemptForm(**kwargs)
        form.module, form.token, form.questions = module, token, questions
        form.draw.data = sign_draw(token, questions)
        form.module_version.data = form.module_version.data or str(module.version)
        for question, field in form.question_fields():
            field.choices = [
                SelectChoice(o.id, text_in(o.text, locale))
                for o in options_in_order(question, token)
            ]
        return form

    def question_fields(self) -> list[tuple[Question, Field]]:
        return [(q, self[FIELD_PREFIX + q.id]) for q in self.questions]

    def sure_field(self, question: Question) -> Field:
        return self[SURE_PREFIX + question.id]

    def answers(self) -> dict[str, list[str]]:
        """Question id to the chosen option ids, in the module's order."""
        return {
            q.id: sorted(field.data) if isinstance(field.data, list) else [field.data]
            for q, field in self.question_fields()
        }

    def sureness(self) -> dict[str, bool]:
        """Question id to True (sure) or False (not sure), for the questions marked."""
        marks = {q.id: self.sure_field(q).data for q in self.questions}
        return {qid: mark == "sure" for qid, mark in marks.items() if mark in ("sure", "unsure")}

    def validate(self, extra_validators: object = None) -> bool:
        """Also refuse answers to questions this attempt did not draw."""
        valid = super().validate(extra_validators)  # type: ignore[arg-type]
        known = {FIELD_PREFIX + q.id for q in self.questions}
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
