"""Help contexts editors manage in ``content/_contexts.yml``: where on a customer's page the
widget sits (``checkout``, ``orders``...) -> the articles it suggests first.

The file maps a context key to pinned article slugs, journeys and tags, with optional
per-language overrides::

    checkout:
      articles: [payment-declined, paid-but-order-failed]
      journeys: [orders-and-payments]
      tags: [payment]
      zh:
        articles: [payment-declined-zh]

Pinned articles come first, then articles of the journeys or carrying one of the tags. An
unknown context is not an error for the reader: the most viewed articles are suggested, then
the newest. Nothing here knows about requests.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from app.content import Article

CONTEXTS_FILE = "_contexts.yml"
KEY_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]{0,59}$")
LIST_FIELDS = ("articles", "journeys", "tags")
LANGUAGE_PATTERN = re.compile(r"^[a-z]{2}$")
DEFAULT_LIMIT = 5


class ContextsError(ValueError):
    """The contexts file is malformed; the message names the file and line."""


@dataclass(frozen=True)
class Rule:
    """What one context suggests in one language (or in every language)."""

    articles: tuple[str, ...] = ()
    journeys: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    line: int = 1


@dataclass(frozen=True)
class Context:
    key: str
    rule: Rule
    languages: dict[str, Rule] = field(default_factory=dict)
    line: int = 1

    def rule_for(self, lang: str) -> Rule:
        return self.languages.get(lang, self.rule)


def _fail(source: str, node: yaml.Node, message: str) -> ContextsError:
    return ContextsError(f"{source}, line {node.start_mark.line + 1}: {message}")


def _rule(node: yaml.Node, source: str, where: str, allow_languages: bool
          ) -> tuple[Rule, dict[str, Rule]]:
    if not isinstance(node, yaml.MappingNode):
        raise _fail(source, node, f"{where} must be a mapping of articles, journeys and tags")
    values: dict[str, tuple[str, ...]] = {}
    languages: dict[str, Rule] = {}
    for key_node, value_node in node.value:
        name = str(key_node.value)
        if allow_languages and LANGUAGE_PATTERN.match(name):
            languages[name] = _rule(value_node, source, f"{where}.{name}", False)[0]
            continue
        if name not in LIST_FIELDS:
            raise _fail(source, key_node, f"{where}: unknown field {name!r} (expected "
                                          f"{', '.join(LIST_FIELDS)} or a language code)")
        if not isinstance(value_node, yaml.SequenceNode):
            raise _fail(source, value_node, f"{where}.{name} must be a list, like `[a, b]`")
        items = []
        for item in value_node.value:
            if not isinstance(item, yaml.ScalarNode) or not str(item.value).strip():
                raise _fail(source, item, f"{where}.{name}: each entry must be a non-empty word")
            items.append(str(item.value).strip())
        values[name] = tuple(items)
    rule = Rule(line=node.start_mark.line + 1, **values)
    if not (rule.articles or rule.journeys or rule.tags or languages):
        raise _fail(source, node, f"{where} suggests nothing: give articles, journeys or tags")
    return rule, languages


def parse_contexts(text: str, source: str = CONTEXTS_FILE) -> dict[str, Context]:
    """The contexts in ``text``; ContextsError naming ``source`` and the line on any problem."""
    try:
        data = yaml.compose(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark else "?"
        raise ContextsError(f"{source}, line {line}: not valid YAML "
                            f"({getattr(error, 'problem', error)})") from None
    if data is None:
        return {}
    if not isinstance(data, yaml.MappingNode):
        raise _fail(source, data, "expected a mapping of context keys, like `checkout:`")
    contexts: dict[str, Context] = {}
    for key_node, value_node in data.value:
        key = str(key_node.value)
        if not KEY_PATTERN.match(key):
            raise _fail(source, key_node, f"context key {key!r} must be lower-case letters, "
                                          "digits, - or _ (at most 60)")
        if key in contexts:
            raise _fail(source, key_node, f"context {key!r} is defined twice")
        rule, languages = _rule(value_node, source, key, True)
        contexts[key] = Context(key, rule, languages, key_node.start_mark.line + 1)
    return contexts


def load_contexts(path: Path) -> dict[str, Context]:
    """The contexts in ``path`` (none when the file is absent)."""
    if not path.is_file():
        return {}
    return parse_contexts(path.read_text(encoding="utf-8"), str(path))


def check_references(contexts: dict[str, Context], slugs: set[str], journeys: set[str],
                     source: str = CONTEXTS_FILE) -> list[str]:
    """``file, line N: ...`` for each pinned article or journey that does not exist."""
    problems = []
    for context in contexts.values():
        for lang, rule in [("", context.rule), *context.languages.items()]:
            where = f"{context.key}.{lang}" if lang else context.key
            problems += [f"{source}, line {rule.line}: {where}: no article {slug!r}"
                         for slug in rule.articles if slug not in slugs]
            problems += [f"{source}, line {rule.line}: {where}: no journey {name!r}"
                         for name in rule.journeys if name not in journeys]
    return problems


def suggest(context: Context | None, articles: list[Article], lang: str,
            localize: Callable[[Iterable[Article], str], list[Article]],
            most_viewed: list[str], limit: int = DEFAULT_LIMIT) -> tuple[list[Article], bool]:
    """The articles to suggest in ``lang`` and whether they come from the context (False:
    the fallback of the most viewed articles, then the newest)."""
    by_slug = {article.slug: article for article in articles}
    chosen: list[Article] = []
    if context is not None:
        rule = context.rule_for(lang)
        tags = {tag.lower() for tag in rule.tags}
        pinned = [by_slug[slug] for slug in rule.articles if slug in by_slug]
        matching = [a for a in articles
                    if a.journey in rule.journeys or tags & {t.lower() for t in a.tags}]
        chosen = localize([*pinned, *matching], lang)[:limit]
        if chosen:
            return chosen, True
    viewed = [by_slug[slug] for slug in most_viewed if slug in by_slug]
    newest = sorted((a for a in articles if a.updated), key=lambda a: (a.updated, a.title),
                    reverse=True)
    return localize([*viewed, *newest], lang)[:limit], False


_cache: dict[Path, tuple[int, dict[str, Context]]] = {}


def current_contexts(path: Path) -> dict[str, Context]:
    """The contexts in ``path``, read again only when the file changes. A file that does not
    parse suggests nothing (every context falls back) rather than failing: `content check`
    reports it with its line."""
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        return {}
    cached = _cache.get(path)
    if cached and cached[0] == stamp:
        return cached[1]
    try:
        contexts = load_contexts(path)
    except (ContextsError, OSError, UnicodeDecodeError):
        contexts = {}
    _cache[path] = (stamp, contexts)
    return contexts
