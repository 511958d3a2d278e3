from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from app.content.models import Course
from app.i18n import LANGUAGE_NAMES, _l

from .scorm import SCORM_STANDARDS


class ScormForm(FlaskForm):
    """Which package to download. A GET form: it changes nothing, so it needs no CSRF token."""

    class Meta:
        csrf = False

    standard = SelectField(
        _l("SCORM version"),
        choices=[SelectChoice(key, s.label) for key, s in SCORM_STANDARDS.items()],
        validators=[InputRequired(_l("Choose a SCORM version."))],
    )
    locale = SelectField(_l("Language"), validators=[InputRequired(_l("Choose a language."))])

    @classmethod
    def for_course(cls, course: Course, **kwargs: object) -> "ScormForm":
        form = cls(**kwargs)
        form.locale.choices = [SelectChoice(loc, LANGUAGE_NAMES[loc]) for loc in course.locales]
        return form
