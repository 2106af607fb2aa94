"""``/widget.js`` (the script, with its interface strings) and ``/demo/shop``."""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path

from flask import Response, current_app, render_template, request, url_for

from app.widget import widget
from app.widget.strings import widget_strings

SCRIPT = Path(__file__).with_name("widget.js")
SCRIPT_MAX_AGE = 300  # a fixed URL in customers' pages: changes reach them within minutes


@lru_cache(maxsize=4)
def script_text(languages: tuple[str, ...], stamp: int) -> str:
    """widget.js with the strings of every language filled in (``stamp``: the file's mtime)."""
    strings = json.dumps(widget_strings(list(languages)), ensure_ascii=False,
                         separators=(",", ":"))
    return SCRIPT.read_text(encoding="utf-8").replace("__STRINGS__", strings)


@widget.get("/widget.js")
def script():
    text = script_text(tuple(current_app.config["KB_LANGUAGES"]), SCRIPT.stat().st_mtime_ns)
    response = Response(text, mimetype="text/javascript")
    response.headers["Cache-Control"] = f"public, max-age={SCRIPT_MAX_AGE}"
    response.set_etag(hashlib.sha256(text.encode()).hexdigest()[:32])
    response.headers["Cross-Origin-Resource-Policy"] = "cross-origin"
    return response.make_conditional(request)


@widget.get("/demo/shop")
def demo_shop():
    """An invented checkout page with the widget on it: the one-minute demo."""
    lang = request.args.get("lang", "en")
    lang = lang if lang in current_app.config["KB_LANGUAGES"] else "en"
    return render_template("widget/demo_shop.html", lang=lang,
                           context=request.args.get("context", "checkout"),
                           script=url_for("widget.script", _external=True))
