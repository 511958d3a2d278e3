"""Mail: rendered in the recipient's language, recorded in the outbox table in the caller's
transaction, sent after commit by the job queue over SMTP or into ``.eml`` files."""

from flask import Blueprint, Flask

SECURITY = ("starttls", "ssl", "none")
DEFAULT_PORTS = {"starttls": 587, "ssl": 465, "none": 25}
# No routes: the blueprint lends its templates/ (the mail layout) to Flask's loader.
bp = Blueprint("mail", __name__, template_folder="templates")


class MailConfigError(ValueError):
    """The mail settings cannot work; the message names the variable."""


def init_mail(app: Flask) -> None:
    """Check the mail settings at start (a typo should stop the app, not lose mail later),
    lend the mail layout to the template loader, and register the tasks with the job queue."""
    config = app.config
    security = (config["LEDA_SMTP_SECURITY"] or "starttls").lower()
    if security not in SECURITY:
        raise MailConfigError(
            f"LEDA_SMTP_SECURITY must be one of {', '.join(SECURITY)}, "
            f"not {config['LEDA_SMTP_SECURITY']!r}"
        )
    config["LEDA_SMTP_SECURITY"] = security
    port = config["LEDA_SMTP_PORT"] or DEFAULT_PORTS[security]
    try:
        config["LEDA_SMTP_PORT"] = int(port)
    except ValueError:
        raise MailConfigError(f"LEDA_SMTP_PORT must be a number, not {port!r}") from None
    if "@" not in config["LEDA_MAIL_FROM"]:
        raise MailConfigError(
            f"LEDA_MAIL_FROM must be an address such as 'Leda <leda@example.org>', "
            f"not {config['LEDA_MAIL_FROM']!r}"
        )
    app.register_blueprint(bp)
    from . import tasks  # noqa: F401  (registers send_mail and the sweep with the queue)
