"""Errors answer JSON under /api/ and a friendly page elsewhere; never a traceback."""

from __future__ import annotations

import logging

from flask import Flask, jsonify, make_response, render_template, request
from sqlalchemy.exc import DBAPIError
from werkzeug.exceptions import HTTPException, InternalServerError

from app.extensions import db
from app.search import IndexUnavailable
from app.text import Text

log = logging.getLogger(__name__)


def wants_json() -> bool:
    """API paths, and script calls that ask for JSON (the editor's upload and preview)."""
    return (request.path.startswith("/api/") or request.path == "/healthz"
            or request.accept_mimetypes.best == "application/json")


def error_response(status: int, message: str, title: str | None = None,
                   fields: dict[str, str] | None = None):
    """The one error shape: ``{"error": {"status", "message", "fields"?}}`` for JSON callers
    (``fields`` names each field that was wrong and why), a page for people."""
    if wants_json():
        error = {"status": status, "message": message}
        if fields:
            error["fields"] = fields
        return jsonify({"error": error}), status
    return render_template("site/error.html", status=status,
                           title=title or Text("Something went wrong"), message=message), status


def discard_session() -> None:
    """Roll back the request's session; if its connection is gone, drop the connection
    instead (a rollback on a dead connection would raise from an error handler)."""
    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001 - the connection is gone either way
        db.session().invalidate()


def init_app(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def handle_http_error(error: HTTPException):
        messages = {
            404: Text("We couldn't find that page. Try searching for your question instead."),
            405: Text("That method is not allowed here."),
            413: Text("That is more than this site accepts in one request."),
        }
        titles = {404: Text("Page not found")}
        message = messages.get(error.code or 500, error.description or error.name)
        return error_response(error.code or 500, message, titles.get(error.code, error.name))

    @app.errorhandler(IndexUnavailable)
    def handle_index_unavailable(error: IndexUnavailable):
        log.error("search index unavailable: %s", error)
        app.extensions["helpcenter"].index_failed(error)
        return error_response(503, Text("Search is being rebuilt. Please try again in a few "
                                        "seconds."), Text("Temporarily unavailable"))

    @app.errorhandler(DBAPIError)
    def handle_database_unreachable(error: DBAPIError):
        if not error.connection_invalidated:
            return handle_unexpected(error)
        log.warning("database connection lost on %s: %s", request.path, error.orig)
        discard_session()
        response = make_response(error_response(
            503, Text("We could not reach our database just now. Please try again in a "
                      "moment."), Text("Temporarily unavailable")))
        response.headers["Retry-After"] = "1"
        return response

    @app.teardown_appcontext
    def release_session(_error: BaseException | None) -> None:
        # Runs before Flask-SQLAlchemy's own clean-up: a connection that died mid-request is
        # dropped here, so that clean-up's rollback has nothing to fail on.
        try:
            db.session.close()
        except Exception:  # noqa: BLE001 - the connection is gone either way
            db.session().invalidate()

    @app.errorhandler(Exception)
    def handle_unexpected(error: Exception):
        if isinstance(error, HTTPException):
            return handle_http_error(error)
        log.exception("unhandled error on %s", request.path)
        discard_session()
        return error_response(
            500, Text("Something went wrong on our side. Please try again in a moment."),
            InternalServerError.name,
        )
