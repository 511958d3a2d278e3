from flask_babel import gettext as _
from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from app.content.models import Course, text_in
from app.i18n import LANGUAGE_NAMES, _l, content_locale

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
    module = SelectField(_l("Package"), default="")

    @classmethod
    def for_course(cls, course: Course, **kwargs: object) -> "ScormForm":
        form = cls(**kwargs)
        form.locale.choices = [SelectChoice(loc, LANGUAGE_NAMES[loc]) for loc in course.locales]
        locale = content_locale()
        form.module.choices = [SelectChoice("", _("The whole course"))] + [
            SelectChoice(m.id, _("Only the module %(module)s", module=text_in(m.title, locale)))
            for m in course.modules
        ]
        return form

    def module_id(self) -> str | None:
        """The module chosen, or None for the whole course."""
        return self.module.data or None
