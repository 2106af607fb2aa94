"""Where help was given: the period's figures split by channel (site, widget, api) and page
context, so a manager reads "checkout: 312 help sessions, 41 tickets".

Each figure is counted as the site totals count it (docs/metrics.md): help sessions are the
sessions with an event in the period, tickets those created in it, votes those cast or changed
in it. Summed over the rows they give the totals of the same period.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, select

from app.events.models import Event, Vote
from app.events.recorder import ARTICLE_VIEWED, SEARCH_PERFORMED
from app.extensions import db
from app.tickets.models import Ticket

CHANNEL_ORDER = {"site": 0, "widget": 1, "api": 2}


@dataclass
class ChannelRow:
    channel: str
    context: str | None
    sessions: int = 0
    searches: int = 0
    views: int = 0
    helpful: int = 0
    not_helpful: int = 0
    tickets: int = 0

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def _filters(model, channel: str | None, context: str | None) -> list:
    where = []
    if channel:
        where.append(model.channel == channel)
    if context:
        where.append(model.page_context == context)
    return where


def channel_split(start: datetime, end: datetime, *, channel: str | None = None,
                  context: str | None = None, lang: str | None = None) -> list[ChannelRow]:
    """One row per (channel, context) with any activity in [start, end), busiest first."""
    rows: dict[tuple[str, str | None], ChannelRow] = {}

    def row(key_channel: str | None, key_context: str | None) -> ChannelRow:
        key = (key_channel or "site", key_context)
        return rows.setdefault(key, ChannelRow(*key))

    event_filter = [Event.occurred_at >= start, Event.occurred_at < end,
                    Event.session_id.is_not(None), *_filters(Event, channel, context)]
    if lang:
        event_filter.append(Event.lang == lang)
    is_search = case((Event.name == SEARCH_PERFORMED, 1), else_=0)
    is_view = case((Event.name == ARTICLE_VIEWED, 1), else_=0)
    for ch, ctx, sessions, searches, views in db.session.execute(
        select(Event.channel, Event.page_context, func.count(func.distinct(Event.session_id)),
               func.sum(is_search), func.sum(is_view))
        .where(*event_filter).group_by(Event.channel, Event.page_context)
    ):
        found = row(ch, ctx)
        found.sessions, found.searches, found.views = sessions, searches or 0, views or 0

    vote_filter = [Vote.updated_at >= start, Vote.updated_at < end,
                   *_filters(Vote, channel, context)]
    if lang:
        vote_filter.append(Vote.session_id.in_(select(Event.session_id).where(*event_filter)))
    for ch, ctx, helpful, count in db.session.execute(
        select(Vote.channel, Vote.page_context, Vote.helpful, func.count())
        .where(*vote_filter).group_by(Vote.channel, Vote.page_context, Vote.helpful)
    ):
        found = row(ch, ctx)
        if helpful:
            found.helpful += count
        else:
            found.not_helpful += count

    ticket_filter = [Ticket.created_at >= start, Ticket.created_at < end,
                     *_filters(Ticket, channel, context)]
    if lang:
        ticket_filter.append(Ticket.lang == lang)
    for ch, ctx, count in db.session.execute(
        select(Ticket.channel, Ticket.page_context, func.count())
        .where(*ticket_filter).group_by(Ticket.channel, Ticket.page_context)
    ):
        row(ch, ctx).tickets = count
    return sorted(rows.values(), key=lambda r: (CHANNEL_ORDER.get(r.channel, 9), -r.sessions,
                                                -r.tickets, r.context or ""))


def as_table(rows: list[ChannelRow]) -> str:
    """The split as plain text for the terminal."""
    header = ("channel", "context", "sessions", "searches", "views", "yes", "no", "tickets")
    lines = [header] + [(r.channel, r.context or "-", r.sessions, r.searches, r.views,
                         r.helpful, r.not_helpful, r.tickets) for r in rows]
    widths = [max(len(str(line[i])) for line in lines) for i in range(len(header))]
    return "\n".join("  ".join(str(v).ljust(w) if i < 2 else str(v).rjust(w)
                               for i, (v, w) in enumerate(zip(line, widths, strict=True)))
                     for line in lines) + "\n"
