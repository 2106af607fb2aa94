"""Pages on other sites and the public API: one allow-list, ``KB_ALLOWED_ORIGINS``.

- A preflight (``OPTIONS``) from a listed origin is answered with that origin, never ``*``,
  and ``Vary: Origin``; any other origin gets 403 and no grant, so its browser blocks the call.
- A write to ``/api/`` that names an ``Origin`` which is neither this site nor listed is
  refused with 403 naming the origin, before anything is read or stored. Browsers always send
  ``Origin`` on cross-site writes and a page cannot forge it, so a page that is not allowed
  cannot make a reader's browser vote or file a ticket, whatever content type it tries.
- Responses to listed origins carry ``Access-Control-Allow-Origin``; no credentials are
  granted (a cookie is never sent cross-site: SameSite=Lax).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, Response, current_app, request

from app.errors import error_response
from app.text import Text

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
ALLOWED_METHODS = "GET, POST"
ALLOWED_HEADERS = "Content-Type, Idempotency-Key, X-Help-Session"
PREFLIGHT_CACHE_SECONDS = 600


def parse_origins(value: str) -> list[str]:
    """``https://shop.example, http://127.0.0.1:8080`` -> normalised origins; ValueError for
    anything that is not scheme://host[:port]."""
    origins = []
    for part in (p.strip() for p in value.split(",")):
        if not part:
            continue
        parsed = urlsplit(part)
        if parsed.scheme not in {"http", "https"} or not parsed.netloc or parsed.path not in {
                "", "/"} or parsed.query or parsed.fragment or "@" in parsed.netloc:
            raise ValueError(part)
        origins.append(f"{parsed.scheme}://{parsed.netloc.lower()}")
    return origins


def own_origin() -> str:
    public = current_app.config.get("KB_PUBLIC_URL")
    if public:
        parsed = urlsplit(public)
        return f"{parsed.scheme}://{parsed.netloc.lower()}"
    return request.host_url.rstrip("/").lower()


def _listed(origin: str | None) -> bool:
    return bool(origin) and origin.lower() in current_app.config["KB_ALLOWED_ORIGINS"]


def is_allowed_origin(origin: str | None) -> bool:
    """This site itself or a listed origin (a request without ``Origin`` is neither)."""
    return bool(origin) and (origin.lower() == own_origin() or _listed(origin))


def check_origin() -> Response | tuple | None:
    if not request.path.startswith("/api/"):
        return None
    origin = request.headers.get("Origin")
    if request.method == "OPTIONS":
        if not _listed(origin):
            return error_response(403, Text("Origin %(origin)s may not use this API from a "
                                            "browser: it is not in KB_ALLOWED_ORIGINS.",
                                            origin=origin or "(none)"),
                                  fields={"Origin": Text("not allowed")})
        response = current_app.make_default_options_response()
        response.status_code = 204
        response.headers["Access-Control-Allow-Methods"] = ALLOWED_METHODS
        response.headers["Access-Control-Allow-Headers"] = ALLOWED_HEADERS
        response.headers["Access-Control-Max-Age"] = str(PREFLIGHT_CACHE_SECONDS)
        return response
    if request.method in WRITE_METHODS and origin and origin.lower() != own_origin() \
            and not _listed(origin):
        return error_response(403, Text("Origin %(origin)s may not write here: it is not in "
                                        "KB_ALLOWED_ORIGINS.", origin=origin),
                              fields={"Origin": Text("not allowed")})
    return None


def grant(response: Response) -> Response:
    if request.path.startswith("/api/"):
        response.vary.add("Origin")
        origin = request.headers.get("Origin")
        if _listed(origin):
            response.headers["Access-Control-Allow-Origin"] = origin
            response.headers["Access-Control-Expose-Headers"] = "Retry-After, Idempotent-Replayed"
    return response


def init_app(app: Flask) -> None:
    app.before_request_funcs.setdefault(None, []).insert(0, check_origin)  # before any work
    app.after_request(grant)
