"""Create and manage staff users; check passwords; throttle repeated failures."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime

from sqlalchemy import delete, select
from werkzeug.security import check_password_hash, generate_password_hash

from app.accounts.models import ROLES, StaffSession, User
from app.accounts.throttle import SignInThrottle
from app.events.models import utcnow
from app.extensions import db
from app.tickets.service import EMAIL_PATTERN

MIN_PASSWORD_LENGTH = 12
# Werkzeug's scrypt: a memory-hard KDF, salted, with its parameters stored in the hash.
PASSWORD_METHOD = "scrypt"
_DUMMY_HASH = generate_password_hash("not a real password", method=PASSWORD_METHOD)


class AccountError(ValueError):
    pass


def normalize_email(email: str) -> str:
    return email.strip().lower()


def create_user(email: str, password: str, role: str) -> User:
    email = normalize_email(email)
    if not EMAIL_PATTERN.match(email):
        raise AccountError(f"{email!r} is not an email address")
    if role not in ROLES:
        raise AccountError(f"role must be one of {', '.join(ROLES)}")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"the password needs at least {MIN_PASSWORD_LENGTH} characters")
    if db.session.scalar(select(User).where(User.email == email)):
        raise AccountError(f"a user {email} already exists")
    user = User(email=email, role=role, active=True,
                password_hash=generate_password_hash(password, method=PASSWORD_METHOD))
    db.session.add(user)
    db.session.commit()
    return user


def find_user(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalize_email(email)))


def set_role(email: str, role: str) -> User:
    if role not in ROLES:
        raise AccountError(f"role must be one of {', '.join(ROLES)}")
    user = _existing(email)
    user.role = role
    db.session.commit()
    return user


def set_active(email: str, active: bool) -> User:
    user = _existing(email)
    user.active = active
    db.session.commit()
    return user


def _existing(email: str) -> User:
    user = find_user(email)
    if user is None:
        raise AccountError(f"no user {normalize_email(email)}")
    return user


def _keyed(value: str, secret: bytes) -> str:
    return hmac.new(secret, value.encode(), hashlib.sha256).hexdigest()


def authenticate(email: str, password: str, secret: bytes, *, throttle: SignInThrottle,
                 address: str | None, device_user_id: int | None = None,
                 device: str | None = None, now: datetime | None = None) -> User | None:
    """The active user with this email and password, or None; raises TooManyAttempts.

    ``device`` identifies a browser that signed in before as the user ``device_user_id``;
    it counts only for that user's account (see app/accounts/throttle.py)."""
    now = now or utcnow()
    user = find_user(email)
    email_key = _keyed("email:" + normalize_email(email), secret)
    address_key = _keyed("address:" + (address or ""), secret)
    known = device if user is not None and device_user_id == user.id else None
    throttle.check(email_key, address_key, known)
    # Check a hash even for unknown emails, so the answer takes as long either way.
    valid = check_password_hash(user.password_hash if user else _DUMMY_HASH, password)
    if user is None or not valid or not user.active:
        throttle.failed(email_key, address_key, known)
        return None
    throttle.succeeded(email_key, address_key, known)
    user.last_login_at = now
    db.session.commit()
    return user


def start_session(user: User, now: datetime | None = None) -> str:
    """Record a sign-in; its token goes into the session cookie (through ``User.get_id``)."""
    token = secrets.token_urlsafe(24)
    db.session.add(StaffSession(token_hash=hashlib.sha256(token.encode()).hexdigest(),
                                user_id=user.id, created_at=now or utcnow()))
    db.session.commit()
    user.session_token = token
    return token


def session_user(cookie_id: str) -> User | None:
    """The user of a live sign-in named by the session cookie, or None (signed out, unknown,
    or a cookie from before sign-ins were recorded)."""
    user_id, _, token = cookie_id.partition(":")
    if not user_id.isdigit() or not token:
        return None
    row = db.session.get(StaffSession, hashlib.sha256(token.encode()).hexdigest())
    if row is None or row.user_id != int(user_id):
        return None
    user = db.session.get(User, row.user_id)
    if user is not None:
        user.session_token = token
    return user


def end_session(user: User) -> None:
    """Sign-out: the sign-in is deleted, so every copy of its cookie stops working."""
    if user.session_token:
        db.session.execute(delete(StaffSession).where(
            StaffSession.token_hash == hashlib.sha256(user.session_token.encode()).hexdigest()))
        db.session.commit()
