"""Staff users and their signed-in sessions."""

from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.events.models import BigId, UTCDateTime, utcnow
from app.extensions import db

ROLES = ("agent", "editor", "manager", "admin")
# What each role may do; admin may do everything.
PERMISSIONS = {
    "agent": {"inbox"},
    "editor": {"editor"},
    "manager": {"dashboard", "reports", "inbox", "approve"},  # approve: publish a reviewed draft
    "admin": {"inbox", "editor", "dashboard", "reports", "users", "approve", "tokens"},
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
    # The sign-in this request belongs to (set by the user loader, not stored on the row).
    session_token = None

    def get_id(self) -> str:
        """What the session cookie holds: the user and the sign-in, so that signing out (which
        deletes the sign-in) ends every copy of that cookie."""
        return f"{self.id}:{self.session_token}"

    @property
    def is_active(self) -> bool:  # flask-login refuses inactive users
        return self.active

    def can(self, permission: str) -> bool:
        return permission in PERMISSIONS.get(self.role, set())


class StaffSession(db.Model):
    """One sign-in, by a hash of its token; deleted by signing out."""

    __tablename__ = "staff_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(BigId, ForeignKey("users.id", ondelete="CASCADE"),
                                         index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
