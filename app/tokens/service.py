"""API tokens: create (the secret shown once), list, revoke, and check a presented secret.

Secrets are 32 random bytes (256 bits) from ``secrets``; the table keeps only their SHA-256.
A slow password hash (scrypt) is for secrets people choose and could be guessed; a random
256-bit secret cannot be, so one fast hash is enough to make a copy of the table useless, and
each request is checked in microseconds by one indexed lookup.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from app.events.models import utcnow
from app.extensions import db
from app.text import Text, TextError
from app.tokens.models import ApiToken

SCOPES = {
    "metrics:read": Text("Read the dashboard's figures: per article, content gaps, funnels"),
    "content:write": Text("Create, update and unpublish articles, as an editor would"),
}
SECRET_PREFIX = "hc_"
NAME_PATTERN = re.compile(r"^[\w .@-]{1,100}$")
# Last use is written at most this often per token: a busy integration does not turn every
# read into a write.
TOUCH_EVERY = timedelta(minutes=1)


class TokenError(TextError):
    """A token that cannot be made or used as asked; the message says why."""


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    secret: str  # shown once


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_token(name: str, scopes: list[str], expires_days: int | None = None,
                 now: datetime | None = None) -> NewToken:
    """Store a new token; the returned secret is never stored and cannot be shown again."""
    now = now or utcnow()
    name = name.strip()
    if not NAME_PATTERN.match(name):
        raise TokenError(Text("A name of 1 to 100 letters, digits, spaces, dots, @ or -."))
    if db.session.scalar(select(ApiToken).where(ApiToken.name == name)):
        raise TokenError(Text("A token named '%(name)s' already exists.", name=name))
    unknown = sorted(set(scopes) - set(SCOPES))
    if not scopes or unknown:
        raise TokenError(Text("Choose scopes among %(scopes)s.", scopes=", ".join(SCOPES)))
    if expires_days is not None and not 1 <= expires_days <= 3650:
        raise TokenError(Text("Expiry must be 1 to 3650 days."))
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(name=name, secret_hash=hash_secret(secret), prefix=secret[:10],
                     scopes=sorted(set(scopes)), created_at=now,
                     expires_at=now + timedelta(days=expires_days) if expires_days else None)
    db.session.add(token)
    db.session.commit()
    return NewToken(token, secret)


def all_tokens() -> list[ApiToken]:
    return list(db.session.scalars(select(ApiToken).order_by(ApiToken.created_at.desc(),
                                                              ApiToken.id.desc())))


def revoke_token(name: str, now: datetime | None = None) -> ApiToken:
    token = db.session.scalar(select(ApiToken).where(ApiToken.name == name))
    if token is None:
        raise TokenError(Text("No token named '%(name)s'.", name=name))
    if token.revoked_at is None:
        token.revoked_at = now or utcnow()
        db.session.commit()
    return token


def state(token: ApiToken, now: datetime | None = None) -> str:
    """``active``, ``expired`` or ``revoked``."""
    now = now or utcnow()
    if token.revoked_at is not None:
        return "revoked"
    if token.expires_at is not None and token.expires_at <= now:
        return "expired"
    return "active"


def authenticate(secret: str, now: datetime | None = None) -> ApiToken | None:
    """The active token with this secret, its last use noted (at most once a minute), or
    None for an unknown, expired or revoked one."""
    now = now or utcnow()
    token = db.session.scalar(select(ApiToken).where(
        ApiToken.secret_hash == hash_secret(secret)))
    if token is None or state(token, now) != "active":
        return None
    if token.last_used_at is None or now - token.last_used_at >= TOUCH_EVERY:
        token.last_used_at = now
        db.session.commit()
    return token
