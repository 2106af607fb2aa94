"""Staff users and failed sign-in attempts."""

from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, String
from sqlalchemy.orm import Mapped, mapped_column

from app.events.models import BigId, UTCDateTime, utcnow
from app.extensions import db

ROLES = ("agent", "editor", "manager", "admin")
# What each role may do; admin may do everything.
PERMISSIONS = {
    "agent": {"inbox"},
    "editor": {"editor"},
    "manager": {"dashboard", "reports", "inbox"},
    "admin": {"inbox", "editor", "dashboard", "reports", "users"},
}


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    @property
    def is_active(self) -> bool:  # flask-login refuses inactive users
        return self.active

    def can(self, permission: str) -> bool:
        return permission in PERMISSIONS.get(self.role, set())


class LoginFailure(db.Model):
    """One failed sign-in, by a keyed hash of the email typed (known account or not)."""

    __tablename__ = "login_failures"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    email_hash: Mapped[str] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
