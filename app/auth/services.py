"""Passwords, sessions and one-time links: plain functions that flush, never commit.

Passwords are argon2id at argon2-cffi's defaults (RFC 9106's second recommended profile:
t=3, 64 MiB, p=4), above OWASP's minimum. Tokens in cookies and links are 256-bit random
strings; only their SHA-256 is stored, so a copy of the database opens no account.
"""

import functools
import hashlib
import logging
import secrets
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import gettext as _
from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import joinedload
from zxcvbn.frequency_lists import FREQUENCY_LISTS

from app.db import db, utcnow
from app.errors import LedaError
from app.i18n import _l
from app.orgs.models import Organisation, User

from .models import AccountToken, TokenPurpose, UserSession

log = logging.getLogger(__name__)
hasher = PasswordHasher()


@functools.cache
def _no_user_hash() -> str:
    """Verified when no user matches, so a wrong email takes as long as a wrong password. Made
    on first use: a hash costs 64 MiB of memory for a moment, which a process that never signs
    anyone in (the worker, a report) should not pay."""
    return hasher.hash(secrets.token_urlsafe(16))


MIN_PASSWORD_LENGTH = 12
# The 30,000 most common passwords of the zxcvbn project's leaked-password corpus.
COMMON_PASSWORDS = frozenset(FREQUENCY_LISTS["passwords"])
TOKEN_LIFETIMES = {
    TokenPurpose.INVITATION: timedelta(days=7),
    TokenPurpose.PASSWORD_RESET: timedelta(hours=1),
}


class WeakPassword(LedaError):
    pass


class LinkInvalid(LedaError):
    message = _l(
        "This link does not work: it has been used, has expired or was never issued. "
        "Ask for a new one."
    )
    status = 410


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def hash_password(password: str) -> str:
    return hasher.hash(password)


def check_password_policy(password: str, user: User | None = None) -> None:
    """Raise WeakPassword naming the rule: long enough, not common, not the person's own email."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise WeakPassword(_("Use at least %(count)s characters.", count=MIN_PASSWORD_LENGTH))
    lowered = password.lower()
    if lowered in COMMON_PASSWORDS or len(set(lowered)) < 4:
        raise WeakPassword(_l("This password is too common. Choose one that is harder to guess."))
    if user is not None and user.email and lowered == user.email:
        raise WeakPassword(_l("Do not use your email address as your password."))


def authenticate(email: str, password: str) -> User | None:
    """The active user with this email and password, or None; never says which was wrong."""
    from app.orgs.services import user_by_email

    user = user_by_email(email)
    if user is None or user.password_hash is None or not user.is_active:
        _verify(_no_user_hash(), password)
        log.info("login failed for user %s", user.id if user else "(no such account)")
        return None
    if not _verify(user.password_hash, password):
        log.info("login failed for user %s", user.id)
        return None
    if hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def _verify(stored: str, password: str) -> bool:
    try:
        return hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def set_password(user: User, password: str) -> None:
    """Check the policy, store the new hash, end every session and every other open link."""
    check_password_policy(password, user)
    user.password_hash = hash_password(password)
    end_sessions(user)
    revoke_links(user)


def revoke_links(user: User) -> None:
    """Every unused invitation or reset link of ``user`` stops working."""
    db.session.execute(
        update(AccountToken)
        .where(AccountToken.user_id == user.id, AccountToken.used_at.is_(None))
        .values(used_at=utcnow())
    )


# --- sessions ----------------------------------------------------------------------------


def start_session(user: User) -> str:
    """A new server-side session; returns the token the cookie carries."""
    token = secrets.token_urlsafe(32)
    db.session.add(UserSession(user_id=user.id, token_hash=hash_token(token), created_at=utcnow()))
    db.session.flush()
    return token


def user_for_session(token: str, user_id: int, absolute_lifetime: timedelta) -> User | None:
    """The user a session token belongs to, if the session is live and the user active.

    One query: the session, the person, their organisation and their roles.
    """
    values = {"token": hash_token(token), "user": user_id, "since": utcnow() - absolute_lifetime}
    user = db.session.scalars(_SESSION_USER, values).unique().one_or_none()
    return user if user is not None and user.is_active else None


# Built once: every request asks it (Flask-Login's user loader).
_SESSION_USER = (
    select(User)
    .join(UserSession, UserSession.user_id == User.id)
    .where(
        UserSession.token_hash == bindparam("token"),
        UserSession.user_id == bindparam("user"),
        UserSession.ended_at.is_(None),
        UserSession.created_at > bindparam("since"),
    )
    .options(joinedload(User.role_rows))
)


def end_session(token: str) -> None:
    db.session.execute(
        update(UserSession)
        .where(UserSession.token_hash == hash_token(token), UserSession.ended_at.is_(None))
        .values(ended_at=utcnow())
    )


def end_sessions(user: User) -> None:
    """End every live session of ``user`` (deactivation, erasure, a new password)."""
    db.session.execute(
        update(UserSession)
        .where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
        .values(ended_at=utcnow())
    )


# --- one-time links ----------------------------------------------------------------------


def issue_token(user: User, purpose: TokenPurpose) -> str:
    """A new link token; earlier unused ones of the same purpose stop working."""
    now = utcnow()
    db.session.execute(
        update(AccountToken)
        .where(
            AccountToken.user_id == user.id,
            AccountToken.purpose == purpose,
            AccountToken.used_at.is_(None),
        )
        .values(used_at=now)
    )
    token = secrets.token_urlsafe(32)
    db.session.add(
        AccountToken(
            user_id=user.id,
            purpose=purpose,
            token_hash=hash_token(token),
            created_at=now,
            expires_at=now + TOKEN_LIFETIMES[purpose],
        )
    )
    db.session.flush()
    return token


def valid_token(token: str) -> AccountToken:
    """The unused, unexpired token; raises LinkInvalid for anything else, forged ones included."""
    row = db.session.scalar(
        select(AccountToken).where(AccountToken.token_hash == hash_token(token[:200]))
    )
    if (
        row is None
        or row.used_at is not None
        or row.expires_at <= utcnow()
        or not row.user.is_active
    ):
        raise LinkInvalid()
    return row


def use_token(token: str, password: str) -> User:
    """Set the password through a link, once. Raises LinkInvalid or WeakPassword."""
    row = valid_token(token)
    claimed = db.session.execute(
        update(AccountToken)
        .where(AccountToken.id == row.id, AccountToken.used_at.is_(None))
        .values(used_at=utcnow())
    )
    if claimed.rowcount != 1:  # another request used it first
        raise LinkInvalid()
    set_password(row.user, password)
    return row.user


def invite(user: User) -> str:
    """A fresh invitation link for ``user`` (earlier ones stop working)."""
    from app.web import external_url

    return external_url("auth.set_password", token=issue_token(user, TokenPurpose.INVITATION))


def send_invitation(user: User, inviter: User | None) -> None:
    """Queue an invitation mail with a fresh link, in the invitee's language."""
    from app.mail.services import queue_mail
    from app.orgs.services import audit

    queue_mail(
        org_id=user.org_id,
        to=user.email,
        locale=user.preferred_locale,
        template="auth/mail/invitation",
        given_name=user.given_name,
        org_name=user.organisation.name,
        link=invite(user),
        expires_days=TOKEN_LIFETIMES[TokenPurpose.INVITATION].days,
        inviter_name=inviter.name if inviter else None,
    )
    audit(user.org_id, inviter, "invitation_sent", user)


def invite_pending(org: Organisation, inviter: User | None) -> int:
    """Invite everyone active in ``org`` who has no password yet; returns how many."""
    people = db.session.scalars(
        select(User).where(
            User.org_id == org.id,
            User.password_hash.is_(None),
            User.deactivated_at.is_(None),
            User.erased_at.is_(None),
        )
    ).all()
    for user in people:
        send_invitation(user, inviter)
    return len(people)


def send_password_reset(email: str) -> None:
    """Queue a reset link if an active account has this email; silently nothing otherwise,
    so the page answers the same either way and tells nobody who has an account."""
    from app.mail.services import queue_mail
    from app.orgs.services import user_by_email
    from app.web import external_url

    user = user_by_email(email)
    if user is None or not user.is_active:
        log.info("password reset asked for an unknown or inactive account")
        return
    token = issue_token(user, TokenPurpose.PASSWORD_RESET)
    queue_mail(
        org_id=user.org_id,
        to=user.email,
        locale=user.preferred_locale,
        template="auth/mail/password_reset",
        given_name=user.given_name,
        org_name=user.organisation.name,
        link=external_url("auth.set_password", token=token),
        expires_minutes=int(TOKEN_LIFETIMES[TokenPurpose.PASSWORD_RESET].total_seconds() // 60),
    )
    log.info("password reset sent to user %s", user.id)
