"""Tickets solved by self-service after writing: the user confirmed that an article offered
with the acknowledgement answered the question (docs/metrics.md, "Self-service after a
ticket"). Counted live from ``ticket_suggestions``, apart from the session deflections."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import distinct, func, select

from app.extensions import db
from app.tickets.models import Ticket, TicketSuggestion


@dataclass(frozen=True)
class SelfServiceFigures:
    offered: int  # tickets created in the period that were offered articles
    solved: int  # of those, tickets the user solved with one of the articles
    # slug -> (tickets it was offered to, tickets it solved), tickets created in the period
    by_article: dict[str, tuple[int, int]] = field(default_factory=dict)

    @property
    def rate(self) -> float | None:
        return self.solved / self.offered if self.offered else None


def self_service_figures(start: datetime, end: datetime, lang: str | None = None
                         ) -> SelfServiceFigures:
    """Over the tickets created in ``[start, end)``; ``lang`` keeps tickets written in it."""
    period = [Ticket.created_at >= start, Ticket.created_at < end]
    if lang:
        period.append(Ticket.lang == lang)
    answered = TicketSuggestion.answered_at.is_not(None)
    offered, solved = db.session.execute(
        select(func.count(distinct(TicketSuggestion.ticket_id)),
               func.count(distinct(TicketSuggestion.ticket_id)).filter(answered))
        .join(Ticket).where(*period)).one()
    rows = db.session.execute(
        select(TicketSuggestion.article_slug, func.count(TicketSuggestion.id),
               func.count(TicketSuggestion.id).filter(answered))
        .join(Ticket).where(*period).group_by(TicketSuggestion.article_slug)).all()
    return SelfServiceFigures(offered, solved, {slug: (count, done) for slug, count, done in rows})
