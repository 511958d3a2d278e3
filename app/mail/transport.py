"""How a message leaves: SMTP when ``LEDA_SMTP_HOST`` is set, else one ``.eml`` file per message
in the outbox folder (development, tests, the quick start)."""

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from pathlib import Path
from typing import Any

from app.files import write_private

from .models import MailMessage

SMTP_TIMEOUT = 30  # seconds; well inside the claim lease, so a slow server cannot cause a resend


def build_email(message: MailMessage, sender: str) -> EmailMessage:
    """The MIME message: multipart/alternative with the text and the HTML body.

    The Message-ID is derived from the row, so a resend after a crash carries the same id and
    mail clients can show it once.
    """
    domain = parseaddr(sender)[1].rpartition("@")[2] or "localhost"
    email = EmailMessage()
    email["Subject"] = message.subject
    email["From"] = sender
    email["To"] = message.to_address
    email["Date"] = format_datetime(message.created_at)
    email["Message-ID"] = f"<leda.{message.id}.{int(message.created_at.timestamp())}@{domain}>"
    email["Auto-Submitted"] = "auto-generated"
    email.set_content(message.text_body or "", cte="quoted-printable")
    email.add_alternative(message.html_body or "", subtype="html", cte="quoted-printable")
    email["Content-Language"] = message.locale  # after set_content, which drops Content-*
    return email


def outbox_path(folder: Path, message: MailMessage) -> Path:
    """``<created, UTC>-<id, 6 digits>.eml``: name order is queue order; a resend overwrites."""
    return folder / f"{message.created_at:%Y%m%d-%H%M%S}-{message.id:06d}.eml"


def deliver(email: EmailMessage, message: MailMessage, config: dict[str, Any]) -> None:
    """Send ``email`` by the configured transport; raises on failure (nothing is half-written)."""
    if config["LEDA_SMTP_HOST"]:
        _send_smtp(email, config)
    else:
        write_private(outbox_path(Path(config["LEDA_MAIL_OUTBOX"]), message), bytes(email))


def _send_smtp(email: EmailMessage, config: dict[str, Any]) -> None:
    host, port, security = (
        config["LEDA_SMTP_HOST"],
        config["LEDA_SMTP_PORT"],
        config["LEDA_SMTP_SECURITY"],
    )
    context = ssl.create_default_context()
    client: smtplib.SMTP
    if security == "ssl":
        client = smtplib.SMTP_SSL(host, port, timeout=SMTP_TIMEOUT, context=context)
    else:
        client = smtplib.SMTP(host, port, timeout=SMTP_TIMEOUT)
    with client:
        if security == "starttls":
            client.starttls(context=context)
        if config["LEDA_SMTP_USER"]:
            client.login(config["LEDA_SMTP_USER"], config["LEDA_SMTP_PASSWORD"] or "")
        client.send_message(email)
