"""What people see for ticket states and for the notes the system writes into a ticket's history.

The codes and notes are stored and sent as they are (English); these ``Text`` are how pages and
mails show them, in the reader's language.
"""

from __future__ import annotations

from app.text import StoredText, Text

STATUSES = ("open", "pending", "solved")
STATUS_LABELS = {"open": Text("Open"), "pending": Text("Pending"), "solved": Text("Solved")}
RECEIVED = Text("We received your request.")
# The user confirmed that an article offered after writing answered the question.
SOLVED_BY_USER = Text("Solved by the user: the article “%(title)s” answered the question.")
# A status change without a reply; one message per status so each reads naturally translated.
SYSTEM_NOTES = StoredText(RECEIVED, Text("Status changed to open."),
                          Text("Status changed to pending."), Text("Status changed to solved."),
                          SOLVED_BY_USER)


def status_label(status: str) -> str:
    """The display label of a status code (an unknown code is shown as it is)."""
    return STATUS_LABELS.get(status, status)


def system_note(note: str) -> str:
    """A history note as a translatable ``Text`` when the system wrote it, else unchanged."""
    return SYSTEM_NOTES.read(note)
