"""The OpenAPI document and a reference page made from it on the server (no script, no CDN)."""

from __future__ import annotations

from typing import Any

from flask import jsonify, render_template

from app.api import reference
from app.api.openapi import document

METHODS = ("get", "post", "put", "patch", "delete")


@reference.get("/openapi.json")
def openapi_json():
    return jsonify(document())


def _resolve(doc: dict[str, Any], schema: dict[str, Any] | None) -> tuple[str, dict]:
    """A schema's name (when it is a reference) and the schema itself."""
    schema = schema or {}
    ref = schema.get("$ref")
    if ref:
        name = ref.rsplit("/", 1)[-1]
        return name, doc["components"]["schemas"].get(name, {})
    return "", schema


def operations(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """Every operation of the document, grouped as the page lists them."""
    found = []
    for path, item in doc.get("paths", {}).items():
        for method in METHODS:
            if method in item:
                operation = item[method]
                found.append({"path": path, "method": method.upper(), **operation,
                              "anchor": f"{method}-{path.strip('/').replace('/', '-')}"
                              .replace("{", "").replace("}", "")})
    return found


@reference.get("/docs")
def docs():
    doc = document()
    return render_template("api/reference.html", doc=doc, operations=operations(doc),
                           resolve=lambda schema: _resolve(doc, schema))
