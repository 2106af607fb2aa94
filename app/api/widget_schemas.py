"""The shapes of the widget's endpoints: a page context's articles and a widget session."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields

from app.api.schemas import LANG, Str, known_language
from app.widget.contexts import KEY_PATTERN

KEY_RULE = "lower-case letters, digits, - or _ (at most 60)"


def context_key(value: str) -> None:
    if value and not KEY_PATTERN.match(value):
        raise ValidationError(f"must be {KEY_RULE}")


class ContextArgs(Schema):
    lang = Str(validate=known_language, metadata={"description": LANG, "examples": ["zh"]})


class ContextArticle(Schema):
    slug = fields.String()
    title = fields.String()
    summary = fields.String()
    journey = fields.String()
    lang = fields.String()
    url = fields.String()


class ContextArticles(Schema):
    context = fields.String()
    lang = fields.String()
    matched = fields.Boolean(metadata={
        "description": "false: the context is not in content/_contexts.yml, so these are the "
                       "most viewed articles (then the newest)."})
    articles = fields.List(fields.Nested(ContextArticle))


class WidgetSessionBody(Schema):
    context = Str(allow_none=True, validate=context_key, metadata={
        "description": f"The page's context key ({KEY_RULE}), as in `data-context`.",
        "examples": ["checkout"]})


class WidgetSessionOut(Schema):
    token = fields.String(metadata={"description": "Send it in the header named below."})
    header = fields.String(metadata={"examples": ["X-Help-Session"]})
    context = fields.String(allow_none=True)
    expires_in = fields.Integer(metadata={"description": "Seconds until the token expires."})
