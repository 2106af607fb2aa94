"""The OpenAPI document, and a reference page made from it on the server: no script, nothing
from another site, so the strict Content-Security-Policy of app/security.py holds."""

from __future__ import annotations

from typing import Any

from flask import jsonify, render_template, request
from markupsafe import Markup, escape

from app.api import reference
from app.api.openapi import document
from app.content.render import render_markdown

METHODS = ("get", "post", "put", "patch", "delete")


@reference.get("/openapi.json")
def openapi_json():
    return jsonify(document())


def describe(schema: dict[str, Any] | None) -> list[tuple[str, str]]:
    """A schema's type in words: ``[("text", "array of "), ("ref", "SearchHit")]``."""
    schema = schema or {}
    if "$ref" in schema:
        return [("ref", schema["$ref"].rsplit("/", 1)[-1])]
    for combined in ("anyOf", "oneOf", "allOf"):
        if combined in schema:
            parts: list[tuple[str, str]] = []
            for index, option in enumerate(schema[combined]):
                parts += ([("text", " or ")] if index else []) + describe(option)
            return parts
    kind = schema.get("type", "any")
    kinds = [kind] if isinstance(kind, str) else list(kind)
    words: list[tuple[str, str]] = []
    for index, one in enumerate(kinds):
        if index:
            words.append(("text", " or "))
        if one == "array":
            words += [("text", "array of ")] + describe(schema.get("items"))
        elif one == "object" and isinstance(schema.get("additionalProperties"), dict):
            words += [("text", "map of ")] + describe(schema["additionalProperties"])
        else:
            words.append(("text", one + (f" ({schema['format']})" if "format" in schema
                                         else "")))
    if "enum" in schema:
        words.append(("text", ": " + ", ".join(str(v) for v in schema["enum"])))
    bounds = [f"{key} {schema[key]}" for key in ("minimum", "maximum", "maxLength")
              if key in schema]
    if bounds:
        words.append(("text", f" ({', '.join(bounds)})"))
    return words


def inline(text: str | None) -> Markup:
    """A one-line description: escaped, with `code` spans."""
    parts = str(escape(text or "")).split("`")
    return Markup("".join(f"<code>{part}</code>" if index % 2 else part
                          for index, part in enumerate(parts)))


def markdown(text: str | None) -> Markup:
    """A longer description (ours, from docstrings and schemas), rendered and sanitised like
    an article."""
    return Markup(render_markdown(text or ""))


def example_query(operation: dict[str, Any]) -> str:
    """The required query parameters filled with their first example: ``?q=refund``."""
    pairs = [f"{p['name']}={p['schema']['examples'][0]}" for p in operation.get("parameters", [])
             if p["in"] == "query" and p.get("required") and p.get("schema", {}).get("examples")]
    return "?" + "&".join(pairs) if pairs else ""


def operations(doc: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Every operation of the document by tag, in the document's order."""
    by_tag: dict[str, list[dict[str, Any]]] = {}
    for path, item in doc.get("paths", {}).items():
        for method in METHODS:
            if method not in item:
                continue
            operation = item[method]
            anchor = f"{method}-{path.strip('/')}".replace("/", "-").replace("{", "") \
                .replace("}", "")
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            by_tag.setdefault((operation.get("tags") or ["api"])[0], []).append({
                **operation, "path": path, "method": method.upper(), "anchor": anchor,
                "body": body, "scopes": [scope for need in operation.get("security", [])
                                         for scope in need.get("apiToken", [])],
                "responses": dict(sorted((code, answer) for code, answer
                                         in operation["responses"].items() if code != "default")),
                "example_query": example_query(operation),
            })
    return by_tag


@reference.get("/docs")
def docs():
    doc = document()
    return render_template("api/reference.html", doc=doc, tags=doc.get("tags", []),
                           operations=operations(doc), describe=describe,
                           markdown=markdown, inline=inline,
                           base_url=request.host_url.rstrip("/"))
