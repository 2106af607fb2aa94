"""Scheduled publish and unpublish. The schedule is a table, so every node sees the same one;
each due change is claimed by one process (a conditional update) before it is applied, by
``flask --app wsgi tasks run`` (cron) or by the next request to the editor."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from app.editor.models import ScheduledChange
from app.editor.revisions import SCHEDULED_PUBLISH, SCHEDULED_UNPUBLISH
from app.editor.workflow import WorkflowError, publish, unpublish
from app.events.models import utcnow
from app.extensions import db
from app.text import Text, TextError

log = logging.getLogger(__name__)
ACTIONS = ("publish", "unpublish")
# A change takes seconds to apply; one still "running" after this was left by a stopped process.
INTERRUPTED_AFTER = timedelta(minutes=10)
INTERRUPTED = ("Interrupted: the process applying it stopped. Check the article and schedule "
               "the change again if it is still needed.")


class ScheduleError(TextError):
    """A date and time the form could not read."""


def parse_when(text: str) -> datetime | None:
    """``YYYY-MM-DDTHH:MM`` (a datetime-local field) in UTC; None for an empty field."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        raise ScheduleError(Text("Use a date and time such as 2030-01-31 09:00.")) from None
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(
        UTC)


def pending_for(slug: str) -> dict[str, ScheduledChange]:
    """The change waiting for each action of ``slug``."""
    rows = db.session.scalars(select(ScheduledChange).where(
        ScheduledChange.article_slug == slug, ScheduledChange.status == "pending"))
    return {row.action: row for row in rows}


def set_schedule(slug: str, action: str, due_at: datetime | None, author_id: int | None,
                 author_email: str | None) -> None:
    """Replace the waiting change of this action (None: cancel it); unchanged times stay."""
    current = pending_for(slug).get(action)
    if current is not None and due_at is not None and current.due_at == due_at:
        return
    if current is not None:
        current.status, current.done_at = "cancelled", utcnow()
    if due_at is not None:
        db.session.add(ScheduledChange(article_slug=slug, action=action, due_at=due_at,
                                       requested_by_id=author_id,
                                       requested_by_email=author_email))
    db.session.commit()


def upcoming() -> list[ScheduledChange]:
    """Every waiting change, soonest first (the editor's index lists them)."""
    return list(db.session.scalars(select(ScheduledChange).where(
        ScheduledChange.status == "pending").order_by(ScheduledChange.due_at)))


def changes_of(slug: str) -> list[ScheduledChange]:
    """Every scheduled change of ``slug``, newest first (the history page)."""
    return list(db.session.scalars(select(ScheduledChange).where(
        ScheduledChange.article_slug == slug).order_by(ScheduledChange.id.desc())))


def release_interrupted(now: datetime) -> int:
    """Changes left "running" by a process that stopped mid-way are reported as failed, never
    applied again (the change may have happened): an editor checks the article and schedules
    it anew. Returns how many."""
    released = db.session.execute(update(ScheduledChange).where(
        ScheduledChange.status == "running", ScheduledChange.done_at < now - INTERRUPTED_AFTER)
        .values(status="failed", outcome=INTERRUPTED, done_at=now)).rowcount
    db.session.commit()
    return released


def apply_due(now: datetime | None = None) -> list[ScheduledChange]:
    """Apply every change whose time has come; returns those this process applied."""
    now = now or utcnow()
    release_interrupted(now)
    due = list(db.session.scalars(select(ScheduledChange.id).where(
        ScheduledChange.status == "pending", ScheduledChange.due_at <= now)
        .order_by(ScheduledChange.due_at)))
    applied = []
    for change_id in due:
        claimed = db.session.execute(update(ScheduledChange).where(
            ScheduledChange.id == change_id, ScheduledChange.status == "pending")
            .values(status="running", done_at=utcnow())).rowcount  # when it was claimed
        db.session.commit()
        if not claimed:
            continue  # another process has it
        change = db.session.get(ScheduledChange, change_id)
        who = change.requested_by_email or "?"
        try:
            if change.action == "publish":
                publish(change.article_slug, SCHEDULED_PUBLISH.fill(email=who),
                        change.requested_by_id, change.requested_by_email)
            else:
                unpublish(change.article_slug, SCHEDULED_UNPUBLISH.fill(email=who),
                          change.requested_by_id, change.requested_by_email)
            change.status, change.outcome = "done", None
        except WorkflowError as error:
            db.session.rollback()
            change = db.session.get(ScheduledChange, change_id)
            change.status, change.outcome = "failed", str(error)[:300]
        except Exception:  # the next change is still applied; this one is reported as failed
            log.exception("scheduled change %s failed", change_id)
            db.session.rollback()
            change = db.session.get(ScheduledChange, change_id)
            change.status, change.outcome = "failed", "Unexpected error; see the log."
        change.done_at = utcnow()
        db.session.commit()
        applied.append(change)
    return applied
