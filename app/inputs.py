"""The one rule for text people send us, decided here and applied to every request.

Stored text never holds characters that a person cannot see or type and that databases refuse:
C0 and C1 control characters other than tab, line feed and carriage return, DEL, lone UTF-16
surrogates (valid JSON, but not text: PostgreSQL and UTF-8 refuse them) and the
noncharacters U+FFFE/U+FFFF. What happens to them depends on who sent them:

- a program (a JSON body, or the query string of an ``/api/`` call) gets 400 naming the field;
- a person (a browser form or a page's query string) never sees them, so they are removed and
  the rest of the text is kept.

JSON bodies are also bounded in size and nesting depth before anything reads them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from app.text import Text

# Tab, LF and CR stay: people write lines and paste tables.
_REFUSED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
MAX_JSON_BYTES = 64 * 1024
MAX_JSON_DEPTH = 20


class InputError(ValueError):
    """Input refused: ``field`` names where (a dotted path in a JSON body), ``message`` why."""

    def __init__(self, field: str, message: Text, status: int = 400) -> None:
        super().__init__(f"{field}: {message}")
        self.field, self.message, self.status = field, message, status


def refused_character(value: str) -> str | None:
    """The first character the rule refuses, as ``U+XXXX``, or None when the text is fine."""
    found = _REFUSED.search(value)
    return f"U+{ord(found.group()):04X}" if found else None


def cleaned(value: str) -> str:
    """The text a person meant: refused characters removed (surrogates become U+FFFD)."""
    if not _REFUSED.search(value):
        return value
    return _REFUSED.sub(lambda m: "\ufffd" if "\ud800" <= m.group() <= "\udfff" else "", value)


def check_text(field: str, value: str) -> None:
    """Raise InputError naming ``field`` when ``value`` holds a refused character."""
    character = refused_character(value)
    if character:
        raise InputError(field, Text("contains %(character)s, a control or invalid character "
                                     "that cannot be stored", character=character))


def parse_json(data: bytes) -> Any:
    """Parse a request body within the size and depth bounds; InputError names what failed."""
    if len(data) > MAX_JSON_BYTES:
        raise InputError("body", Text("is %(size)s bytes; the limit is %(limit)s",
                                      size=len(data), limit=MAX_JSON_BYTES), status=413)
    if _nesting_depth(data) > MAX_JSON_DEPTH:
        raise InputError("body", Text("is nested more than %(depth)s levels deep",
                                      depth=MAX_JSON_DEPTH))
    try:
        return json.loads(data)
    except (ValueError, RecursionError) as error:
        raise InputError("body", Text("is not valid JSON: %(reason)s",
                                      reason=str(error).split(":")[0])) from None


def check_json(value: Any) -> None:
    """Check every key and string in a parsed JSON document; the field path names the first
    refused one (``comment``, ``tags.2``)."""
    for path, text in _strings(value):
        check_text(path or "body", text)


def _strings(value: Any) -> Iterator[tuple[str, str]]:
    stack: list[tuple[str, Any]] = [("", value)]
    while stack:
        path, item = stack.pop()
        if isinstance(item, str):
            yield path, item
        elif isinstance(item, dict):
            for key, child in item.items():
                child_path = f"{path}.{key}" if path else str(key)
                yield child_path, key
                stack.append((child_path, child))
        elif isinstance(item, list):
            stack.extend((f"{path}.{i}" if path else str(i), child)
                         for i, child in enumerate(item))


def _nesting_depth(data: bytes) -> int:
    """Deepest bracket nesting outside strings, counted without parsing (so without recursion)."""
    if data.count(b"[") + data.count(b"{") <= MAX_JSON_DEPTH:
        return 0  # cannot be too deep: skip the byte-by-byte walk
    depth = deepest = 0
    in_string = escaped = False
    for byte in data:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):  # [ {
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > MAX_JSON_DEPTH:
                    return deepest
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return deepest
