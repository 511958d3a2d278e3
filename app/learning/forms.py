from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import Length

from app.i18n import _l

REFLECTION_MAX = 5000


class ReflectionForm(FlaskForm):
    text = TextAreaField(
        _l("Your reflection (only you can see it)"),
        validators=[Length(max=REFLECTION_MAX, message=_l("Keep it under %(max)d characters."))],
        render_kw={"rows": 5},
    )


class CompleteLessonForm(FlaskForm):
    """No fields: a button, with CSRF protection."""
