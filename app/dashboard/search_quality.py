"""Searches that did not help: no results, no click, or a click and then a ticket.

Grouped by normalized query so editors see which questions the help center answers badly,
with links to try the search and to write the missing article. Managers and editors.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import Response, abort, render_template, request
from sqlalchemy import select

from app.accounts.access import any_permission
from app.dashboard import dashboard
from app.events.models import Event, utcnow
from app.events.recorder import SEARCH_CLICKED, SEARCH_PERFORMED
from app.extensions import db
from app.tickets.models import Ticket

PERIODS = (7, 30, 90)
MAX_ROWS = 200


@dataclass(frozen=True)
class PoorQuery:
    query: str  # the normalized query
    example: str  # one query as typed, to run the search with
    searches: int
    no_results: int
    no_click: int
    click_then_ticket: int

    @property
    def poor(self) -> int:
        return self.no_results + self.no_click + self.click_then_ticket


def poor_queries(since: datetime, limit: int = MAX_ROWS) -> list[PoorQuery]:
    """Queries searched since ``since`` with at least one poor outcome, worst first."""
    searches = db.session.execute(
        select(Event.id, Event.normalized_query, Event.query, Event.result_count,
               Event.session_id)
        .where(Event.name == SEARCH_PERFORMED, Event.occurred_at >= since,
               Event.normalized_query.is_not(None))).all()
    clicks: dict[int, list[datetime]] = defaultdict(list)
    for search_id, at in db.session.execute(
            select(Event.search_event_id, Event.occurred_at)
            .where(Event.name == SEARCH_CLICKED, Event.occurred_at >= since,
                   Event.search_event_id.is_not(None))):
        clicks[search_id].append(at)
    tickets: dict[str, list[datetime]] = defaultdict(list)
    for session_id, at in db.session.execute(
            select(Ticket.session_id, Ticket.created_at)
            .where(Ticket.created_at >= since, Ticket.session_id.is_not(None))):
        tickets[session_id].append(at)
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    examples: dict[str, str] = {}
    for search_id, normalized, typed, result_count, session_id in searches:
        row = counts[normalized]
        examples.setdefault(normalized, typed or normalized)
        row[0] += 1
        clicked = clicks.get(search_id)
        if result_count == 0:
            row[1] += 1
        elif not clicked:
            row[2] += 1
        elif any(t >= min(clicked) for t in tickets.get(session_id or "", ())):
            row[3] += 1
    rows = [PoorQuery(query, examples[query], *values) for query, values in counts.items()]
    rows = [row for row in rows if row.poor]
    rows.sort(key=lambda row: (-row.poor, -row.searches, row.query))
    return rows[:limit]


def _period() -> int:
    days = request.args.get("days", "30")
    if not days.isdigit() or int(days) not in PERIODS:
        abort(400)
    return int(days)


@dashboard.get("/search-quality")
@any_permission("dashboard", "editor")
def search_quality():
    days = _period()
    return render_template("dashboard/search_quality.html", days=days, periods=PERIODS,
                           rows=poor_queries(utcnow() - timedelta(days=days)))


@dashboard.get("/search-quality.csv")
@any_permission("dashboard", "editor")
def search_quality_csv():
    days = _period()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["query", "searches", "no_results", "no_click", "click_then_ticket", "poor"])
    for row in poor_queries(utcnow() - timedelta(days=days)):
        # A leading = + - @ would be a formula in a spreadsheet.
        query = "'" + row.query if row.query[:1] in "=+-@" else row.query
        writer.writerow([query, row.searches, row.no_results, row.no_click,
                         row.click_then_ticket, row.poor])
    return Response(out.getvalue(), mimetype="text/csv", headers={
        "Content-Disposition": f"attachment; filename=search-quality-{days}d.csv"})
