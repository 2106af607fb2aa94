"""Convert another help center's Markdown tree into this project's content format.

Only what our loader understands is kept (title, summary, tags, updated); links and images that
point at files of the old tree are removed, keeping the link text, so nothing in the output
points at a file that does not exist.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml

from app.content import fields as f
from app.content.frontmatter import FENCE, yaml_error_line, yaml_error_message
from app.content.journeys import JOURNEYS_FILE, load_journeys
from app.content.models import Journey
from app.content.render import markdown_to_text

# The source's front matter is large and mostly dropped: libyaml reads it ~10x faster.
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
YAML_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
JOURNEY_ICON = "📄"
ROOT_JOURNEY = "general"  # for files that sit directly in the source folder
DATE_KEYS = ("ms.date", "date", "updated")
TAG_KEYS = ("tags", "keywords")
LOCAL_SUFFIXES = frozenset({".md", ".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".bmp"})

_TARGET = r"\(\s*<?([^)\s>]*)>?(?:\s+(?:\"[^\"]*\"|'[^']*'))?\s*\)"
MD_IMAGE = re.compile(r"!\[[^\]]*\]" + _TARGET)
MD_LINK = re.compile(r"\[((?:[^\[\]]|\[[^\[\]]*\])*)\]" + _TARGET)
DOCFX_IMAGE = re.compile(r":::image\b.*?\bsource=\"([^\"]*)\".*?:::", re.DOTALL)
HTML_IMAGE = re.compile(r"<img\b[^>]*?\bsrc=[\"']([^\"']*)[\"'][^>]*>", re.IGNORECASE)
LEADING_H1 = re.compile(r"\A\s*#[ \t]+(.+?)[ \t#]*(?:\n|\Z)")
FIRST_H1 = re.compile(r"^#[ \t]+(.+?)[ \t#]*$", re.MULTILINE)
US_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"“(])")
NOT_PROSE = ("#", "```", "~~~", "|", "<", ">", ":::", "---", "- ", "* ", "1. ")


@dataclass
class ImportReport:
    imported: int = 0
    journeys: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # "path: reason"


def humanize(folder: str) -> str:
    """``teams-rooms-and-devices`` -> ``Teams rooms and devices``; ``SharePoint`` is kept."""
    words = folder.replace("_", " ").replace("-", " ").strip()
    return words[:1].upper() + words[1:] if words.islower() else words


def one_line(text: str, limit: int) -> str:
    """Whitespace collapsed, cut at a word boundary with an ellipsis when over ``limit``."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:") + "…"


def first_sentence(text: str) -> str:
    text = " ".join(text.split())
    return one_line(SENTENCE_END.split(text, maxsplit=1)[0], f.MAX_SUMMARY_LENGTH)


def first_paragraph(body: str) -> str:
    """Plain text of the first block of prose: not a heading, list, table, quote or code."""
    for block in re.split(r"\n\s*\n", body):
        block = block.strip()
        if block and not block.startswith(NOT_PROSE):
            text = markdown_to_text(block)
            if text:
                return text
    return ""


def parse_date(value: Any) -> date | None:
    """A date from a YAML date, ``MM/DD/YYYY`` or ``YYYY-MM-DD``; None if it is neither."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value or "").strip()
    us = US_DATE.match(text)
    try:
        if us:
            return date(int(us[3]), int(us[1]), int(us[2]))
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


def parse_tags(data: dict[str, Any]) -> list[str]:
    for key in TAG_KEYS:
        value = data.get(key)
        if isinstance(value, str):
            value = value.split(",")
        if isinstance(value, list):
            return [str(v).strip() for v in value if isinstance(v, str | int) and str(v).strip()]
    return []


def _is_local(target: str) -> bool:
    """A relative path to a Markdown or image file of the old tree."""
    if not target or target.startswith(("/", "#")) or re.match(r"^[a-zA-Z][\w+.-]*:", target):
        return False
    return Path(re.split(r"[?#]", target)[0].replace("\\", "/")).suffix.lower() in LOCAL_SUFFIXES


def drop_local_links(body: str) -> str:
    """Remove images of the old tree and unwrap links to its files, keeping the link text."""
    body = DOCFX_IMAGE.sub(lambda m: "" if _is_local(m[1]) else m[0], body)
    body = HTML_IMAGE.sub(lambda m: "" if _is_local(m[1]) else m[0], body)
    body = MD_IMAGE.sub(lambda m: "" if _is_local(m[1]) else m[0], body)
    return MD_LINK.sub(lambda m: m[1] if _is_local(m[2]) else m[0], body)


def split_front_matter(text: str) -> tuple[dict[str, Any], str]:
    """Front matter (may be absent) and body; ValueError naming the line if it is broken."""
    lines = text.lstrip("\ufeff").splitlines(keepends=True)
    if not lines or lines[0].strip() != FENCE:
        return {}, "".join(lines)
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in (FENCE, "...")), None)
    if end is None:
        raise ValueError("line 1: the front matter is never closed with '---'")
    try:
        data = yaml.load("".join(lines[1:end]), Loader=YAML_LOADER) or {}
    except yaml.YAMLError as error:
        line = yaml_error_line(error, 2)
        raise ValueError(f"line {line}: {yaml_error_message(error)}") from None
    if not isinstance(data, dict):
        raise ValueError("line 2: the front matter is not a set of 'key: value' lines")
    return {str(key): value for key, value in data.items()}, "".join(lines[end + 1 :])


def convert(text: str, fallback_title: str, summary_key: str) -> tuple[dict[str, Any], str]:
    """Front matter and body in our format; ValueError if the file is unusable."""
    data, body = split_front_matter(text)
    heading = FIRST_H1.search(body)
    body = drop_local_links(LEADING_H1.sub("", body, count=1)).strip()
    if not body:
        raise ValueError("no body text")
    title = data.get("title")
    if not isinstance(title, str | int | float) or not str(title).strip():
        title = (markdown_to_text(heading[1]) if heading else "") or fallback_title
    summary = data.get(summary_key)
    summary = summary if isinstance(summary, str) and summary.strip() else first_paragraph(body)
    out: dict[str, Any] = {
        "title": one_line(str(title), f.MAX_TITLE_LENGTH) or fallback_title,
        "summary": first_sentence(summary) or one_line(str(title), f.MAX_SUMMARY_LENGTH),
    }
    if tags := parse_tags(data):
        out["tags"] = tags
    updated = next((d for d in map(parse_date, (data.get(k) for k in DATE_KEYS)) if d), None)
    if updated:
        out["updated"] = updated
    return out, body + "\n"


def import_tree(
    source: Path, target: Path, summary_key: str = "description", journey_depth: int = 1
) -> ImportReport:
    """Import every ``*.md`` under ``source`` into ``target/<journey>/<slug>.md``."""
    source, target = Path(source), Path(target)
    report = ImportReport()
    used = {p.stem for p in target.rglob("*.md")} if target.is_dir() else set()
    existing = load_journeys(target)[0] if (target / JOURNEYS_FILE).is_file() else []
    journeys = {journey.slug: journey for journey in existing}
    filled: set[str] = set()
    for path in sorted(source.rglob("*.md")):
        relative = path.relative_to(source)
        if path.stem.lower() == "readme" or any(p.startswith((".", "_")) for p in relative.parts):
            continue
        try:
            text = path.read_text(encoding="utf-8")
            front, body = convert(text, humanize(path.stem), summary_key)
        except (OSError, ValueError) as error:  # UnicodeDecodeError is a ValueError
            report.skipped.append(f"{relative.as_posix()}: {error}")
            continue
        folders = relative.parts[:-1][: max(journey_depth, 1)]
        journey = f.slugify("-".join(folders)) if folders else ROOT_JOURNEY
        if journey not in journeys:
            title = " / ".join(humanize(part) for part in folders) or "General"
            journeys[journey] = Journey(journey, title, f"Articles about {title}.", JOURNEY_ICON)
        slug = base = f.slugify(path.stem)
        for suffix in range(2, len(used) + 3):
            if slug not in used:
                break
            slug = f"{base}-{suffix}"
        used.add(slug)
        out = target / journey / f"{slug}.md"
        out.parent.mkdir(parents=True, exist_ok=True)
        header = yaml.dump(front, Dumper=YAML_DUMPER, allow_unicode=True, sort_keys=False,
                           width=1000)
        out.write_text(f"{FENCE}\n{header}{FENCE}\n\n{body}", encoding="utf-8")
        report.imported += 1
        filled.add(journey)
    target.mkdir(parents=True, exist_ok=True)
    listing = [asdict(journey) for journey in journeys.values()]
    (target / JOURNEYS_FILE).write_text(  # the pure-Python dumper writes emoji as they are
        yaml.safe_dump(listing, allow_unicode=True, sort_keys=False), encoding="utf-8")
    report.journeys = sorted(filled)
    return report
