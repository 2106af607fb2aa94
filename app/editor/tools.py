"""Editor helpers called from the edit page: live preview and image upload."""

from __future__ import annotations

import re

from flask import current_app, jsonify, render_template, request

from app import helpcenter
from app.accounts.access import permission_required
from app.content.loader import MEDIA_DIR
from app.content.media import MediaError, save_image
from app.content.render import render_markdown
from app.editor import editor
from app.editor.articles import all_articles
from app.i18n import translate
from app.text import Text

MAX_PREVIEW_CHARACTERS = 200_000


@editor.post("/preview")
@permission_required("editor")
def live_preview():
    """The body as readers will see it: the public renderer and sanitizer, as JSON."""
    body = request.form.get("body", "")
    if len(body) > MAX_PREVIEW_CHARACTERS:
        error = Text("The article is longer than %(limit)s characters.",
                     limit=MAX_PREVIEW_CHARACTERS)
        # ``error`` stays English (as every JSON answer); ``message`` is for the editor's page.
        return jsonify(error=error, message=translate(error)), 400
    return jsonify(html=render_markdown(body))


@editor.post("/media")
@permission_required("editor")
def upload_media():
    """Store an image in content/_media/; answer with the Markdown that shows it."""
    upload = request.files.get("image")
    # Markdown-safe: no brackets, backslashes or line breaks.
    alt = " ".join(re.sub(r"[\[\]\\]", "", request.form.get("alt") or "").split())[:200]
    wants_json = request.accept_mimetypes.best == "application/json"
    try:
        if upload is None:
            raise MediaError(Text("Choose an image file to upload."))
        if not alt:
            raise MediaError(Text("Describe the image for people who cannot see it."))
        name = save_image(helpcenter().content_dir / MEDIA_DIR, upload.filename or "",
                          upload.read(current_app.config["KB_MAX_IMAGE_BYTES"] + 1),
                          current_app.config["KB_MAX_IMAGE_BYTES"], journal=helpcenter().journal)
    except MediaError as error:
        message = str(error)  # a Text, shown translated
        if wants_json:
            # ``error`` stays English (as every JSON answer); ``message`` is for the editor's page.
            return jsonify(error=str(error), message=translate(message)), 400
        return render_template("editor/media.html", error=translate(message),
                               markdown=None), 400
    markdown = f"![{alt}](/media/{name})"
    if wants_json:
        return jsonify(name=name, url=f"/media/{name}", markdown=markdown), 201
    return render_template("editor/media.html", error=None, markdown=markdown), 201


MAX_PICKS = 10


@editor.get("/articles.json")
@permission_required("editor")
def pick_articles():
    """Articles whose title or slug contains the words typed, for the related-articles and
    translation pickers: slug, title, language and whether it is a draft."""
    words = request.args.get("q", "").casefold().split()
    matches = []
    for article in all_articles():
        haystack = f"{article.title} {article.slug}".casefold()
        if all(word in haystack for word in words):
            matches.append({"slug": article.slug, "title": article.title,
                            "lang": article.lang, "draft": article.draft})
        if len(matches) == MAX_PICKS:
            break
    return jsonify(articles=matches)
