"""Queueing mail: the one way to send a message is :func:`queue_mail` inside the transaction of
the change that causes it. Callers pass plain values (address, locale, names, links)."""

import re
from email.utils import parseaddr

from flask import current_app
from flask_babel import force_locale
from jinja2 import Environment, StrictUndefined

from app.content.models import LOCALES
from app.db import db
from app.errors import LedaError
from app.i18n import _l
from app.jobs import enqueue_after_commit

from . import tasks
from .models import MailMessage

_BLANK_LINES = re.compile(r"\n(?:[ \t]*\n){2,}")


class InvalidAddress(LedaError):
    message = _l("That is not a valid e-mail address.")


def _mail_environment() -> Environment:
    """Flask's template environment (loaders of every blueprint, Babel's gettext), but strict:
    a variable missing from a message's context is an error at queue time, not a blank in a
    sent mail."""
    extensions = current_app.extensions
    if "leda_mail_jinja" not in extensions:
        extensions["leda_mail_jinja"] = current_app.jinja_env.overlay(undefined=StrictUndefined)
    return extensions["leda_mail_jinja"]


def render_mail(template: str, locale: str, **context: object) -> tuple[str, str, str]:
    """Subject, text and HTML of ``template`` in ``locale``.

    Renders ``<template>.subject.txt`` (folded onto one line), then ``<template>.txt`` and
    ``<template>.html`` with ``subject`` and ``locale`` added to ``context``. Templates are
    found like any Flask template, so a feature's ``templates/`` folder works. In the text,
    runs of blank lines (left by block tags) fold into one, so templates can be laid out freely.
    """
    if locale not in LOCALES:
        raise ValueError(f"locale must be one of {', '.join(LOCALES)}, not {locale!r}")
    environment = _mail_environment()
    with force_locale(locale):
        context = {**context, "locale": locale}
        subject = " ".join(
            environment.get_template(f"{template}.subject.txt").render(context).split()
        )
        context["subject"] = subject
        text = environment.get_template(f"{template}.txt").render(context)
        html = environment.get_template(f"{template}.html").render(context)
    return subject, _BLANK_LINES.sub("\n\n", text).strip() + "\n", html.strip() + "\n"


def _check_address(address: str) -> None:
    name, parsed = parseaddr(address)
    local, _, domain = parsed.rpartition("@")
    if (
        parsed != address
        or name
        or not local
        or "." not in domain
        or len(address) > 254
        or any(c.isspace() or not c.isprintable() for c in address)
    ):
        raise InvalidAddress()


def mailable(address: str) -> bool:
    """Whether :func:`queue_mail` would take this address; for jobs that check before they
    record anything, rather than fail halfway."""
    try:
        _check_address(address)
    except InvalidAddress:
        return False
    return True


def queue_mail(
    *, org_id: int, to: str, locale: str, template: str, **context: object
) -> MailMessage:
    """Render ``template`` for one recipient and put it in the outbox; it is sent after commit.

    Adds the row and flushes, never commits. When the caller's transaction commits, the
    message id goes to the job queue (``send_mail``); if it rolls back, nothing is sent. If the
    queue cannot be reached at commit, the sweep sends it within a few minutes.
    Raises :class:`InvalidAddress` for an address that cannot be mailed, ``ValueError`` for an
    unknown locale and ``jinja2.UndefinedError`` for a context missing a template's variable.
    """
    _check_address(to)
    subject, text, html = render_mail(template, locale, **context)
    message = MailMessage(
        org_id=org_id,
        to_address=to,
        locale=locale,
        subject=subject,
        text_body=text,
        html_body=html,
    )
    db.session.add(message)
    db.session.flush()
    enqueue_after_commit(tasks.send_mail, message.id)
    return message
