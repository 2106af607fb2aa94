"""Read ``journeys.yml``: the user journeys, in display order."""

from __future__ import annotations

from pathlib import Path

import yaml

from app.content.frontmatter import compose_and_load, yaml_error_line, yaml_error_message
from app.content.models import Journey
from app.content.problems import Problem

JOURNEYS_FILE = "journeys.yml"


def load_journeys(content_dir: Path) -> tuple[list[Journey], list[Problem]]:
    """Journeys from ``journeys.yml``; when it is missing, fall back to the folder names."""
    path = content_dir / JOURNEYS_FILE
    label = str(path)
    if not path.exists():
        folders = sorted(
            p.name
            for p in (content_dir.iterdir() if content_dir.is_dir() else [])
            if p.is_dir() and not p.name.startswith((".", "_"))
        )
        fallback = [Journey(name, name.replace("-", " ").capitalize()) for name in folders]
        return fallback, [Problem(label, 1, f"{JOURNEYS_FILE} is missing; using folder names")]

    text = path.read_text(encoding="utf-8")
    try:
        node, data = compose_and_load(text)
    except yaml.YAMLError as error:
        return [], [Problem(label, yaml_error_line(error, 1), yaml_error_message(error))]
    if not isinstance(data, list) or not isinstance(node, yaml.SequenceNode):
        return [], [Problem(label, 1, "must be a YAML list of {slug, title, description, icon}")]

    journeys: list[Journey] = []
    problems: list[Problem] = []
    seen: set[str] = set()
    for item, item_node in zip(data, node.value, strict=True):
        line = item_node.start_mark.line + 1
        if not isinstance(item, dict):
            problems.append(Problem(label, line, "each journey must be a mapping"))
            continue
        slug, title = item.get("slug"), item.get("title")
        if not isinstance(slug, str) or not slug.strip():
            problems.append(Problem(label, line, "journey needs a 'slug'"))
            continue
        if slug in seen:
            problems.append(Problem(label, line, f"duplicate journey slug '{slug}'"))
            continue
        if not isinstance(title, str) or not title.strip():
            problems.append(Problem(label, line, f"journey '{slug}' needs a 'title'"))
            continue
        translations, problem = _translations(item.get("translations"), slug, label, line)
        if problem:
            problems.append(problem)
        seen.add(slug)
        journeys.append(
            Journey(
                slug=slug,
                title=title.strip(),
                description=str(item.get("description") or "").strip(),
                icon=str(item.get("icon") or "").strip(),
                translations=translations,
            )
        )
    return journeys, problems


def _translations(
    value: object, slug: str, label: str, line: int
) -> tuple[dict[str, tuple[str, str]], Problem | None]:
    """``translations: {zh: {title: …, description: …}}`` -> {"zh": (title, description)}."""
    if value is None:
        return {}, None
    if not isinstance(value, dict) or not all(isinstance(v, dict) for v in value.values()):
        return {}, Problem(label, line, f"journey '{slug}': 'translations' must map a language "
                                        "code to {title, description}")
    return {
        str(lang).split("-", 1)[0].lower(): (
            str(texts.get("title") or "").strip(),
            str(texts.get("description") or "").strip(),
        )
        for lang, texts in value.items()
    }, None
