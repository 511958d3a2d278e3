"""Queueing mail: rendered in the recipient's language, sent after commit, never on rollback.

These tests are about what a message says and when it leaves, so jobs run in process
(LEDA_HUEY_IMMEDIATE, set by make_app); tests/test_jobs.py sends through a real consumer.
"""

import stat
from datetime import UTC, datetime

import pytest
from jinja2 import UndefinedError
from sqlalchemy import func, select

from app.db import db
from app.mail import MailConfigError
from app.mail.models import MailMessage
from app.mail.services import InvalidAddress, queue_mail
from app.mail.tasks import send_mail
from tests.conftest import make_app
from tests.factories import make_org
from tests.helpers import read_outbox

LINK = "https://leda.example/invitation/s3cret-token"


def invite(org_id: int, locale: str, **context: object) -> MailMessage:
    values = {
        "given_name": "Kari",
        "org_name": "Vik kommune",
        "link": LINK,
        "expires_days": 7,
        "inviter_name": "Ola Nordmann",
        **context,
    }
    return queue_mail(
        org_id=org_id,
        to="kari@vik.test",
        locale=locale,
        template="auth/mail/invitation",
        **values,
    )


def parts(email):
    assert email.get_content_type() == "multipart/alternative"
    text, html = email.iter_parts()
    assert (text.get_content_type(), html.get_content_type()) == ("text/plain", "text/html")
    return text.get_content(), html.get_content()


INVITATIONS = {
    "nb": (
        "Invitasjon til Leda fra Vik kommune",
        "Ola Nordmann har invitert deg til Leda, mikrolæring for ledere i Vik kommune.",
        "Lenken virker i 7 dager.",
        "Godta invitasjonen og velg passord",
    ),
    "sv": (
        "Inbjudan till Leda från Vik kommune",
        "Ola Nordmann har bjudit in dig till Leda, mikrolärande för chefer i Vik kommune.",
        "Länken fungerar i 7 dagar.",
        "Tacka ja till inbjudan och välj lösenord",
    ),
    "en": (
        "Invitation to Leda from Vik kommune",
        "Ola Nordmann has invited you to Leda, the microlearning for leaders at Vik kommune.",
        "The link works for 7 days.",
        "Accept the invitation and choose your password",
    ),
}


ACCEPT_HERE = {"nb": "her:", "sv": "här:", "en": "here:"}


@pytest.mark.parametrize("locale", ["nb", "sv", "en"])
def test_an_invitation_arrives_after_commit_in_the_recipients_language(app, outbox, locale):
    subject, line, expiry, link_text = INVITATIONS[locale]
    invite(make_org().id, locale)
    assert read_outbox(outbox) == []  # queued, not sent: the transaction is still open
    db.session.commit()

    [email] = read_outbox(outbox)
    assert email["Subject"] == subject
    assert email["To"] == "kari@vik.test"
    assert email["From"] == "Leda <leda@localhost>"
    assert email["Content-Language"] == locale
    assert email["Auto-Submitted"] == "auto-generated"
    text, html = parts(email)
    assert text.splitlines()[:7] == [
        {"nb": "Hei Kari,", "sv": "Hej Kari,", "en": "Hello Kari,"}[locale],
        "",
        line,
        "",
        f"{link_text} {ACCEPT_HERE[locale]}",
        "",
        LINK,
    ]
    assert expiry in text
    assert f'<html lang="{locale}">' in html
    assert f"<title>{subject}</title>" in html
    assert f"<h1>{subject}</h1>" in html
    assert f"<p>{line}</p>" in html
    assert f'<p class="action"><a href="{LINK}">{link_text}</a></p>' in html
    assert "<img" not in html


def test_the_text_part_ends_with_the_footer_saying_why_and_for_whom(app, outbox):
    invite(make_org().id, "en")
    db.session.commit()
    text, html = parts(read_outbox(outbox)[0])
    assert text.splitlines()[-4:] == [
        "-- ",
        "You received this e-mail because someone at Vik kommune invited you to Leda.",
        "",
        "Sent by Leda on behalf of Vik kommune.",
    ]
    assert (
        "<footer>\n\n<p>You received this e-mail because someone at Vik kommune invited you to"
        " Leda.</p>\n\n<p>Sent by Leda on behalf of Vik kommune.</p>\n</footer>"
    ) in html


def test_a_sent_message_keeps_recipient_and_subject_but_not_the_bodies(app, outbox, clock):
    message_id = invite(make_org().id, "en").id
    db.session.commit()
    db.session.expire_all()
    message = db.session.get(MailMessage, message_id)
    assert (message.to_address, message.subject, message.locale) == (
        "kari@vik.test",
        "Invitation to Leda from Vik kommune",
        "en",
    )
    assert (message.text_body, message.html_body) == (None, None)
    assert (message.attempts, message.next_attempt_at) == (1, None)
    assert message.sent_at == message.created_at == datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
    assert [path.name for path in outbox.iterdir()] == [f"20260302-080000-{message_id:06d}.eml"]
    assert read_outbox(outbox)[0]["Message-ID"] == f"<leda.{message_id}.1772438400@localhost>"


def test_an_invitation_without_an_inviter_says_so_plainly(app, outbox):
    invite(make_org().id, "sv", inviter_name=None)
    db.session.commit()
    text, _ = parts(read_outbox(outbox)[0])
    assert text.splitlines()[2] == (
        "Du har bjudits in till Leda, mikrolärande för chefer i Vik kommune."
    )


def test_a_password_reset_in_swedish_counts_minutes(app, outbox):
    queue_mail(
        org_id=make_org().id,
        to="sven@vik.test",
        locale="sv",
        template="auth/mail/password_reset",
        given_name="Sven",
        org_name="Vik kommun",
        link="https://leda.example/reset/t0ken",
        expires_minutes=1,
    )
    db.session.commit()
    [email] = read_outbox(outbox)
    assert email["Subject"] == "Välj ett nytt lösenord för Leda"
    text, html = parts(email)
    assert text.splitlines()[:8] == [
        "Hej Sven,",
        "",
        "Någon har bett om att återställa lösenordet till ditt Leda-konto i Vik kommun.",
        "Välj ett nytt lösenord här:",
        "",
        "https://leda.example/reset/t0ken",
        "",
        "Länken fungerar i 1 minut. Om du inte har bett om detta kan du bortse från det här"
        " e-postmeddelandet: ditt lösenord förblir som det är.",
    ]
    assert '<a href="https://leda.example/reset/t0ken">Välj ett nytt lösenord för Leda</a>' in html


def test_names_are_escaped_in_html_and_kept_as_written_in_text(app, outbox):
    invite(make_org().id, "en", given_name="<b>Kari</b> & co")
    db.session.commit()
    text, html = parts(read_outbox(outbox)[0])
    assert text.splitlines()[0] == "Hello <b>Kari</b> & co,"
    assert "<p>Hello &lt;b&gt;Kari&lt;/b&gt; &amp; co,</p>" in html


def test_a_rollback_sends_nothing_and_leaves_nothing_to_send_later(app, outbox):
    org_id = make_org().id
    db.session.commit()
    invite(org_id, "nb")
    db.session.rollback()
    db.session.commit()  # a later, empty commit must not send the rolled-back message
    assert read_outbox(outbox) == []
    assert db.session.scalar(select(func.count()).select_from(MailMessage)) == 0


def test_mail_queued_in_a_savepoint_that_rolls_back_is_dropped(app, outbox):
    org_id = make_org().id
    savepoint = db.session.begin_nested()
    invite(org_id, "nb", given_name="Dropped")
    savepoint.rollback()
    kept = db.session.begin_nested()
    invite(org_id, "nb", given_name="Kept")
    kept.commit()
    assert read_outbox(outbox) == []  # released savepoint, outer transaction still open
    db.session.commit()
    [email] = read_outbox(outbox)
    assert parts(email)[0].splitlines()[0] == "Hei Kept,"


def test_a_second_send_mail_sends_nothing_more(app, outbox):
    message_id = invite(make_org().id, "nb").id
    db.session.commit()
    [path] = outbox.iterdir()
    written = path.stat().st_mtime_ns
    assert send_mail.call_local(message_id) is False
    assert send_mail.call_local(message_id) is False
    assert [p.stat().st_mtime_ns for p in outbox.iterdir()] == [written]
    assert db.session.get(MailMessage, message_id).attempts == 1


def test_outbox_files_are_private(app, outbox):
    invite(make_org().id, "nb")
    db.session.commit()
    [path] = outbox.iterdir()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(outbox.stat().st_mode) == 0o700


def test_a_context_missing_a_variable_is_refused_before_anything_is_queued(app, outbox):
    org_id = make_org().id
    with pytest.raises(UndefinedError, match="'link' is undefined"):
        queue_mail(
            org_id=org_id,
            to="kari@vik.test",
            locale="nb",
            template="auth/mail/invitation",
            given_name="Kari",
            org_name="Vik kommune",
            expires_days=7,
            inviter_name=None,
        )
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(MailMessage)) == 0


@pytest.mark.parametrize(
    "address",
    ["kari", "kari@", "@vik.test", "kari@vik", "Kari <kari@vik.test>", "kari@vik.test\nBcc: x@y.z"],
)
def test_an_address_that_cannot_be_mailed_is_refused(app, address):
    with pytest.raises(InvalidAddress) as error:
        queue_mail(org_id=make_org().id, to=address, locale="en", template="auth/mail/invitation")
    assert str(error.value) == "That is not a valid e-mail address."  # en outside a request


def test_an_unknown_locale_is_refused(app):
    with pytest.raises(ValueError, match="locale must be one of nb, sv, en, not 'de'"):
        invite(make_org().id, "de")


@pytest.mark.parametrize(
    ("setting", "value", "problem"),
    [
        (
            "LEDA_SMTP_SECURITY",
            "tls",
            "LEDA_SMTP_SECURITY must be one of starttls, ssl, none, not 'tls'",
        ),
        ("LEDA_SMTP_PORT", "smtp", "LEDA_SMTP_PORT must be a number, not 'smtp'"),
        (
            "LEDA_MAIL_FROM",
            "Leda",
            "LEDA_MAIL_FROM must be an address such as 'Leda <leda@example.org>', not 'Leda'",
        ),
    ],
)
def test_a_mail_setting_that_cannot_work_stops_the_app(database, setting, value, problem):
    with pytest.raises(MailConfigError) as error:
        make_app(database, **{setting: value})
    assert str(error.value) == problem
