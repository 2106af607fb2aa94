"""Staff sign-in and sign-out."""

from __future__ import annotations

import secrets
from urllib.parse import urlsplit

from flask import current_app, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user
from itsdangerous import BadSignature, URLSafeSerializer

from app.accounts.service import authenticate, end_session, start_session
from app.accounts.throttle import TooManyAttempts
from app.auth import auth
from app.ratelimit import signin_throttle
from app.text import Text

FAILED = Text("That email and password don't match an active account.")
# A browser that signed in before keeps this signed cookie: attempts elsewhere never slow it.
DEVICE_COOKIE = "hc_staff_device"
DEVICE_COOKIE_DAYS = 180


def _devices() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="staff-device")


def _known_device() -> tuple[int | None, str | None]:
    """(user id, device id) from this browser's cookie, or (None, None)."""
    try:
        user_id, device = _devices().loads(request.cookies.get(DEVICE_COOKIE, ""))
        return int(user_id), str(device)
    except (BadSignature, ValueError, TypeError):
        return None, None


# Where a person lands after signing in without a page to return to: their main staff page.
HOME_PAGES = (("dashboard", "dashboard.index"), ("editor", "editor.index"),
              ("inbox", "inbox.index"))


def _safe_next(target: str | None, user) -> str:
    """Only paths on this site: an open redirect would help phishing."""
    # Browsers read "/\evil.example" as "//evil.example": backslashes and control characters
    # are refused along with anything that names a host.
    if target and target.startswith("/") and not target.startswith("//") \
            and "\\" not in target and target.isprintable() and not urlsplit(target).netloc:
        return target
    return next((url_for(endpoint) for permission, endpoint in HOME_PAGES
                 if user.can(permission)), url_for("site.home"))


@auth.route("/login", methods=["GET", "POST"])
def login():
    if request.method == "GET":
        return render_template("auth/login.html", error=None, email="",
                               next=request.args.get("next", ""))
    email = request.form.get("email", "")
    device_user_id, device = _known_device()
    try:
        user = authenticate(email, request.form.get("password", ""),
                            current_app.config["SECRET_KEY"].encode(),
                            throttle=signin_throttle(), address=request.remote_addr,
                            device_user_id=device_user_id, device=device)
    except TooManyAttempts as wait:
        minutes = max(1, -(-wait.seconds // 60))
        return render_template("auth/login.html", email=email, next=request.form.get("next"),
                               error=Text("Too many failed attempts from here. Please wait "
                                          "%(minutes)s minutes and try again.", minutes=minutes)
                               ), 429, {"Retry-After": str(wait.seconds)}
    if user is None:
        return render_template("auth/login.html", error=FAILED, email=email,
                               next=request.form.get("next")), 401
    start_session(user)
    login_user(user)
    response = redirect(_safe_next(request.form.get("next"), user))
    if device_user_id != user.id:
        response.set_cookie(DEVICE_COOKIE, _devices().dumps([user.id, secrets.token_urlsafe(16)]),
                            max_age=DEVICE_COOKIE_DAYS * 86400, httponly=True, samesite="Lax",
                            secure=current_app.config["SESSION_COOKIE_SECURE"])
    return response


@auth.post("/logout")
def logout():
    if current_user.is_authenticated:
        end_session(current_user)
        logout_user()
    return redirect(url_for("site.home"))
