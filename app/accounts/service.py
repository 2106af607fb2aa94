"""Create and manage staff users; check passwords; throttle repeated failures."""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from werkzeug.security import check_password_hash, generate_password_hash

from app.accounts.models import ROLES, LoginFailure, User
from app.events.models import utcnow
from app.extensions import db
from app.tickets.service import EMAIL_PATTERN

MIN_PASSWORD_LENGTH = 12
MAX_FAILURES = 5
FAILURE_WINDOW = timedelta(minutes=15)
# Werkzeug's scrypt: a memory-hard KDF, salted, with its parameters stored in the hash.
PASSWORD_METHOD = "scrypt"
_DUMMY_HASH = generate_password_hash("not a real password", method=PASSWORD_METHOD)


class AccountError(ValueError):
    pass


class TooManyAttempts(RuntimeError):
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


def _email_key(email: str, secret: bytes) -> str:
    return hmac.new(secret, normalize_email(email).encode(), hashlib.sha256).hexdigest()


def authenticate(email: str, password: str, secret: bytes, now: datetime | None = None
                 ) -> User | None:
    """The active user with this email and password, or None; raises TooManyAttempts."""
    now = now or utcnow()
    key = _email_key(email, secret)
    recent = db.session.scalar(select(func.count(LoginFailure.id)).where(
        LoginFailure.email_hash == key, LoginFailure.created_at >= now - FAILURE_WINDOW))
    if recent >= MAX_FAILURES:
        raise TooManyAttempts
    user = find_user(email)
    # Check a hash even for unknown emails, so the answer takes as long either way.
    valid = check_password_hash(user.password_hash if user else _DUMMY_HASH, password)
    if user is None or not valid or not user.active:
        db.session.add(LoginFailure(email_hash=key, created_at=now))
        db.session.commit()
        return None
    db.session.execute(delete(LoginFailure).where(LoginFailure.email_hash == key))
    user.last_login_at = now
    db.session.commit()
    return user
