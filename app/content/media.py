"""Images uploaded by editors into content/_media/: type checked by content, size capped."""

from __future__ import annotations

from pathlib import Path

from app.content.fields import slugify
from app.content.journal import ContentConflict, ContentJournal, FilesOnly
from app.content.writer import write_bytes_atomically
from app.text import Text, TextError

# Recognised by their first bytes, not by the name or the browser's claim. SVG is left out on
# purpose: it can carry script, and uploaded files are served from the site's own origin.
SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpg"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
)
EXTENSIONS = {"png": {"png"}, "jpg": {"jpg", "jpeg"}, "gif": {"gif"}, "webp": {"webp"}}


class MediaError(TextError):
    """The upload was refused; the message says why and is fit to show the editor."""


def image_type(data: bytes) -> str | None:
    for signature, kind in SIGNATURES:
        if data.startswith(signature):
            return kind
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    return None


def _size(count: int) -> Text:
    return (Text("%(count)s bytes", count=count) if count < 1024
            else Text("%(count)s KB", count=f"{count / 1024:.0f}"))


def save_image(media_dir: Path, filename: str, data: bytes, max_bytes: int,
               journal: ContentJournal | None = None) -> str:
    """Store ``data`` under a new, safe name in ``media_dir`` and return that name."""
    if not data:
        raise MediaError(Text("Choose an image file to upload."))
    if len(data) > max_bytes:
        raise MediaError(Text("The image is %(size)s; the limit is %(limit)s.",
                              size=_size(len(data)), limit=_size(max_bytes)))
    kind = image_type(data)
    if kind is None:
        raise MediaError(Text("Only PNG, JPEG, GIF and WebP images can be uploaded."))
    extension = Path(filename).suffix.lower().lstrip(".")
    if extension and extension not in EXTENSIONS[kind]:
        raise MediaError(Text("The file is a %(kind)s image but is named .%(extension)s; "
                              "rename it and try again.", kind=kind.upper(), extension=extension))
    stem = slugify(Path(filename).stem, fallback="image", max_length=60)
    for counter in range(1, 1000):
        name = f"{stem}.{kind}" if counter == 1 else f"{stem}-{counter}.{kind}"
        if (media_dir / name).exists():
            continue
        try:
            (journal or FilesOnly()).record([(f"{media_dir.name}/{name}", data, None)])
            write_bytes_atomically(media_dir / name, data, new=True)
        except (FileExistsError, ContentConflict):  # another upload took the name just now
            continue
        return name
    raise MediaError(Text("Too many images are named %(stem)s; rename the file and try again.",
                          stem=stem))
