"""The shapes of the public API: each schema parses a request or shapes an answer, and the
OpenAPI document (app/api/openapi.py) is made from the same classes.

Messages say what is wrong in words a developer reads once and fixes; the parser puts the
field's name in front (``'limit' must be between 1 and 10.``)."""

from __future__ import annotations

from flask import current_app, url_for
from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate

from app import helpcenter
from app.content.render import render_cached
from app.events.votes import MAX_COMMENT_LENGTH, NO_REASONS
from app.search.results import MAX_PAGE_SIZE
from app.search.suggest import DEFAULT_SUGGESTIONS, MAX_SUGGESTIONS
from app.tickets.service import IDEMPOTENCY_KEY_PATTERN

WHOLE = {"invalid": "must be a whole number, not {input!r}"}
TEXT = {"invalid": "must be text"}


class StrictBoolean(fields.Boolean):
    """``true`` or ``false`` only: no "yes", no 1."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return value


def Str(**kwargs) -> fields.String:  # noqa: N802 - a field factory, read like a field class
    kwargs.setdefault("error_messages", TEXT)
    return fields.String(**kwargs)


def Whole(**kwargs) -> fields.Integer:  # noqa: N802
    return fields.Integer(strict=False, error_messages=WHOLE, **kwargs)


def has_text(what: str):
    def check(value: str) -> None:
        if not value.strip():
            raise ValidationError(f"is required: {what}")
    return check


def known_journey(value: str) -> None:
    if value and helpcenter().journey(value) is None:
        raise ValidationError(f"Unknown journey {value!r}: see GET /api/v1/journeys")


def known_language(value: str) -> None:
    languages = current_app.config["KB_LANGUAGES"]
    if value and value not in languages:
        raise ValidationError(f"must be one of {', '.join(languages)}, not {value!r}")


def between(low: int, high: int) -> validate.Range:
    return validate.Range(low, high, error=f"must be between {low} and {high}")


LANG = "Language code, one of the site's languages (`KB_LANGUAGES`, e.g. `en`, `zh`)."


# -- requests -------------------------------------------------------------------------------

class SearchArgs(Schema):
    q = Str(required=True, validate=has_text("the words to search for"),
             error_messages={**TEXT, "required": "is required: the words to search for"},
             metadata={"description": "The question or words, as typed.",
                       "examples": ["refund", "reset password"]})
    journey = Str(validate=known_journey, metadata={"description": "Only this journey.",
                                                    "examples": ["orders-and-payments"]})
    limit = Whole(validate=between(1, MAX_PAGE_SIZE),
                  metadata={"description": "Results per page (default KB_SEARCH_PAGE_SIZE)."})
    page = Whole(load_default=1, validate=between(1, 1000))
    lang = Str(validate=known_language, metadata={"description": LANG, "examples": ["en"]})
    source = Str(metadata={"description": "`contact`: live suggestions on a contact form, "
                                           "never counted as a search."})


class SuggestArgs(Schema):
    q = Str(required=True, validate=has_text("the words typed so far"),
             error_messages={**TEXT, "required": "is required: the words typed so far"},
             metadata={"examples": ["refu", "退"]})
    lang = Str(validate=known_language, metadata={"description": LANG, "examples": ["en"]})
    limit = Whole(load_default=DEFAULT_SUGGESTIONS, validate=between(1, MAX_SUGGESTIONS))


class ArticleArgs(Schema):
    lang = Str(validate=known_language, metadata={"description": LANG, "examples": ["en"]})
    source = Str(validate=validate.Length(max=40), metadata={
        "description": "Where the reader found the article (`search`, `context`…): recorded "
                       "with the view when the call carries a widget session."})


class ArticleListArgs(Schema):
    journey = Str(validate=known_journey, metadata={"examples": ["account-and-security"]})
    lang = Str(validate=known_language, metadata={
        "description": LANG + " One version of each article: this language where translated.",
        "examples": ["zh"]})
    updated_since = fields.Date(error_messages={"invalid": "must be a date like 2026-10-01"},
                                metadata={"description": "Only articles updated that day or "
                                                         "later."})
    page = Whole(load_default=1, validate=between(1, 10_000))
    per_page = Whole(load_default=20, validate=between(1, 100))


class VoteBody(Schema):
    class Meta:
        unknown = EXCLUDE

    helpful = StrictBoolean(required=True, error_messages={
        "invalid": "must be true or false", "required": "must be true or false",
        "null": "must be true or false"})
    reason = Str(allow_none=True, validate=validate.OneOf(
        [*NO_REASONS, ""], error=f"must be one of: {', '.join(NO_REASONS)}"),
        metadata={"description": "Why not (only with `helpful: false`)."})
    comment = Str(allow_none=True, metadata={
        "description": f"Free text, at most {MAX_COMMENT_LENGTH} characters once trimmed "
                       "(only with `helpful: false`)."})


class TicketBody(Schema):
    class Meta:
        unknown = EXCLUDE

    email = Str(required=True, error_messages={**TEXT, "required": "is required"})
    subject = Str(required=True, error_messages={**TEXT, "required": "is required"},
                   metadata={"description": "One line, at most 200 characters."})
    description = Str(required=True, error_messages={**TEXT, "required": "is required"},
                       metadata={"description": "At most 5000 characters."})
    order_reference = Str(allow_none=True)
    reference = Str(allow_none=True, metadata={"description": "Same as `order_reference`."})
    article = Str(allow_none=True, metadata={"description": "Slug of the article the reader "
                                                             "was on."})


class IdempotencyHeader(Schema):
    class Meta:
        unknown = EXCLUDE

    key = Str(data_key="Idempotency-Key", validate=validate.Regexp(
        IDEMPOTENCY_KEY_PATTERN, error="must be 8 to 200 visible ASCII characters, such as "
                                       "a UUID"),
        metadata={"description": "Send the same key when retrying: the ticket is stored once "
                                 "and the retry gets the first answer."})


class TokenArgs(Schema):
    token = Str(required=True, error_messages={**TEXT, "required": "is required"},
                 metadata={"description": "The token from the ticket's `status_url`."})


# -- answers --------------------------------------------------------------------------------

class ErrorDetail(Schema):
    status = fields.Integer(required=True)
    message = fields.String(required=True)
    field_errors = fields.Dict(keys=fields.String(), values=fields.String(), data_key="fields",
                               metadata={"description": "Each field that was wrong, and why."})
    diff = fields.String(metadata={"description": "With 409 on a content write: what was saved "
                                                  "meanwhile against yours (unified diff)."})


class ErrorBody(Schema):
    error = fields.Nested(ErrorDetail, required=True)


def article_url(item) -> str:
    return url_for("site.article", slug=item.slug)


class SearchHit(Schema):
    """Shapes a ``app.search.SearchHit``."""

    slug, title, summary, journey = (fields.String(), fields.String(), fields.String(),
                                     fields.String())
    lang = fields.String(attribute="language")
    url = fields.Function(article_url, metadata={"type": "string"})
    score = fields.Float()
    snippet = fields.String(allow_none=True, metadata={
        "description": "Escaped text with `<mark>` around the matched words."})
    position = fields.Integer()


class SearchPage(Schema):
    """Shapes a page of ``app.search`` results."""

    query = fields.String()
    journey = fields.String(allow_none=True)
    page, total = fields.Integer(), fields.Integer()
    total_is_exact = fields.Boolean()
    results = fields.List(fields.Nested(SearchHit), attribute="hits")
    did_you_mean = fields.String(allow_none=True)
    showing_suggestion = fields.Boolean()


class Via(Schema):
    field = fields.String(metadata={"description": "`tag` or `synonym`."})
    text = fields.String()
    marks = fields.List(fields.List(fields.Integer()))
    html = fields.String()


class Suggestion(Schema):
    """Shapes a ``app.search.suggest.Suggestion``."""

    slug, title = fields.String(), fields.String()
    title_html = fields.String(metadata={"description": "The title, escaped, with `<mark>` "
                                                        "around the typed parts."})
    marks = fields.List(fields.List(fields.Integer()), metadata={
        "description": "[start, end) code point offsets of the typed parts in `title`."})
    lang = fields.String(attribute="language")
    journey = fields.String()
    url = fields.Function(article_url, metadata={"type": "string"})
    via = fields.Nested(Via, allow_none=True, metadata={
        "description": "The tag or synonym that matched, when not the title."})


class SuggestPage(Schema):
    query = fields.String()
    lang = fields.String()
    suggestions = fields.List(fields.Nested(Suggestion))


class JourneyOut(Schema):
    slug, title, description = fields.String(), fields.String(), fields.String()
    articles = fields.Integer(metadata={"description": "Published articles in the language."})
    url = fields.String()


class JourneyList(Schema):
    lang = fields.String()
    journeys = fields.List(fields.Nested(JourneyOut))


class ArticleSummary(Schema):
    """Shapes a ``app.content.Article``."""

    slug, title, summary = fields.String(), fields.String(), fields.String()
    journey = fields.String()
    lang = fields.String(attribute="language")
    tags = fields.List(fields.String())
    urgent = fields.Boolean()
    updated = fields.Date(allow_none=True)
    url = fields.Function(article_url, metadata={"type": "string"})


class ArticleList(Schema):
    page, per_page, total = fields.Integer(), fields.Integer(), fields.Integer()
    articles = fields.List(fields.Nested(ArticleSummary))


def translations_of(article) -> dict[str, dict[str, str]]:
    return {lang: {"slug": other.slug, "title": other.title, "url": article_url(other)}
            for lang, other in helpcenter().catalog.translations(article).items()
            if other.slug != article.slug}


def article_html(article) -> str:
    return render_cached(article.content_hash, article.body)


TRANSLATION = {"type": "object", "properties": {
    "slug": {"type": "string"}, "title": {"type": "string"}, "url": {"type": "string"}}}


class ArticleDetail(ArticleSummary):
    review_by = fields.Date(allow_none=True)
    related = fields.List(fields.String())
    html = fields.Function(article_html, metadata={
        "type": "string", "description": "The body as sanitised HTML."})
    translations = fields.Function(translations_of, metadata={
        "type": "object", "additionalProperties": TRANSLATION,
        "description": "The article in its other languages: language code -> article."})


class VoteOut(Schema):
    slug = fields.String()
    helpful = fields.Boolean()
    reason = fields.String(allow_none=True)
    comment = fields.String(allow_none=True)


class TicketReceiptOut(Schema):
    reference = fields.String()
    priority = fields.String(metadata={"description": "P1 (urgent) to P3."})
    status_url = fields.String(metadata={"description": "The private status page (keep it)."})


class TicketUpdateOut(Schema):
    at = fields.DateTime()
    status = fields.String()
    note = fields.String()


class TicketStatusOut(Schema):
    reference, subject, status, priority = (fields.String(), fields.String(), fields.String(),
                                            fields.String())
    created_at = fields.DateTime()
    response_target_minutes = fields.Integer(allow_none=True)
    updates = fields.List(fields.Nested(TicketUpdateOut))
