"""The widget's interface text, from the translation catalog, embedded in widget.js so that
nothing is fetched before the reader presses the button."""

from __future__ import annotations

from app.events.votes import NO_REASONS
from app.text import Text, in_language

STRINGS = {
    "button": Text("Help"),
    "title": Text("Help center"),
    "close": Text("Close help"),
    "back": Text("Back"),
    "search": Text("Search help articles"),
    "suggested": Text("Suggested for this page"),
    "results": Text("Results"),
    "count": Text("%(count)s articles"),
    "no_results": Text("No articles match; try other words or contact us."),
    "loading": Text("Loading…"),
    "unavailable": Text("Help is not available on this page."),
    "failed": Text("Something went wrong. Please try again."),
    "open_site": Text("Open in the help center"),
    "solved": Text("Did this solve your problem?"),
    "yes": Text("Yes"),
    "no": Text("No"),
    "why": Text("What went wrong?"),
    "send_vote": Text("Send"),
    "thanks": Text("Thank you for your feedback."),
    "contact": Text("Contact us"),
    "email": Text("Your email address"),
    "subject": Text("Subject"),
    "description": Text("What happened?"),
    "maybe": Text("These articles may answer it"),
    "send": Text("Send request"),
    "sent": Text("We have your request. Your reference is %(reference)s."),
    "status": Text("Follow its status"),
}


def widget_strings(languages: list[str]) -> dict[str, dict[str, object]]:
    """Every interface string and the No reasons, in each language."""
    return {
        lang: {
            **{key: in_language(Text(text.template), lang) for key, text in STRINGS.items()},
            "reasons": [[code, in_language(text, lang)] for code, text in NO_REASONS.items()],
        }
        for lang in languages
    }
