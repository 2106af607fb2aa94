"""``/healthz``: is the index readable and the database reachable?"""

from __future__ import annotations

from flask import jsonify
from sqlalchemy import text

from app import helpcenter
from app.extensions import db
from app.health import health
from app.search import IndexDamaged


@health.get("/healthz")
def healthz():
    index = helpcenter().search_service.health()
    if not index["ok"]:
        helpcenter().index_failed(IndexDamaged(index["error"]) if index.get("damaged") else None)
    try:
        db.session.execute(text("SELECT 1"))
        database = {"ok": True}
    except Exception as error:  # any driver error means "not healthy", never a 500
        db.session.rollback()
        database = {"ok": False, "error": error.__class__.__name__}
    ok = index["ok"] and database["ok"]
    return jsonify({"ok": ok, "index": index, "database": database}), 200 if ok else 503
