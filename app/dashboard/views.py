"""Managers' view of how well articles deflect tickets (figures from app/metrics)."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, current_app, render_template, request

from app import helpcenter
from app.accounts.access import permission_required
from app.events.models import utcnow
from app.metrics.deflection import article_metrics, site_metrics

dashboard = Blueprint("dashboard", __name__, url_prefix="/dashboard")
PERIODS = {"7": 7, "30": 30, "90": 90}


@dashboard.get("/")
@permission_required("dashboard")
def index():
    days = PERIODS.get(request.args.get("days", "30"), 30)
    end = utcnow()
    start = end - timedelta(days=days)
    config = current_app.config
    window = timedelta(hours=config["KB_TICKET_WINDOW_HOURS"])
    articles = helpcenter().catalog.all()
    rows = article_metrics(articles, start, end, window=window,
                           threshold=config["KB_FLAG_THRESHOLD"])
    rows.sort(key=lambda row: not row.flagged)  # flagged first, otherwise worst first
    return render_template("dashboard/index.html", rows=rows, days=days, periods=PERIODS,
                           site=site_metrics(articles, start, end, window=window),
                           threshold=config["KB_FLAG_THRESHOLD"])
