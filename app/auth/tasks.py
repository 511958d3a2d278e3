"""Sign-in work done off the request: the reset lookup, so every answer takes the same time."""

from app.db import db
from app.jobs import task

from . import services


@task()
def send_password_reset(email: str) -> None:
    """Look the address up and, for an active account, queue its reset mail. Idempotent
    enough: a retry issues a fresh link, which makes the earlier one stop working."""
    services.send_password_reset(email)
    db.session.commit()
