from flask_wtf import FlaskForm
from wtforms import Field, StringField
from wtforms.validators import InputRequired, ValidationError

from app.i18n import _l

from .services import normalise_code


class IssueForm(FlaskForm):
    """No fields: the completion page's button, with CSRF protection."""


def _is_a_code(_form: FlaskForm, field: Field) -> None:
    if normalise_code(field.data or "") is None:
        raise ValidationError(_l("A verification code has 12 letters and digits, in groups of 4."))


class VerifyForm(FlaskForm):
    """The code printed on a certificate, typed in by whoever wants to check it (a GET form:
    it changes nothing, so it carries no CSRF token)."""

    class Meta:
        csrf = False

    code = StringField(
        _l("Verification code"),
        validators=[
            InputRequired(message=_l("Enter the code printed on the certificate.")),
            _is_a_code,
        ],
        render_kw={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"},
    )
