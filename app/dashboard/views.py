"""Managers' view of how well articles deflect tickets (figures from app/metrics)."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import Blueprint, Response, current_app, render_template, request

from app import helpcenter
from app.accounts.access import permission_required
from app.events.models import utcnow
from app.metrics import report
from app.metrics.deflection import article_metrics, content_gaps, site_metrics
from app.metrics.trends import hot_articles, hot_searches

dashboard = Blueprint("dashboard", __name__, url_prefix="/dashboard")
PERIODS = {"7": 7, "30": 30, "90": 90}


def _period() -> tuple[int, datetime, datetime, timedelta]:
    days = PERIODS.get(request.args.get("days", "30"), 30)
    end = utcnow()
    return days, end - timedelta(days=days), end, timedelta(
        hours=current_app.config["KB_TICKET_WINDOW_HOURS"])


def _article_rows(start: datetime, end: datetime, window: timedelta):
    rows = article_metrics(helpcenter().catalog.all(), start, end, window=window,
                           threshold=current_app.config["KB_FLAG_THRESHOLD"])
    rows.sort(key=lambda row: not row.flagged)  # flagged first, otherwise worst first
    return rows


@dashboard.get("/")
@permission_required("dashboard")
def index():
    days, start, end, window = _period()
    return render_template(
        "dashboard/index.html", rows=_article_rows(start, end, window), days=days,
        periods=PERIODS, site=site_metrics(helpcenter().catalog.all(), start, end,
                                           window=window),
        gaps=content_gaps(start, end, window=window),
        hot_searches=hot_searches(end), hot_articles=hot_articles(end),
        titles={article.slug: article.title for article in helpcenter().catalog.all()},
        threshold=current_app.config["KB_FLAG_THRESHOLD"],
    )


@dashboard.get("/articles.csv")
@permission_required("dashboard")
def articles_csv():
    days, start, end, window = _period()
    return Response(report.as_csv(_article_rows(start, end, window)), mimetype="text/csv",
                    headers={"Content-Disposition":
                             f"attachment; filename=articles-{days}d.csv"})


@dashboard.get("/gaps.csv")
@permission_required("dashboard")
def gaps_csv():
    days, start, end, window = _period()
    return Response(report.gaps_as_csv(content_gaps(start, end, window=window)),
                    mimetype="text/csv",
                    headers={"Content-Disposition": f"attachment; filename=gaps-{days}d.csv"})
