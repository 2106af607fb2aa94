"""Write an article file: front matter in a fixed key order, atomically (temp file + rename)."""

from __future__ import annotations

import os
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

import yaml

FIELD_ORDER = ("title", "summary", "tags", "lang", "translation_key", "urgent", "draft",
               "updated", "review_by", "related")


def article_text(fields: dict[str, Any], body: str) -> str:
    """The Markdown file for these front matter fields and body."""
    ordered = {key: fields[key] for key in FIELD_ORDER if fields.get(key) not in (None, "", [])}
    for key, value in ordered.items():
        if isinstance(value, date):
            ordered[key] = value.isoformat()
    front = yaml.safe_dump(ordered, allow_unicode=True, sort_keys=False, width=100)
    # Dates were written as strings; unquote them so they read back as YAML dates.
    for key in ("updated", "review_by"):
        if key in ordered:
            front = front.replace(f"{key}: '{ordered[key]}'", f"{key}: {ordered[key]}")
    return f"---\n{front}---\n{body.strip()}\n"


def write_atomically(path: Path, text: str, *, new: bool = False) -> None:
    """Readers see the old file or the new one, never half of it."""
    write_bytes_atomically(path, text.encode("utf-8"), new=new)


def write_bytes_atomically(path: Path, data: bytes, *, new: bool = False) -> None:
    """Write ``data`` to a temporary file beside ``path``, then move it into place.

    With ``new``, the file must not exist yet: ``FileExistsError`` rather than overwriting a
    file someone else created a moment ago (hard link, which refuses an existing name).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        if new:
            os.link(temporary, path)
            os.unlink(temporary)
        else:
            os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
