"""The optional review before publishing: an editor asks, a manager or admin approves (which
publishes the draft) or sends it back with a comment. Each request and answer is kept."""

from __future__ import annotations

from sqlalchemy import select, update

from app.editor.models import PublishReview
from app.editor.revisions import APPROVED
from app.editor.workflow import WorkflowError, publish
from app.events.models import utcnow
from app.extensions import db
from app.text import Text

MAX_NOTE = 2000


def waiting_for(slug: str) -> PublishReview | None:
    return db.session.scalar(select(PublishReview).where(
        PublishReview.article_slug == slug, PublishReview.status == "waiting").limit(1))


def ask_for_review(slug: str, note: str, author_id: int | None,
                   author_email: str | None) -> PublishReview:
    """One waiting request per article: asking again updates its note."""
    review = waiting_for(slug)
    if review is None:
        review = PublishReview(article_slug=slug, requested_by_id=author_id,
                               requested_by_email=author_email)
        db.session.add(review)
    review.note = (note or "").strip()[:MAX_NOTE]
    db.session.commit()
    return review


def waiting() -> list[PublishReview]:
    """Requests waiting for an answer, oldest first."""
    return list(db.session.scalars(select(PublishReview).where(
        PublishReview.status == "waiting").order_by(PublishReview.requested_at)))


def reviews_of(slug: str) -> list[PublishReview]:
    """Every request for ``slug``, newest first (the history page)."""
    return list(db.session.scalars(select(PublishReview).where(
        PublishReview.article_slug == slug).order_by(PublishReview.id.desc())))


def last_sent_back(slug: str) -> PublishReview | None:
    """The latest answer if it sent the draft back (shown on the edit page)."""
    latest = db.session.scalar(select(PublishReview).where(
        PublishReview.article_slug == slug, PublishReview.status != "waiting")
        .order_by(PublishReview.id.desc()).limit(1))
    return latest if latest is not None and latest.status == "sent_back" else None


def _claim(review_id: int, status: str, author_id: int, author_email: str,
           comment: str | None) -> PublishReview:
    claimed = db.session.execute(update(PublishReview).where(
        PublishReview.id == review_id, PublishReview.status == "waiting").values(
        status=status, decided_by_id=author_id, decided_by_email=author_email,
        decided_at=utcnow(), comment=comment)).rowcount
    if not claimed:
        db.session.rollback()
        raise WorkflowError(Text("This request was answered meanwhile."))
    db.session.commit()
    return db.session.get(PublishReview, review_id)


def approve(review_id: int, author_id: int, author_email: str) -> PublishReview:
    """Publish the draft the request is about; the request stays waiting if that fails."""
    review = db.session.get(PublishReview, review_id)
    if review is None or review.status != "waiting":
        raise WorkflowError(Text("This request was answered meanwhile."))
    publish(review.article_slug, APPROVED.fill(email=author_email), author_id, author_email)
    return _claim(review_id, "approved", author_id, author_email, None)


def send_back(review_id: int, comment: str, author_id: int, author_email: str) -> PublishReview:
    """Return the draft to its editor with what to change (a comment is required)."""
    comment = (comment or "").strip()[:MAX_NOTE]
    if not comment:
        raise WorkflowError(Text("Say what should change before sending the draft back."))
    return _claim(review_id, "sent_back", author_id, author_email, comment)
