"""Turn a solved ticket into a draft article: the user's question and the agents' answer."""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import select

from app.content.editing import RESERVED_SLUGS, SaveOutcome, Submission, save_article
from app.content.fields import slugify
from app.content.journal import ContentJournal
from app.editor.models import Revision
from app.editor.revisions import FROM_TICKET
from app.extensions import db
from app.tickets.models import Ticket

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
PHONE = re.compile(r"\+?\d[\d ()./-]{7,}\d")  # with at least 9 digits: dates have 8
MIN_PHONE_DIGITS = 9
MAX_SLUG_LENGTH = 60


def slug_for(subject: str, reference: str, taken: set[str]) -> str:
    """A free slug from the subject's ASCII words, else from the ticket reference."""
    slug = slugify(subject, fallback="", max_length=MAX_SLUG_LENGTH)
    base = slug if len(slug) >= 3 else f"from-{reference.lower()}"
    candidate, counter = base, 2
    while candidate in taken or candidate in RESERVED_SLUGS:
        candidate, counter = f"{base}-{counter}", counter + 1
    return candidate


def without_contact_details(text: str) -> str:
    """Email addresses and phone numbers replaced; names and order numbers are the editor's."""
    def phone(match: re.Match) -> str:
        digits = sum(char.isdigit() for char in match.group())
        return "[phone]" if digits >= MIN_PHONE_DIGITS else match.group()

    return PHONE.sub(phone, EMAIL.sub("[email]", text))


def ticket_submission(ticket: Ticket, journey_slugs: list[str], taken: set[str]) -> Submission:
    """A draft: title and summary from the subject, body from question and answers.

    Email addresses and phone numbers are replaced; other personal details are for the editor
    to remove (the editor says so, and asks before publishing such a draft)."""
    answers = [without_contact_details(update.note.strip()) for update in ticket.updates
               if update.author_id is not None and update.note.strip()]
    subject = without_contact_details(ticket.subject.strip())
    body = (f"## The question\n\n{without_contact_details(ticket.description.strip())}\n\n"
            f"## The answer\n\n" + ("\n\n".join(answers) or "Write the answer here.") + "\n")
    journey = ticket.journey if ticket.journey in journey_slugs else journey_slugs[0]
    fields = {"title": subject[:200], "summary": subject[:300],
              "lang": ticket.lang or None, "draft": True,
              "related": [ticket.article_slug] if ticket.article_slug in taken else []}
    return Submission(slug=slug_for(subject, ticket.reference, taken), journey=journey,
                      fields=fields, body=body, base_hash=None)


def ticket_draft_slug(reference: str) -> str | None:
    """The article a ticket was already turned into (its first revision says so), if any."""
    return db.session.scalar(select(Revision.article_slug).where(
        Revision.summary == FROM_TICKET.fill(reference=reference)).order_by(Revision.id).limit(1))


def save_ticket_draft(ticket: Ticket, *, content_dir: Path, journey_slugs: list[str],
                      taken: set[str], journal: ContentJournal | None = None) -> SaveOutcome:
    """Write the draft into content/ (validated like any save); nothing is published."""
    submission = ticket_submission(ticket, journey_slugs, taken)
    return save_article(submission, content_dir=content_dir, journey_slugs=set(journey_slugs),
                        existing=None, known_slugs=taken, journal=journal)
