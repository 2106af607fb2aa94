"""Self-service after writing: articles offered with a ticket, and the signed link that lets the
user say one of them answered the question.

Up to three published articles that match the request (the search, in the ticket's language)
are stored with the ticket. Each carries a link signed with the app's secret that names only
the ticket reference and the article. Confirming it solves the ticket without an agent and
credits the article: ``answered_at`` on its row (docs/tickets.md, docs/metrics.md).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from itsdangerous import BadData, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select, update

from app.content import Article
from app.events.models import utcnow
from app.extensions import db
from app.search.catalog import Catalog
from app.text import Text, TextError
from app.tickets.labels import SOLVED_BY_USER
from app.tickets.models import Ticket, TicketSuggestion, TicketUpdate

MAX_SUGGESTIONS = 3
LINK_MAX_AGE = timedelta(days=30)
SALT = "ticket-self-service"

# What the answer page shows.
CONFIRM = "confirm"  # the user may still confirm: the ticket waits for an agent
SOLVED = "solved"  # solved by self-service (this article or another one offered)
CLOSED = "closed"  # an agent answered or solved it first: nothing to do

class AnswerLinkError(TextError):
    """A link that was changed, is not ours, or is too old; ``expired`` tells which."""

    def __init__(self, message: Text, *, expired: bool = False) -> None:
        super().__init__(message)
        self.expired = expired


def offers_articles(ticket: Ticket, article: Article | None) -> bool:
    """Urgent requests go straight to a person: nothing is offered for P1 or urgent articles."""
    return ticket.priority != "P1" and not (article and article.urgent)


def query_text(ticket: Ticket, max_length: int) -> str:
    """The subject, then the message, cut at a word to fit the search's length limit."""
    text = " ".join(f"{ticket.subject} {ticket.description}".split())
    if len(text) <= max_length:
        return text
    return text[:max_length].rsplit(" ", 1)[0] or text[:max_length]


def choose_articles(ticket: Ticket, slugs: list[str], catalog: Catalog,
                    limit: int = MAX_SUGGESTIONS) -> list[Article]:
    """The first matches, one version of each article: in the ticket's language, else in the
    default language. Leaves out the article the ticket was written from and the articles the
    user said did not solve it."""
    tried = {item.get("slug") for item in (ticket.context or {}).get("articles", [])
             if item.get("vote") == "no"}
    tried.add(ticket.article_slug)
    excluded = {catalog.get(slug).translation_group for slug in tried if slug and catalog.get(slug)}
    found = [article for article in (catalog.get(slug) for slug in slugs) if article]
    language = ticket.lang or catalog.default_language
    chosen = [a for a in catalog.localized(found, language) if a.translation_group not in excluded]
    return chosen[:limit]


def sign_answer(secret: str, reference: str, slug: str) -> str:
    """The token of a "This answered my question" link: the ticket reference and the article."""
    return URLSafeTimedSerializer(secret, salt=SALT).dumps({"t": reference, "a": slug})


def read_answer(secret: str, token: str, max_age: timedelta = LINK_MAX_AGE) -> tuple[str, str]:
    """(reference, slug) from a token; AnswerLinkError when it is tampered with or expired."""
    serializer = URLSafeTimedSerializer(secret, salt=SALT)
    try:
        data = serializer.loads(token, max_age=int(max_age.total_seconds()))
    except SignatureExpired:
        raise AnswerLinkError(Text("This link has expired. If you still need help, your "
                                   "request stays open and we will reply."),
                              expired=True) from None
    except BadData:
        raise AnswerLinkError(Text("This link is not valid. Please use the link exactly as it "
                                   "is in our email.")) from None
    if not isinstance(data, dict) or not isinstance(data.get("t"), str) \
            or not isinstance(data.get("a"), str):
        raise AnswerLinkError(Text("This link is not valid. Please use the link exactly as it "
                                   "is in our email."))
    return data["t"], data["a"]


def store_offers(ticket: Ticket, articles: list[Article], *, secret: str,
                 article_url: Callable[[Article], str], answer_url: Callable[[str], str],
                 now: datetime | None = None) -> list[TicketSuggestion]:
    """Add the offered articles to the session (the caller commits)."""
    now = now or utcnow()
    rows = []
    for position, article in enumerate(articles, start=1):
        token = sign_answer(secret, ticket.reference, article.slug)
        row = TicketSuggestion(ticket=ticket, position=position, article_slug=article.slug,
                               title=article.title[:300], article_url=article_url(article),
                               answer_url=answer_url(token), created_at=now)
        db.session.add(row)
        rows.append(row)
    return rows


def offers(ticket_id: int) -> list[TicketSuggestion]:
    return list(db.session.scalars(select(TicketSuggestion).where(
        TicketSuggestion.ticket_id == ticket_id).order_by(TicketSuggestion.position)))


def find_offer(reference: str, slug: str) -> TicketSuggestion | None:
    return db.session.scalar(select(TicketSuggestion).join(Ticket).where(
        Ticket.reference == reference, TicketSuggestion.article_slug == slug))


def answered_offer(ticket_id: int) -> TicketSuggestion | None:
    """The article that solved the ticket by self-service, if one did."""
    return next((row for row in offers(ticket_id) if row.answered_at), None)


def answered_tickets(ticket_ids: list[int]) -> dict[int, TicketSuggestion]:
    """ticket id -> the offered article that solved it, for tickets solved by self-service."""
    if not ticket_ids:
        return {}
    rows = db.session.scalars(select(TicketSuggestion).where(
        TicketSuggestion.ticket_id.in_(ticket_ids), TicketSuggestion.answered_at.is_not(None)))
    return {row.ticket_id: row for row in rows}


def state(ticket: Ticket) -> str:
    if answered_offer(ticket.id):
        return SOLVED
    if ticket.status == "solved" or ticket.first_response_at is not None:
        return CLOSED
    return CONFIRM


def open_offers(ticket: Ticket, now: datetime | None = None) -> list[TicketSuggestion]:
    """The offers the user may still confirm: none once an agent answered or it is solved, or
    when their links have expired."""
    if state(ticket) != CONFIRM:
        return []
    oldest = (now or utcnow()) - LINK_MAX_AGE
    return [row for row in offers(ticket.id) if row.created_at > oldest]


def confirm(offer: TicketSuggestion, now: datetime | None = None) -> str:
    """The user says this article answered the question: solve the ticket, credit the article.
    Idempotent, and safe when two confirmations race: only the one that changes the ticket's
    status records anything. Returns the state afterwards."""
    now = now or utcnow()
    ticket = offer.ticket
    current = state(ticket)
    if current != CONFIRM:
        return current
    changed = db.session.execute(
        update(Ticket).where(Ticket.id == ticket.id, Ticket.status != "solved",
                             Ticket.first_response_at.is_(None))
        .values(status="solved", updated_at=now)).rowcount
    if not changed:
        db.session.rollback()
        db.session.refresh(ticket)
        return state(ticket)
    offer.answered_at = now
    db.session.add(TicketUpdate(ticket_id=ticket.id, created_at=now, status="solved",
                                note=SOLVED_BY_USER.fill(title=offer.title)))
    db.session.commit()
    db.session.refresh(ticket)
    return SOLVED


def mail_items(ticket_id: int) -> list[dict[str, str]]:
    """The offers as the acknowledgement mail lists them."""
    return [{"title": row.title, "article_url": row.article_url, "answer_url": row.answer_url}
            for row in offers(ticket_id)]
