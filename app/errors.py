"""Errors answer JSON under /api/ and a friendly page elsewhere; never a traceback."""

from __future__ import annotations

import logging

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError

from app.extensions import db
from app.search import IndexUnavailable

log = logging.getLogger(__name__)


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.path == "/healthz"


def error_response(status: int, message: str, title: str | None = None):
    if wants_json():
        return jsonify({"error": {"status": status, "message": message}}), status
    return render_template("site/error.html", status=status, title=title or "Something went wrong",
                           message=message), status


def init_app(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def handle_http_error(error: HTTPException):
        messages = {
            404: "We couldn't find that page. Try searching for your question instead.",
            405: "That method is not allowed here.",
        }
        message = messages.get(error.code or 500, error.description or error.name)
        return error_response(error.code or 500, message, error.name)

    @app.errorhandler(IndexUnavailable)
    def handle_index_unavailable(error: IndexUnavailable):
        log.error("search index unavailable: %s", error)
        app.extensions["helpcenter"].index_failed()
        return error_response(503, "Search is being rebuilt. Please try again in a few seconds.",
                              "Temporarily unavailable")

    @app.errorhandler(Exception)
    def handle_unexpected(error: Exception):
        if isinstance(error, HTTPException):
            return handle_http_error(error)
        log.exception("unhandled error on %s", request.path)
        db.session.rollback()
        return error_response(
            500, "Something went wrong on our side. Please try again in a moment.",
            InternalServerError.name,
        )
