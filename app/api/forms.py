"""The API tokens page's form: a new token's name (revoking needs only CSRF, ConfirmForm)."""

from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from app.i18n import _l

from .services import MAX_NAME


class TokenForm(FlaskForm):
    name = StringField(
        _l("Name"),
        validators=[DataRequired(_l("Enter a name.")), Length(max=MAX_NAME)],
    )
