from flask_wtf import FlaskForm
from wtforms import HiddenField, TextAreaField
from wtforms.validators import DataRequired, Length

from app.i18n import _l

REFLECTION_MAX = 5000


class ReflectionForm(FlaskForm):
    """The lesson page's one form. Each of its buttons (save, mark as done, I will try this)
    sends the reflection box with it, so nothing typed is lost whichever is pressed.

    ``owner`` is a signed token naming the person the page was rendered for: when the session
    has ended by the time the form arrives, it is the proof of whose text it is.
    """

    text = TextAreaField(
        _l("Your reflection (only you can see it)"),
        validators=[Length(max=REFLECTION_MAX, message=_l("Keep it under %(max)d characters."))],
        render_kw={"rows": 5},
    )
    owner = HiddenField()


class FollowUpForm(FlaskForm):
    """How a commitment went. Rendered with a prefix per follow-up, so several fit on a page."""

    answer = TextAreaField(
        _l("How did it go? (only you can see it)"),
        validators=[
            DataRequired(_l("Write a few words about how it went.")),
            Length(max=REFLECTION_MAX, message=_l("Keep it under %(max)d characters.")),
        ],
        render_kw={"rows": 4},
    )

    @classmethod
    def for_follow_up(cls, follow_up_id: int, **kwargs: object) -> "FollowUpForm":
        return cls(prefix=f"follow-up-{follow_up_id}", **kwargs)
