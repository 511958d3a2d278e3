"""The SMTP transport against a real SMTP server on loopback (aiosmtpd): STARTTLS with a
verified certificate, then AUTH, then one multipart message."""

import ssl
import subprocess
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from app.db import db
from app.mail.models import MailMessage
from app.mail.services import queue_mail
from tests.conftest import make_app
from tests.factories import make_org
from tests.helpers import free_port, running


class Inbox:
    """What the server accepted: envelopes and the logins it saw."""

    def __init__(self) -> None:
        self.envelopes: list[tuple[str, list[str], EmailMessage]] = []
        self.logins: list[tuple[str, str]] = []

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 (aiosmtpd's name)
        email = message_from_bytes(envelope.content, _class=EmailMessage, policy=policy.default)
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos), email))
        return "250 Message accepted"

    def authenticate(self, server, session, envelope, mechanism, auth_data) -> AuthResult:
        login = (auth_data.login.decode(), auth_data.password.decode())
        self.logins.append(login)
        # handled=False: the server, not this hook, answers (235 or 535)
        return AuthResult(success=login == ("leda", "smtp-secret"), handled=False)


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1, which the client is told to trust."""
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
        + ["-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"]
        + ["-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )
    return cert, key


@pytest.fixture
def smtp_server(certificate, monkeypatch) -> Iterator[tuple[Inbox, int]]:
    cert, key = certificate
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # what ssl.create_default_context() trusts
    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls.load_cert_chain(cert, key)
    inbox = Inbox()
    controller = Controller(
        inbox,
        hostname="127.0.0.1",
        port=free_port(),
        tls_context=tls,
        require_starttls=True,
        authenticator=inbox.authenticate,
        auth_required=True,
    )
    controller.start()
    try:
        yield inbox, controller.port
    finally:
        controller.stop()


def test_a_message_goes_out_over_smtp_with_starttls_and_login(database, smtp_server, outbox):
    inbox, port = smtp_server
    application = make_app(
        database,
        LEDA_MAIL_OUTBOX=str(outbox),
        LEDA_SMTP_HOST="127.0.0.1",
        LEDA_SMTP_PORT=str(port),
        LEDA_SMTP_USER="leda",
        LEDA_SMTP_PASSWORD="smtp-secret",
        LEDA_MAIL_FROM="Leda i Vik <leda@vik.test>",
    )
    with running(application):
        message = queue_mail(
            org_id=make_org().id,
            to="kari@vik.test",
            locale="en",
            template="auth/mail/password_reset",
            given_name="Kari",
            org_name="Vik kommune",
            link="https://leda.example/reset/t0ken",
            expires_minutes=30,
        )
        db.session.commit()
        db.session.expire_all()
        assert db.session.get(MailMessage, message.id).sent_at is not None

    assert inbox.logins == [("leda", "smtp-secret")]
    [(mail_from, recipients, email)] = inbox.envelopes
    assert (mail_from, recipients) == ("leda@vik.test", ["kari@vik.test"])
    assert email["Subject"] == "Choose a new password for Leda"
    assert email["From"] == "Leda i Vik <leda@vik.test>"
    assert email["Message-ID"].endswith("@vik.test>")
    text = email.get_body(("plain",)).get_content()
    assert text.splitlines()[5] == "https://leda.example/reset/t0ken"
    html = email.get_body(("html",)).get_content()
    assert '<a href="https://leda.example/reset/t0ken">Choose a new password for Leda</a>' in html
    assert not outbox.exists()  # SMTP configured: no .eml files


def test_a_refused_login_leaves_the_message_unsent_for_a_retry(database, smtp_server, outbox):
    inbox, port = smtp_server
    application = make_app(
        database,
        LEDA_SMTP_HOST="127.0.0.1",
        LEDA_SMTP_PORT=str(port),
        LEDA_SMTP_USER="leda",
        LEDA_SMTP_PASSWORD="wrong",
    )
    with running(application):
        message = queue_mail(
            org_id=make_org().id,
            to="kari@vik.test",
            locale="nb",
            template="auth/mail/password_reset",
            given_name="Kari",
            org_name="Vik kommune",
            link="https://leda.example/reset/t0ken",
            expires_minutes=30,
        )
        db.session.commit()
        db.session.expire_all()
        stored = db.session.get(MailMessage, message.id)
        assert (stored.sent_at, stored.attempts) == (None, 1)
        assert stored.text_body is not None  # kept for the retry
    assert inbox.logins == [("leda", "wrong")] * 2  # smtplib tries PLAIN, then LOGIN
    assert inbox.envelopes == []
