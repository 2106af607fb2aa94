"""Split a Markdown file into YAML front matter and body, keeping line numbers.

Line numbers are why this is not delegated to a generic front-matter library: every problem
must be reported as ``path:line``, so we need the line of each key.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

FENCE = "---"
# libyaml's loader when PyYAML was built with it: the same results, several times faster.
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class FrontMatterError(ValueError):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


@dataclass(frozen=True)
class FrontMatter:
    data: dict[str, Any]
    key_lines: dict[str, int]  # 1-based line of each key in the file
    body: str
    body_line: int  # 1-based line on which the body starts


def yaml_error_line(error: yaml.YAMLError, first_line: int) -> int:
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    return first_line + mark.line if mark is not None else first_line


def yaml_error_message(error: yaml.YAMLError) -> str:
    problem = getattr(error, "problem", None) or str(error).splitlines()[0]
    context = getattr(error, "context", None)
    return f"invalid YAML: {context + ', ' if context else ''}{problem}"


def compose_and_load(text: str) -> tuple[yaml.Node | None, Any]:
    """Parse YAML once: the node tree (for line numbers) and the Python values built from it."""
    loader = YAML_LOADER(text)
    try:
        node = loader.get_single_node()
        return node, (loader.construct_document(node) if node is not None else None)
    finally:
        loader.dispose()


def parse_front_matter(text: str) -> FrontMatter:
    """Parse ``---``-fenced YAML at the top of ``text``; raise FrontMatterError with a line."""
    text = text.lstrip("\ufeff")
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != FENCE:
        raise FrontMatterError(1, "the file must start with a '---' line opening the front matter")
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in (FENCE, "...")), None)
    if end is None:
        raise FrontMatterError(1, "the front matter opened on line 1 is never closed with '---'")
    yaml_text = "".join(lines[1:end])
    try:
        node, data = compose_and_load(yaml_text)
    except yaml.YAMLError as error:
        raise FrontMatterError(yaml_error_line(error, 2), yaml_error_message(error)) from None
    if data is None:
        data, key_lines = {}, {}
    elif not isinstance(data, dict) or not isinstance(node, yaml.MappingNode):
        raise FrontMatterError(2, "the front matter must be a set of 'key: value' lines")
    else:
        key_lines = {str(key.value): key.start_mark.line + 2 for key, _ in node.value}
    return FrontMatter(
        data={str(k): v for k, v in data.items()},
        key_lines=key_lines,
        body="".join(lines[end + 1 :]),
        body_line=end + 2,
    )
