"""Response headers that keep browsers strict: no inline script, no framing, no sniffing."""

from __future__ import annotations

from flask import Flask, Response, request

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


# Pages with private data: never kept by a browser or a shared cache (the back button after
# signing out on a shared computer, a proxy between office and site).
PRIVATE_BLUEPRINTS = {"editor", "dashboard", "inbox", "auth", "tokens"}
PRIVATE_ENDPOINTS = {"site.ticket_status"}
HSTS = "max-age=31536000; includeSubDomains"


def is_private_page() -> bool:
    return (request.blueprint in PRIVATE_BLUEPRINTS or request.endpoint in PRIVATE_ENDPOINTS)


def init_app(app: Flask) -> None:
    production = app.config["KB_ENV"] == "production"

    @app.after_request
    def set_security_headers(response: Response) -> Response:
        if is_private_page():
            response.headers["Cache-Control"] = "no-store"
        if production:  # only ever served over HTTPS there
            response.headers.setdefault("Strict-Transport-Security", HSTS)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response
