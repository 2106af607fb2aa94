"""Managers' view of how well articles deflect tickets (figures from app/metrics).

The overview and its CSV files need the ``dashboard`` permission (managers, admins). An
article's detail page and its "reset the counters" button are open to editors as well: they
are the ones who rewrite the article and need to see whether it now works.
"""

from __future__ import annotations

from babel.dates import format_skeleton
from flask import (
    Response,
    abort,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale, gettext
from flask_login import current_user
from sqlalchemy import func, select

from app import helpcenter
from app.accounts.access import any_permission, permission_required
from app.dashboard import dashboard, feedback, figures
from app.dashboard.charts import line_chart
from app.events.models import Event, Vote, utcnow
from app.events.recorder import SEARCH_CLICKED
from app.events.votes import NO_REASONS
from app.extensions import db
from app.i18n import current_language
from app.metrics.channels import channel_split
from app.metrics.deflection import ENOUGH_VIEWS, daily_figures
from app.metrics.models import CounterReset
from app.metrics.trends import hot_articles, hot_searches

LANGUAGES = ("en", "zh")


def _lang(export: bool = False) -> str | None:
    """The article-language filter, ``?language=``. ``?lang=`` chooses the interface language
    (app/i18n.py); only the CSV exports, which have no interface, still read it as the filter,
    so that links made before the interface was translated keep working."""
    lang = request.args.get("language") or (request.args.get("lang", "") if export else "")
    return lang if lang in LANGUAGES else None


def _period_or_error():
    try:
        return figures.parse_period(request.args), None
    except figures.PeriodError as error:
        return figures.parse_period({}), str(error)  # a Text, shown translated


def _page_or_error():
    try:
        return figures.parse_page(request.args), None
    except figures.PageError as error:
        return 1, str(error)  # a Text, shown translated


def _journey_titles() -> dict[str, str]:
    language = current_language()
    return {journey.slug: journey.title_for(language) for journey in helpcenter().journeys()}


def _csv(text: str, name: str, period: figures.Period) -> Response:
    suffix = f"{period.days}d" if period.days else "-".join(period.query().values())
    return Response(text, mimetype="text/csv", headers={
        "Content-Disposition": f"attachment; filename={name}-{suffix}.csv"})


def _day_label(day) -> str:
    return format_skeleton("MMMd", day, locale=get_locale())


def _charts(days, subject: str):
    """The two daily charts, in the reader's language; ``subject`` is already translated."""
    dates = [d.day for d in days]
    return [
        line_chart(gettext("Daily views and tickets, %(subject)s", subject=subject),
                   gettext("Views (sessions per day) and tickets after view; the table below "
                           "has the numbers."), dates,
                   [(gettext("views"), [d.views for d in days]),
                    (gettext("tickets after view"), [d.tickets_after_view for d in days])],
                   day_label=_day_label),
        line_chart(gettext("Daily resolution rate, %(subject)s", subject=subject),
                   gettext("Share of the day's viewers who did not open a ticket within the "
                           "window; the table below has the numbers."), dates,
                   [(gettext("resolution rate"), [d.resolution_rate for d in days])],
                   percent=True, day_label=_day_label),
    ]


@dashboard.get("/")
@permission_required("dashboard")
def index():
    period, error = _period_or_error()
    page, page_error = _page_or_error()
    sort = request.args.get("sort")
    descending = request.args.get("dir") == "desc"
    data = figures.overview(period, _lang(), sort, descending, page)
    now = utcnow()
    articles = helpcenter().catalog.all()
    return render_template(
        "dashboard/index.html", period=period, error=error, page_error=page_error,
        periods=figures.PERIODS, lang=_lang() or "", languages=LANGUAGES, sort=sort,
        descending=descending, hot_searches=hot_searches(now), hot_articles=hot_articles(now),
        titles={a.slug: a.title for a in articles}, journey_titles=_journey_titles(),
        enough_views=ENOUGH_VIEWS, charts=_charts(data["daily"], gettext("all articles")),
        channels=channel_split(period.start, period.end, lang=_lang()), **data,
    ), 400 if error or page_error else 200


def _export(kind: str) -> Response:
    period, error = _period_or_error()
    if error:
        return Response(error + "\n", status=400, mimetype="text/plain")
    lang = _lang(export=True)
    window, *_ = figures._settings()
    source = figures.source_for(period.previous[0], period.end)
    if kind == "articles":
        text = figures.articles_csv(figures.article_rows(
            period, lang, request.args.get("sort"), request.args.get("dir") == "desc", source))
    elif kind == "gaps":
        text = figures.gaps_csv(figures.content_gaps(period.start, period.end, window=window,
                                                     lang=lang, source=source))
    elif kind == "feedback":
        text = figures.as_csv(feedback.HEADER, feedback.no_answer_rows(
            period.start, period.end, helpcenter().catalog.all(), lang))
    elif kind == "funnels":
        text = figures.funnels_csv(figures.journey_funnels(period.start, period.end,
                                                           window=window, lang=lang,
                                                           source=source))
    else:
        text = figures.daily_csv(daily_figures(period.start, period.end, window=window,
                                               slug=request.args.get("slug") or None,
                                               source=source))
    return _csv(text, kind, period)


@dashboard.get("/articles.csv")
@permission_required("dashboard")
def articles_csv():
    return _export("articles")


@dashboard.get("/gaps.csv")
@permission_required("dashboard")
def gaps_csv():
    return _export("gaps")


@dashboard.get("/funnels.csv")
@permission_required("dashboard")
def funnels_csv():
    return _export("funnels")


@dashboard.get("/feedback.csv")
@permission_required("dashboard")
def feedback_csv():
    """Readers' "No" reasons and comments: no session, no time of day, no contact details."""
    return _export("feedback")


@dashboard.get("/daily.csv")
@any_permission("dashboard", "editor")
def daily_csv():
    return _export("daily")


@dashboard.get("/articles/<slug>")
@any_permission("dashboard", "editor")
def article(slug: str):
    catalog = helpcenter().catalog
    found = catalog.get(slug)
    if found is None:
        abort(404)
    period, error = _period_or_error()
    window, *_ = figures._settings()
    source = figures.source_for(period.previous[0], period.end)
    days = daily_figures(period.start, period.end, slug=slug, window=window, source=source)
    [row] = [r for r in figures.article_rows(period, None, source=source)
             if r.metrics.slug == slug] or [None]
    no_votes = db.session.scalars(
        select(Vote).where(Vote.article_slug == slug, Vote.helpful.is_(False))
        .order_by(Vote.updated_at.desc()).limit(50)).all()
    count = func.count()
    searches = db.session.execute(
        select(Event.normalized_query, count).where(
            Event.name == SEARCH_CLICKED, Event.article_slug == slug,
            Event.occurred_at >= period.start, Event.occurred_at < period.end)
        .group_by(Event.normalized_query).order_by(count.desc(), Event.normalized_query)
        .limit(50)).all()
    resets = db.session.scalars(select(CounterReset).where(CounterReset.article_slug == slug)
                                .order_by(CounterReset.reset_at.desc())).all()
    translations = {lang: other for lang, other in catalog.translations(found).items()
                    if other.slug != slug}
    return render_template(
        "dashboard/article.html", article=found, period=period, error=error,
        periods=figures.PERIODS, days=days, row=row, no_votes=no_votes, reasons=NO_REASONS,
        searches=searches, resets=resets, translations=translations,
        journey_titles=_journey_titles(),
        charts=_charts(days, found.title),
        can_reset=current_user.can("editor") or current_user.can("dashboard"),
    ), 400 if error else 200


@dashboard.post("/articles/<slug>/reset")
@any_permission("dashboard", "editor")
def reset_counters(slug: str):
    """Count this article's metrics from now on (after a substantial edit)."""
    if helpcenter().catalog.get(slug) is None:
        abort(404)
    note = (request.form.get("note") or "").strip()[:300] or None
    db.session.add(CounterReset(article_slug=slug, reset_at=utcnow(),
                                user_email=current_user.email, note=note))
    db.session.commit()
    target = request.form.get("next", "")
    if not target.startswith("/") or target.startswith("//"):
        target = url_for("dashboard.article", slug=slug, reset="done")
    return redirect(target)
