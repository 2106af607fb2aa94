"""Shapes of the integration endpoints (API token needed): the dashboard's figures and
article writes."""

from __future__ import annotations

from marshmallow import RAISE, Schema, fields, validate

from app.api.schemas import TEXT, Str, StrictBoolean, known_language

TRUE_OR_FALSE = {"invalid": "must be true or false"}


class PeriodArgs(Schema):
    days = fields.Integer(validate=validate.OneOf(
        [7, 30, 90], error="must be 7, 30 or 90"),
        error_messages={"invalid": "must be 7, 30 or 90"},
        metadata={"description": "Today and the days before (default 30), as on the dashboard.",
                  "examples": [30]})
    from_ = fields.Date(data_key="from", error_messages={"invalid": "must be a date like "
                                                                    "2026-10-01"})
    to = fields.Date(error_messages={"invalid": "must be a date like 2026-10-01"})
    language = Str(validate=known_language, metadata={
        "description": "Only articles and searches in this language (the dashboard's filter)."})


class PeriodOut(Schema):
    start = fields.DateTime()
    end = fields.DateTime()
    language = fields.String(allow_none=True)


class ArticleFigures(Schema):
    slug, title, language, journey = (fields.String(), fields.String(), fields.String(),
                                      fields.String())
    views, helpful_yes, helpful_no = fields.Integer(), fields.Integer(), fields.Integer()
    helpfulness = fields.Float(allow_none=True)
    tickets_after_view, deflections = fields.Integer(), fields.Integer()
    resolution_rate = fields.Float(allow_none=True)
    resolution_low = fields.Float(allow_none=True, metadata={
        "description": "95% Wilson interval of the resolution rate, low end."})
    resolution_high = fields.Float(allow_none=True)
    flagged = fields.Boolean()
    trend = fields.Float(allow_none=True, metadata={
        "description": "Resolution rate minus the previous period's."})
    previous_views = fields.Integer()
    counted_from = fields.DateTime(allow_none=True)
    tickets_self_solved = fields.Integer()


class ArticleFiguresPage(Schema):
    period = fields.Nested(PeriodOut)
    articles = fields.List(fields.Nested(ArticleFigures))


class Gap(Schema):
    query = fields.String()
    searches, no_results, tickets_after = fields.Integer(), fields.Integer(), fields.Integer()


class GapsPage(Schema):
    period = fields.Nested(PeriodOut)
    gaps = fields.List(fields.Nested(Gap))


class FunnelStepOut(Schema):
    name = fields.String()
    count = fields.Integer()
    base = fields.String(allow_none=True)
    share = fields.Float(allow_none=True)


class Funnel(Schema):
    journey = fields.String(metadata={"description": "Empty for searches followed by no view."})
    browsed = fields.Integer()
    steps = fields.List(fields.Nested(FunnelStepOut))


class FunnelsPage(Schema):
    period = fields.Nested(PeriodOut)
    funnels = fields.List(fields.Nested(Funnel))


class ArticleWrite(Schema):
    class Meta:
        unknown = RAISE

    journey = Str(required=True, error_messages={**TEXT, "required": "is required"})
    title = Str(required=True, error_messages={**TEXT, "required": "is required"})
    summary = Str(required=True, error_messages={**TEXT, "required": "is required"})
    body = Str(required=True, error_messages={**TEXT, "required": "is required"},
                metadata={"description": "Markdown."})
    tags = fields.List(Str(), load_default=list)
    related = fields.List(Str(), load_default=list)
    urgent = StrictBoolean(load_default=False, error_messages=TRUE_OR_FALSE)
    draft = StrictBoolean(load_default=False, error_messages=TRUE_OR_FALSE,
                          metadata={"description": "Save as a draft: not published."})
    review_by = fields.Date(allow_none=True)
    lang = Str(allow_none=True)
    translation_key = Str(allow_none=True)
    base_hash = Str(allow_none=True, metadata={
        "description": "The `content_hash` this change is based on (from the last save or "
                       "GET). Required to update; absent to create. Another save in between "
                       "answers 409."})
    change_summary = Str(load_default="", validate=validate.Length(max=300))


class UnpublishBody(Schema):
    base_hash = Str(required=True, error_messages={**TEXT, "required": "is required"})
    change_summary = Str(load_default="", validate=validate.Length(max=300))


class ArticleSource(Schema):
    slug, journey, path = fields.String(), fields.String(), fields.String()
    draft = fields.Boolean()
    content_hash = fields.String(metadata={"description": "Send as `base_hash` to update."})
    text = fields.String(metadata={"description": "The file: front matter and Markdown."})


class SaveResult(Schema):
    slug, journey, path = fields.String(), fields.String(), fields.String()
    draft = fields.Boolean()
    content_hash = fields.String()
    revision = fields.Integer()
    url = fields.String(allow_none=True, metadata={"description": "Where it is published."})
