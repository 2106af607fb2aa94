"""Save an article from the editor: validate like `content check`, write atomically, keep a
revision, re-index it. Nothing is written when the article is invalid or was changed meanwhile.
"""

from __future__ import annotations

import difflib
import hashlib
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from app.content.drafts import find_pending, pending_path
from app.content.fields import SLUG_PATTERN
from app.content.frontmatter import parse_front_matter
from app.content.journal import ContentConflict, ContentJournal, FilesOnly, relative
from app.content.loader import check_article
from app.content.models import Article
from app.content.problems import Problem
from app.content.writer import article_text, write_atomically
from app.text import Text

# Addresses of editor pages under /editor/: an article of that name could not be edited.
RESERVED_SLUGS = frozenset({"new", "preview", "media", "review", "synonyms", "approvals"})


@dataclass
class Submission:
    """What the editor form submits."""

    slug: str
    journey: str
    fields: dict[str, Any]
    body: str
    base_hash: str | None  # hash of the file when the editor was opened; None for a new one


@dataclass
class SaveOutcome:
    article: Article | None = None
    text: str = ""
    errors: dict[str, list[str]] = field(default_factory=dict)  # field -> messages (Text)
    conflict_diff: str | None = None

    @property
    def saved(self) -> bool:
        return self.article is not None


def submission_from_text(slug: str, journey: str, text: str, base_hash: str | None,
                         **changes: Any) -> Submission:
    """A save of an article file's own text (publishing a pending draft, a scheduled change),
    with ``changes`` to its front matter (``draft=None`` publishes it)."""
    front = parse_front_matter(text)
    fields = {**front.data, **changes}
    return Submission(slug=slug, journey=journey, fields=fields, body=front.body,
                      base_hash=base_hash)


def normalized(text: str) -> str:
    """``text`` as the editor would write it (key order, list style), so a diff against a
    saved draft shows what changed rather than how a hand-written file was laid out."""
    try:
        front = parse_front_matter(text)
    except ValueError:
        return text
    # The form writes the switches only when they are on.
    data = {key: value for key, value in front.data.items()
            if not (key in ("urgent", "draft") and value is False)}
    return article_text(data, front.body)


def file_hash(path: Path) -> str | None:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None


def unified_diff(old: str, new: str, old_label: str, new_label: str) -> str:
    return "".join(difflib.unified_diff(old.splitlines(keepends=True),
                                        new.splitlines(keepends=True), old_label, new_label))


def _errors_by_field(problems: list[Problem], text: str) -> dict[str, list[str]]:
    try:
        key_lines = parse_front_matter(text).key_lines
    except ValueError:
        key_lines = {}
    field_at = {line: key for key, line in key_lines.items()}
    errors: dict[str, list[str]] = {}
    for problem in problems:
        if problem.is_error:
            named = re.search(r"field '(\w+)'", problem.message)  # e.g. a missing field
            name = field_at.get(problem.line) or (named.group(1) if named else "body")
            errors.setdefault(name, []).append(problem.message)  # a Text when it is ours
    return errors


def save_article(
    submission: Submission,
    *,
    content_dir: Path,
    journey_slugs: set[str],
    existing: Article | None,
    known_slugs: set[str],
    today: date | None = None,
    journal: ContentJournal | None = None,
) -> SaveOutcome:
    """Validate and write ``submission``; the caller records the revision and re-indexes.

    The ``journal`` (content kept in the database, several nodes) claims the change first:
    a save based on a version another node replaced meanwhile is a conflict there too."""
    today = today or date.today()
    text = article_text({**submission.fields, "updated": today}, submission.body)
    outcome = SaveOutcome(text=text)
    if existing is None and not SLUG_PATTERN.match(submission.slug):
        outcome.errors["slug"] = [
            Text("Use lowercase letters, digits and hyphens, e.g. reset-password.")]
    elif existing is None and submission.slug in RESERVED_SLUGS:
        outcome.errors["slug"] = [Text("'%(slug)s' is an editor page's address.",
                                       slug=submission.slug)]
    elif existing is None and submission.slug in known_slugs:
        outcome.errors["slug"] = [Text("An article '%(slug)s' already exists.",
                                       slug=submission.slug)]
    if submission.journey not in journey_slugs:
        outcome.errors["journey"] = [Text("Unknown journey '%(journey)s'.",
                                          journey=submission.journey)]
    if outcome.errors:
        return outcome

    path = content_dir / submission.journey / f"{submission.slug}.md"
    if existing is None and any(content_dir.glob(f"*/{submission.slug}.md")):
        # Not in the index nor a draft, yet on disk (invalid, or not indexed yet): keep it.
        outcome.errors["slug"] = [Text("A file for '%(slug)s' already exists in content/.",
                                       slug=submission.slug)]
        return outcome
    old_path = content_dir / existing.path if existing else path
    current = file_hash(old_path)
    if existing is not None and current != submission.base_hash:
        saved_now = old_path.read_text(encoding="utf-8") if current else ""
        outcome.conflict_diff = unified_diff(saved_now, text, "saved meanwhile", "your version")
        return outcome

    article, problems = check_article(text.encode(), path, content_dir, journey_slugs,
                                      known_slugs - {submission.slug}, today)
    errors = _errors_by_field(problems, text)
    if article is None or errors:
        outcome.errors = errors or {"body": [Text("The article is not valid.")]}
        return outcome
    if not _claimed(journal, content_dir, path, old_path, text, current, outcome):
        return outcome
    try:
        write_atomically(path, text, new=existing is None or old_path != path)
    except FileExistsError:
        outcome.errors["slug" if existing is None else "journey"] = [
            Text("A file for '%(slug)s' was created there meanwhile; nothing was saved.",
                 slug=submission.slug)]
        return outcome
    if old_path != path:
        old_path.unlink(missing_ok=True)  # the article moved to another journey
    outcome.article = article
    return outcome


def _claimed(journal: ContentJournal | None, content_dir: Path, path: Path,
             old_path: Path | None, text: str, current: str | None,
             outcome: SaveOutcome) -> bool:
    """Claim writing ``text`` to ``path`` (and removing ``old_path`` when the file moves) in the
    content journal, ``current`` being the hash the editor started from. On a conflict the
    outcome gets the difference and nothing is claimed."""
    changes = [(relative(path, content_dir), text.encode("utf-8"),
                current if old_path == path else None)]
    if old_path is not None and old_path != path:
        changes.append((relative(old_path, content_dir), None, current))
    try:
        (journal or FilesOnly()).record(changes)
    except ContentConflict as conflict:
        saved_now = (conflict.current or b"").decode("utf-8", "replace")
        outcome.conflict_diff = unified_diff(saved_now, text, "saved meanwhile", "your version")
        return False
    return True


def save_pending(
    submission: Submission,
    *,
    content_dir: Path,
    journey_slugs: set[str],
    known_slugs: set[str],
    today: date | None = None,
    journal: ContentJournal | None = None,
) -> SaveOutcome:
    """Keep ``submission`` as the pending draft of a published article, beside its live file.

    Validated as if it were published; ``base_hash`` is the pending draft's hash when the
    editor was opened (None: there was none), so two editors' drafts conflict as saves do."""
    today = today or date.today()
    fields = {**submission.fields, "draft": None}
    text = article_text({**fields, "updated": today}, submission.body)
    outcome = SaveOutcome(text=text)
    if submission.journey not in journey_slugs:
        outcome.errors["journey"] = [Text("Unknown journey '%(journey)s'.",
                                          journey=submission.journey)]
        return outcome
    live_path = content_dir / submission.journey / f"{submission.slug}.md"
    article, problems = check_article(text.encode(), live_path, content_dir, journey_slugs,
                                      known_slugs - {submission.slug}, today)
    errors = _errors_by_field(problems, text)
    if article is None or errors:
        outcome.errors = errors or {"body": [Text("The article is not valid.")]}
        return outcome
    old = find_pending(content_dir, submission.slug)
    current = file_hash(old) if old else None
    if current != submission.base_hash:
        saved_now = old.read_text(encoding="utf-8") if old else ""
        outcome.conflict_diff = unified_diff(saved_now, text, "saved meanwhile", "your version")
        return outcome
    path = pending_path(content_dir, submission.journey, submission.slug)
    if not _claimed(journal, content_dir, path, old, text, current, outcome):
        return outcome
    write_atomically(path, text)
    if old is not None and old != path:
        old.unlink(missing_ok=True)
    outcome.article = article
    return outcome


def discard_pending(content_dir: Path, slug: str, base_hash: str | None,
                    journal: ContentJournal | None = None) -> bool:
    """Delete the pending draft of ``slug`` if it is still the version ``base_hash`` names
    (None: whatever it is); False when there was none or it changed meanwhile."""
    path = find_pending(content_dir, slug)
    current = file_hash(path) if path else None
    if current is None or (base_hash is not None and base_hash != current):
        return False
    try:
        (journal or FilesOnly()).record([(relative(path, content_dir), None, current)])
    except ContentConflict:
        return False
    path.unlink(missing_ok=True)
    return True
