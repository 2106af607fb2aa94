"""Editors keep the help widget's page contexts (content/_contexts.yml) from the browser."""

from __future__ import annotations

from flask import redirect, render_template, request, url_for

from app import helpcenter
from app.accounts.access import permission_required
from app.content.journal import text_hash
from app.editor import editor
from app.widget.contexts import CONTEXTS_FILE
from app.widget.editing import save_contexts


def _page(text: str, base_hash: str, *, errors=None, conflict=False, status=200):
    return render_template("editor/contexts.html", text=text, base_hash=base_hash,
                           errors=errors or [], conflict=conflict,
                           saved=request.args.get("saved") == "1"), status


@editor.get("/contexts")
@permission_required("editor")
def contexts():
    path = helpcenter().content_dir / CONTEXTS_FILE
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    return _page(text, text_hash(text))


@editor.post("/contexts")
@permission_required("editor")
def save_contexts_page():
    center = helpcenter()
    text = request.form.get("text", "")
    base_hash = request.form.get("base_hash", "")
    outcome = save_contexts(center.content_dir / CONTEXTS_FILE, text, base_hash,
                            {a.slug for a in center.load_content().articles},
                            {j.slug for j in center.journeys()}, journal=center.journal)
    if outcome.saved:
        return redirect(url_for("editor.contexts", saved=1))
    if outcome.conflict:
        return _page(text, base_hash, conflict=True, status=409)
    return _page(text, base_hash, errors=outcome.errors, status=400)
