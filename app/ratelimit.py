"""Shared rate limits (Flask-Limiter): one store for every worker and node.

``KB_RATELIMIT_STORAGE_URL`` chooses the store: ``memory://`` (one process; the default for a
single worker) or ``redis://host:6379/0`` (shared by all workers and nodes). When the store
does not answer, limits fall back to each process's memory (they keep working, per process)
and the site stays up: a Redis outage must not take the help center down.

Clients are told apart by their address, as the WSGI server or ``KB_TRUSTED_PROXIES``
trusted proxy hops report it, hashed with the secret key before it reaches the store.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from functools import partial

from flask import Flask, Response, current_app, request
from flask_limiter import Limiter
from werkzeug.middleware.proxy_fix import ProxyFix

from app.accounts.throttle import SignInThrottle
from app.text import Text


def _keyed(kind: bytes, value: str) -> str:
    """``value`` keyed with the secret, so the rate-limit store never holds it."""
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, kind + b":" + value.encode(), hashlib.sha256).hexdigest()[:32]


def client_key() -> str:
    return _keyed(b"client", request.remote_addr or "")


def token_key() -> str:
    """Integration calls count per API token (the whole Authorization header); a call without
    one counts per client address."""
    offered = request.headers.get("Authorization", "")
    return "token:" + _keyed(b"token", offered) if offered else client_key()


def client_and_article_key() -> str:
    return f"{client_key()}:{(request.view_args or {}).get('slug', '')}"


# endpoint -> the configured limits (KB_RATELIMIT_<NAME>) that apply and what they count by.
# Limits with the same name are shared: a vote through the API or the page form is one vote.
VOTE_LIMITS = (("votes_per_article", client_and_article_key), ("votes", client_key))
ROUTE_LIMITS = {
    "api.vote": ("POST", VOTE_LIMITS),
    "site.feedback": ("POST", VOTE_LIMITS),
    "api.create_ticket": ("POST", (("tickets", client_key),)),
    "site.submit_contact": ("POST", (("tickets", client_key),)),
    "site.answer_ticket": ("POST", (("tickets", client_key),)),  # answers on the status page
    "api.search": ("GET", (("search", client_key),)),
    "api.suggest": ("GET", (("search", client_key),)),  # one budget for typing and searching
    "api.context_articles": ("GET", (("search", client_key),)),
    "api.widget_session": ("POST", (("widget_sessions", client_key),)),
    "auth.login": ("POST", (("signin", client_key),)),
    **{f"integration.{view}": (method, (("integration", token_key),)) for view, method in (
        ("article_figures", "GET"), ("gaps", "GET"), ("funnels", "GET"),
        ("article_source", "GET"), ("put_article", "PUT"), ("unpublish_article", "POST"))},
}


def init_app(app: Flask) -> None:
    """One limiter per app (its own store), with the limits above on their views."""
    hops = app.config["KB_TRUSTED_PROXIES"]
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    limiter = Limiter(client_key, app=app, storage_uri=app.config["KB_RATELIMIT_STORAGE_URL"],
                      key_prefix="helpcenter", headers_enabled=False, swallow_errors=True,
                      in_memory_fallback_enabled=True, strategy="moving-window",
                      enabled=app.config["KB_RATELIMIT_ENABLED"])
    for endpoint, (method, rules) in ROUTE_LIMITS.items():
        view = app.view_functions[endpoint]
        for name, key in rules:
            view = limiter.shared_limit(partial(limit_value, name), scope=name, key_func=key,
                                        methods=[method],
                                        error_message=partial(breach_message, name))(view)
        app.view_functions[endpoint] = view  # the limits are checked when the view is called

    @app.after_request
    def say_when_to_retry(response: Response) -> Response:
        """Retry-After on refusals only (the library would put it on every answer)."""
        breached = limiter.current_limit
        if response.status_code == 429 and breached and "Retry-After" not in response.headers:
            response.headers["Retry-After"] = str(max(1, int(breached.reset_at - time.time())))
        return response
    app.extensions["signin_throttle"] = SignInThrottle(limiter.limiter if limiter.enabled else None)


def limit_value(name: str) -> str:
    """A configured limit (``KB_RATELIMIT_<NAME>``), read when a request is checked."""
    return current_app.config[f"KB_RATELIMIT_{name.upper()}"]


def breach_message(name: str) -> str:
    if name.startswith("votes"):
        return Text("Too many votes from your network just now. Please try again later.")
    if name == "signin":
        return Text("Too many sign-in attempts from your network. Please wait a minute.")
    if name == "integration":
        return Text("Too many calls with this API token just now. Please wait a little and "
                    "try again.")
    return Text("Too many requests from your network just now. Please wait a little and try "
                "again.")


def signin_throttle() -> SignInThrottle:
    return current_app.extensions["signin_throttle"]
