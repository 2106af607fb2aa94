"""Editors keep the search synonyms (content/_synonyms.yml) from the browser."""

from __future__ import annotations

from flask import redirect, render_template, request, url_for
from flask_login import current_user

from app import helpcenter
from app.accounts.access import permission_required
from app.editor import editor
from app.editor.revisions import record_synonyms_change, synonyms_changes
from app.search.synonyms import (
    SYNONYMS_FILE,
    SynonymsError,
    as_lines,
    parse_synonyms,
    save_lines,
    text_hash,
)


def _page(lines: str, base_hash: str, *, errors=None, conflict=False, broken=None,
          broken_text="", status=200):
    return render_template("editor/synonyms.html", lines=lines, base_hash=base_hash,
                           errors=errors or {}, conflict=conflict, broken=broken,
                           broken_text=broken_text,
                           saved=request.args.get("saved") == "1",
                           changes=synonyms_changes()), status


@editor.get("/synonyms")
@permission_required("editor")
def synonyms():
    path = helpcenter().content_dir / SYNONYMS_FILE
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    broken = None
    try:
        lines = as_lines(parse_synonyms(text, SYNONYMS_FILE))
    except SynonymsError as error:  # edited by hand and broken: say so, show it as it is
        lines, broken = "", str(error)
    added = " ".join(request.args.get("add", "").split())[:200]
    if added:  # from the search-quality page: a poor query to give synonyms to
        lines += f"{added}, "
    return _page(lines, text_hash(text), broken=broken, broken_text=text if broken else "")


@editor.post("/synonyms")
@permission_required("editor")
def save_synonyms():
    lines = request.form.get("lines", "")
    outcome = save_lines(helpcenter().content_dir / SYNONYMS_FILE, lines,
                         request.form.get("base_hash", ""), journal=helpcenter().journal)
    if outcome.saved:
        record_synonyms_change(outcome, current_user.id, current_user.email)
        return redirect(url_for("editor.synonyms", saved=1))
    if outcome.conflict:
        return _page(lines, request.form.get("base_hash", ""), conflict=True, status=409)
    return _page(lines, request.form.get("base_hash", ""), errors=outcome.errors, status=400)
