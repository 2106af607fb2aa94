"""Integration endpoints, each behind an API token with its scope: the dashboard's figures
(``metrics:read``, computed by the dashboard's own code) and article writes
(``content:write``, through the editor's path in app/editor/publishing.py)."""

from __future__ import annotations

from typing import Any

from flask import jsonify, url_for

from app.api import integration
from app.api import integration_schemas as s
from app.api.schemas import ErrorBody
from app.dashboard import figures
from app.editor import publishing
from app.errors import error_response
from app.metrics.deflection import content_gaps, journey_funnels
from app.tokens.auth import current_token, token_required

ERROR = {"schema": ErrorBody}


def documented(scope: str, *statuses: int):
    """The token's scope as the document says it, with the answers every such call may get."""
    reasons = {400: "A field is wrong; `fields` names it.",
               401: "No token, or an unknown, expired or revoked one.",
               403: f"The token lacks the scope `{scope}`.",
               404: "No such article.", 409: "Changed meanwhile: `diff` shows how.",
               429: "Too many calls with this token (`KB_RATELIMIT_INTEGRATION`); see "
                    "`Retry-After`."}

    def decorator(view):
        for status in sorted({401, 403, 429, *statuses}, reverse=True):
            view = integration.alt_response(status, description=reasons[status], **ERROR)(view)
        view = integration.doc(security=[{"apiToken": [scope]}])(view)
        return token_required(scope)(view)

    return decorator


def _period(args: dict[str, Any]) -> figures.Period:
    raw = {"days": str(args.get("days") or 30)}
    if args.get("from_") or args.get("to"):
        raw = {"from": (args.get("from_") or "").__str__(), "to": str(args.get("to") or "")}
    return figures.parse_period(raw)


def _figures_args(args: dict[str, Any]):
    try:
        period = _period(args)
    except figures.PeriodError as error:
        return None, error_response(400, str(error), fields={"from": str(error)})
    window, *_ = figures._settings()
    return (period, window, figures.source_for(period.previous[0], period.end)), None


def _period_json(period: figures.Period, language: str | None) -> dict[str, Any]:
    return {"start": period.start, "end": period.end, "language": language}


def _interval(row, end: int) -> float | None:
    return row.resolution_interval[end] if row.resolution_interval else None


@integration.get("/metrics/articles")
@documented("metrics:read", 400)
@integration.arguments(s.PeriodArgs, location="query")
@integration.response(200, s.ArticleFiguresPage)
def article_figures(args: dict[str, Any]):
    """Figures per article

    The dashboard's table (and its `articles.csv`) for the same period and language: views,
    votes, tickets after a view, resolution rate with its interval, the flag, the trend.
    """
    found, refused = _figures_args(args)
    if refused:
        return refused
    period, _, source = found
    rows = figures.article_rows(period, args.get("language"), source=source)
    return {"period": _period_json(period, args.get("language")), "articles": [{
        **{name: getattr(r.metrics, name) for name in (
            "slug", "title", "journey", "views", "helpful_yes", "helpful_no", "helpfulness",
            "tickets_after_view", "deflections", "resolution_rate", "flagged", "counted_from",
            "tickets_self_solved")},
        "language": r.language, "resolution_low": _interval(r.metrics, 0),
        "resolution_high": _interval(r.metrics, 1), "trend": r.trend,
        "previous_views": r.previous_views,
    } for r in rows]}


@integration.get("/metrics/gaps")
@documented("metrics:read", 400)
@integration.arguments(s.PeriodArgs, location="query")
@integration.response(200, s.GapsPage)
def gaps(args: dict[str, Any]):
    """Content gaps

    Searches that found nothing or were followed by a ticket, as on the dashboard.
    """
    found, refused = _figures_args(args)
    if refused:
        return refused
    period, window, source = found
    rows = content_gaps(period.start, period.end, window=window, lang=args.get("language"),
                        source=source)
    return {"period": _period_json(period, args.get("language")),
            "gaps": [vars(gap) for gap in rows]}


@integration.get("/metrics/funnels")
@documented("metrics:read", 400)
@integration.arguments(s.PeriodArgs, location="query")
@integration.response(200, s.FunnelsPage)
def funnels(args: dict[str, Any]):
    """Journey funnels

    Sessions that searched, then viewed a journey's article, then voted or wrote, per journey.
    """
    found, refused = _figures_args(args)
    if refused:
        return refused
    period, window, source = found
    rows = journey_funnels(period.start, period.end, window=window, lang=args.get("language"),
                           source=source)
    return {"period": _period_json(period, args.get("language")), "funnels": [{
        "journey": funnel.journey, "browsed": funnel.browsed,
        "steps": [vars(step) for step in funnel.steps]} for funnel in rows]}


def _author() -> str:
    return f"{current_token().name} (API token)"


def _saved(result: publishing.Published):
    outcome = result.outcome
    if outcome.conflict_diff is not None:
        message = "The article was changed after the version you based this on; nothing saved."
        return jsonify({"error": {"status": 409, "message": message,
                                  "fields": {"base_hash": message},
                                  "diff": outcome.conflict_diff}}), 409
    if not outcome.saved:
        problems = {name: " ".join(str(m) for m in messages)
                    for name, messages in outcome.errors.items()}
        return error_response(400, "The article was not saved: " + " ".join(problems.values()),
                              fields=problems)
    saved = outcome.article
    return {"slug": saved.slug, "journey": saved.journey, "path": saved.path,
            "draft": saved.draft, "content_hash": result.content_hash,
            "revision": result.revision_id,
            "url": None if saved.draft else url_for("site.article", slug=saved.slug,
                                                    _external=True)}, \
        201 if result.created else 200


@integration.get("/content/articles/<slug>")
@documented("content:write", 404)
@integration.response(200, s.ArticleSource)
def article_source(slug: str):
    """Read an article's file

    Its text and `content_hash`, the base of the next update.
    """
    found = publishing.current_text(slug)
    if found is None:
        return error_response(404, f"No article with slug {slug!r}.")
    article, text, content_hash = found
    return {"slug": article.slug, "journey": article.journey, "path": article.path,
            "draft": article.draft, "content_hash": content_hash, "text": text}


@integration.put("/content/articles/<slug>")
@documented("content:write", 400, 409)
@integration.arguments(s.ArticleWrite)
@integration.response(200, s.SaveResult, description="Updated.")
@integration.alt_response(201, schema=s.SaveResult, success=True, description="Created.")
def put_article(body: dict[str, Any], slug: str):
    """Create or update an article

    Checked like `content check`, saved with a revision naming the token, indexed, and
    passed to every node. An update must send the `base_hash` it is based on.
    """
    fields = {key: body.get(key) for key in publishing.FIELDS}
    fields["urgent"] = body["urgent"] or None
    fields["draft"] = body["draft"] or None
    return _saved(publishing.publish(slug, body["journey"], fields, body["body"],
                                     body.get("base_hash"), _author(), body["change_summary"]))


@integration.post("/content/articles/<slug>/unpublish")
@documented("content:write", 400, 404, 409)
@integration.arguments(s.UnpublishBody)
@integration.response(200, s.SaveResult)
def unpublish_article(body: dict[str, Any], slug: str):
    """Unpublish an article

    It becomes a draft: out of search and the site, its file and history kept.
    """
    result = publishing.unpublish(slug, body["base_hash"], _author(), body["change_summary"])
    if result is None:
        return error_response(404, f"No article with slug {slug!r}.")
    return _saved(result)
