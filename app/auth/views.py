"""Staff sign-in and sign-out."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user

from app.accounts.service import FAILURE_WINDOW, TooManyAttempts, authenticate
from app.text import Text

auth = Blueprint("auth", __name__)
FAILED = Text("That email and password don't match an active account.")


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
    try:
        user = authenticate(email, request.form.get("password", ""),
                            current_app.config["SECRET_KEY"].encode())
    except TooManyAttempts:
        return render_template("auth/login.html", email=email, next=request.form.get("next"),
                               error=Text("Too many failed attempts. Please wait %(minutes)s "
                                          "minutes and try again.",
                                          minutes=int(FAILURE_WINDOW.total_seconds() // 60))
                               ), 429
    if user is None:
        return render_template("auth/login.html", error=FAILED, email=email,
                               next=request.form.get("next")), 401
    login_user(user)
    return redirect(_safe_next(request.form.get("next"), user))


@auth.post("/logout")
def logout():
    if current_user.is_authenticated:
        logout_user()
    return redirect(url_for("site.home"))
