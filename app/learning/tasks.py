"""Learning work done off the request: the follow-up mail on commitments."""

from huey import crontab

from app.content import current_course
from app.db import db, utcnow
from app.jobs import periodic_task

from . import services


@periodic_task(crontab(minute="*/15"))
def ask_how_it_went() -> list[int]:
    """Mail each follow-up that has fallen due, once. Idempotent: a follow-up is claimed in the
    commit that queues its mail, so a second worker or a rerun finds nothing left to send."""
    mailed = services.queue_follow_up_mail(current_course(), utcnow())
    db.session.commit()
    return mailed
