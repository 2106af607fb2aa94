"""'Did this solve your problem?' votes: validation and one-vote-per-session storage."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError

from app.events.models import Vote, utcnow
from app.extensions import db
from app.sessions.service import touch
from app.text import Text

# Reason codes stored in the database -> what the user reads.
NO_REASONS = {
    "didnt-answer": Text("It didn't answer my question"),
    "steps-didnt-work": Text("The steps didn't work"),
    "hard-to-understand": Text("It was hard to understand"),
    "out-of-date": Text("It's out of date"),
    "other": Text("Something else"),
}
MAX_COMMENT_LENGTH = 500


class VoteError(ValueError):
    """A vote that cannot be stored; ``field`` names what was wrong."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def validate_vote(helpful: object, reason: object = None, comment: object = None
                  ) -> tuple[bool, str | None, str | None]:
    """Check a vote as submitted; after "Yes" nothing else is kept."""
    if not isinstance(helpful, bool):
        raise VoteError("helpful", "'helpful' must be true or false.")
    if helpful:
        return True, None, None
    if reason in (None, ""):
        reason = None
    elif not isinstance(reason, str) or reason not in NO_REASONS:
        raise VoteError("reason", f"'reason' must be one of: {', '.join(NO_REASONS)}.")
    if comment in (None, ""):
        comment = None
    elif not isinstance(comment, str):
        raise VoteError("comment", "'comment' must be text.")
    else:
        comment = comment.strip()
        if len(comment) > MAX_COMMENT_LENGTH:
            raise VoteError("comment", f"'comment' is {len(comment)} characters long; the "
                                       f"limit is {MAX_COMMENT_LENGTH}.")
        comment = comment or None
    return False, reason, comment


def cast_vote(
    session_id: str,
    slug: str,
    journey: str | None,
    helpful: object,
    reason: object = None,
    comment: object = None,
    at: datetime | None = None,
) -> dict[str, object]:
    """Store the session's vote on an article, replacing its earlier vote. Commits.

    Returns what was stored (helpful, reason, comment) without reading the row again after
    the commit: a connection lost then must not turn a stored vote into an error."""
    helpful, reason, comment = validate_vote(helpful, reason, comment)
    at = at or utcnow()
    for _ in range(2):  # a concurrent first vote from the same session: retry as an update
        vote = db.session.scalar(
            select(Vote).where(Vote.session_id == session_id, Vote.article_slug == slug)
        )
        if vote is None:
            vote = Vote(session_id=session_id, article_slug=slug, created_at=at)
            db.session.add(vote)
        vote.journey = journey
        vote.helpful, vote.reason, vote.comment = helpful, reason, comment
        vote.updated_at = at
        touch(session_id, at)
        stored = {"helpful": helpful, "reason": reason, "comment": comment}
        try:
            db.session.commit()
            return stored
        except IntegrityError:
            db.session.rollback()
    raise VoteError("helpful", "Your vote could not be saved; please try again.")


_VOTES = Vote.__table__.c
_SESSION_VOTE = select(_VOTES.helpful).where(_VOTES.session_id == bindparam("session_id"),
                                             _VOTES.article_slug == bindparam("slug"))


def session_vote(session_id: str, slug: str) -> bool | None:
    """This session's vote on one article (helpful or not), None when it has not voted. A
    prepared Core statement: every reader's article page asks (half the ORM query's time)."""
    return db.session.execute(_SESSION_VOTE, {"session_id": session_id, "slug": slug}).scalar()
