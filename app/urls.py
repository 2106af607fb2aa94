"""Flask whose ``url_for`` keeps the page links it built: a search page asks for about twenty
(the topics, every result, the pages), each a walk through Werkzeug's URL map."""

from __future__ import annotations

from typing import Any

from flask import Flask, has_request_context, request

URLS_KEPT = 4096


class LinkKeepingFlask(Flask):
    """Only links inside a request, relative to the site (no ``_external``, no ``_scheme``),
    with hashable values and while no ``url_defaults`` function could change them are kept,
    by everything they are built from: endpoint, values in order and with their types (1 and
    True are equal keys, not equal links), anchor, method and the request's script root. A
    build that fails is not kept and raises as before."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._links: dict[tuple, str] = {}

    def url_for(self, endpoint: str, /, *, _anchor: str | None = None,
                _method: str | None = None, _scheme: str | None = None,
                _external: bool | None = None, **values: Any) -> str:
        if (_external or _scheme or not has_request_context() or endpoint[:1] == "."
                or any(self.url_default_functions.values())):
            return super().url_for(endpoint, _anchor=_anchor, _method=_method,
                                   _scheme=_scheme, _external=_external, **values)
        try:
            key = (endpoint, tuple((name, type(value), value) for name, value in values.items()),
                   _anchor, _method, request.script_root)
            link = self._links.get(key)
        except TypeError:  # a list of values: built every time
            return super().url_for(endpoint, _anchor=_anchor, _method=_method, **values)
        if link is None:
            link = super().url_for(endpoint, _anchor=_anchor, _method=_method,
                                   _external=_external, **values)
            if len(self._links) >= URLS_KEPT:
                self._links.clear()
            self._links[key] = link
        return link
