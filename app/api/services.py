"""API tokens and the completion report's pages: plain functions that flush, never commit.

A token is 256 random bits (``secrets.token_urlsafe(32)``) behind a ``leda_`` prefix, so secret
scanners and people can tell what a leaked string is; only its SHA-256 is stored (``hash_token``,
as for sessions), so it is shown once, when made, and never again.
"""

import secrets
from datetime import datetime
from typing import Any

from sqlalchemy import select

from app.auth.services import hash_token
from app.db import db, in_org, utcnow
from app.errors import LedaError
from app.i18n import _l
from app.orgs.models import Organisation, User
from app.orgs.services import audit
from app.reporting.completions import CompletionFilters, keyed_completion_rows
from app.reporting.formats import json_record

from .models import ApiToken

TOKEN_PREFIX = "leda_"
MAX_NAME = 100


class TokenProblem(LedaError):
    pass


def create_token(org: Organisation, name: str, actor: User | None) -> tuple[ApiToken, str]:
    """A new token and its secret, which the caller shows once. Names are unique among the
    organisation's tokens in use, so ``revoke`` by name is unambiguous. Raises TokenProblem."""
    name = name.strip()
    if not name or len(name) > MAX_NAME:
        raise TokenProblem(_l("A token's name needs 1 to 100 characters."))
    if active_token_named(org, name) is not None:
        raise TokenProblem(_l("A token in use already has that name."))
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        org_id=org.id,
        name=name,
        token_hash=hash_token(secret),
        created_at=utcnow(),
        created_by_id=actor.id if actor else None,
    )
    db.session.add(token)
    db.session.flush()
    audit(org.id, actor, "api_token_created", None, token_id=token.id, name=token.name)
    return token, secret


def revoke_token(token: ApiToken, actor: User | None) -> None:
    """From now on the token is refused (401). Revoking a revoked token changes nothing."""
    if token.revoked_at is not None:
        return
    token.revoked_at = utcnow()
    audit(token.org_id, actor, "api_token_revoked", None, token_id=token.id, name=token.name)
    db.session.flush()


def tokens_of(org: Organisation) -> list[ApiToken]:
    """Every token of the organisation, revoked ones too, newest first."""
    return list(db.session.scalars(in_org(ApiToken, org.id).order_by(ApiToken.id.desc())))


def active_token_named(org: Organisation, name: str) -> ApiToken | None:
    return db.session.scalar(
        in_org(ApiToken, org.id).where(ApiToken.name == name, ApiToken.revoked_at.is_(None))
    )


def token_by_secret(secret: str) -> ApiToken | None:
    """The token in use whose secret this is; None for an unknown or revoked one."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    return db.session.scalar(
        select(ApiToken).where(
            ApiToken.token_hash == hash_token(secret), ApiToken.revoked_at.is_(None)
        )
    )


def completions_page(
    token: ApiToken,
    changed_since: datetime | None,
    after: tuple[int, int] | None,
    limit: int,
    now: datetime | None = None,
) -> tuple[list[dict[str, Any]], tuple[int, int] | None]:
    """Up to ``limit`` report rows after the key ``after``, as JSON Lines objects, and the key
    of the last one when more follow (None on the last page). Marks the token used and adds
    the audit entry: the token's id, the filters, how many rows."""
    now = now or utcnow()
    filters = CompletionFilters(changed_since=changed_since, after=after, limit=limit + 1)
    rows = list(keyed_completion_rows(token.organisation, filters, now))
    more = len(rows) > limit
    rows = rows[:limit]
    token.last_used_at = now
    audit(
        token.org_id,
        None,
        "api_read",
        None,
        token_id=token.id,
        report="completions",
        rows=len(rows),
        limit=limit,
        filters=CompletionFilters(changed_since=changed_since, after=after).described(),
    )
    db.session.flush()
    return [json_record(row) for _key, row in rows], rows[-1][0] if more else None
