"""The lesson check and a scenario decision as forms: one radio group each, labelled from the
content in the reader's locale, with the hidden values that say what the page showed."""

from typing import NamedTuple

from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import Field, HiddenField, RadioField
from wtforms.validators import InputRequired, ValidationError

from app.content.models import Decision, LessonCheck, Module, Option, ScenarioChoice, text_in
from app.i18n import _l

from .services import ScenarioState

MAX_INTEGER = 2**31 - 1  # what the database's integer columns hold


class _OneOfShown:
    """Exactly one value, one of the field's choices; the message names the fault in words."""

    def __call__(self, form: FlaskForm, field: Field) -> None:
        shown = {value for value, _label in field.choices or []}
        if len(field.raw_data) != 1 or field.data not in shown:
            raise ValidationError(_l("Choose one of the options shown."))


def _choice_field() -> RadioField:
    # validate_choice=False: _OneOfShown says what is wrong instead of "Not a valid choice".
    return RadioField(
        validators=[InputRequired(_l("Choose an option.")), _OneOfShown()], validate_choice=False
    )


def _label(
    field: Field, text: str, options: list[Option] | list[ScenarioChoice], locale: str
) -> None:
    field.label.text = text
    field.choices = [(o.id, text_in(o.text, locale)) for o in options]


class CheckForm(FlaskForm):
    """A lesson's check. It carries no module version: an option the check no longer has is
    refused like any unknown one, and the page shows the check as it is now."""

    option = _choice_field()

    @classmethod
    def for_check(cls, check: LessonCheck, locale: str, **kwargs: object) -> "CheckForm":
        form = cls(**kwargs)
        _label(form.option, text_in(check.prompt, locale), check.options, locale)
        return form


class Posted(NamedTuple):
    module_version: int
    run: int
    decision_id: str


class DecisionForm(FlaskForm):
    """The current decision of a scenario run. The hidden fields always carry the state the
    page shows; what a post said they were is read by ``posted``."""

    module_version = HiddenField()
    run = HiddenField()
    decision = HiddenField()
    choice = _choice_field()

    @classmethod
    def for_state(
        cls, module: Module, state: ScenarioState, locale: str, **kwargs: object
    ) -> "DecisionForm":
        form = cls(**kwargs)
        decision: Decision | None = state.current
        if decision is not None:
            _label(form.choice, text_in(decision.prompt, locale), decision.choices, locale)
            form.decision.data = decision.id
        form.module_version.data = str(module.version)
        form.run.data = str(state.run)
        return form


class ReplayForm(FlaskForm):
    """ "Play again" after the debrief: ``run`` is the run the page showed finished."""

    run = HiddenField()


def posted_decision(formdata: MultiDict[str, str]) -> Posted | None:
    """The version, run and decision a post says its page showed; None if they are malformed."""
    version, run = formdata.get("module_version", ""), formdata.get("run", "")
    decision = formdata.get("decision", "")
    if not (_is_count(version) and _is_count(run) and decision):
        return None
    return Posted(int(version), int(run), decision)


def posted_run(formdata: MultiDict[str, str]) -> int | None:
    """The run a "play again" post says it finished; None if it is malformed."""
    run = formdata.get("run", "")
    return int(run) if _is_count(run) else None


def _is_count(value: str) -> bool:
    """A whole number the database holds, in ASCII digits; the length is checked before
    ``int``, which refuses strings of over 4,300 digits with a ValueError."""
    short = len(value) <= len(str(MAX_INTEGER))
    return value.isascii() and value.isdigit() and short and 0 < int(value) <= MAX_INTEGER
