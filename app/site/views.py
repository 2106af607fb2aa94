"""The public help center: home, search, journeys, articles, media."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, current_app, render_template, request, send_from_directory

from app import helpcenter
from app.content.loader import MEDIA_DIR
from app.content.render import render_cached
from app.events import recorder
from app.events.bots import is_bot
from app.search import QueryError

site = Blueprint("site", __name__)

FEW_RESULTS = 3  # below this many results the contact route is shown prominently


@site.get("/")
def home():
    center = helpcenter()
    counts = center.catalog.counts()
    popular = [(center.catalog.get(slug), views) for slug, views in recorder.most_viewed(6)]
    return render_template(
        "site/home.html",
        journeys=center.journeys(),
        counts=counts,
        popular=[(article, views) for article, views in popular if article],
        recent=center.catalog.recently_updated(6),
    )


@site.get("/search")
def search():
    center = helpcenter()
    text = request.args.get("q", "")
    journey_slug = request.args.get("journey") or None
    journey = center.journey(journey_slug) if journey_slug else None
    page_number = request.args.get("page", 1, type=int) or 1
    journeys = center.journeys()
    limit = current_app.config["KB_MAX_QUERY_LENGTH"]
    context = {"query": text[:limit], "journey": journey, "journeys": journeys, "results": None,
               "journey_titles": {j.slug: j.title for j in journeys},
               "error": None, "unknown_journey": journey_slug if journey_slug and not journey
               else None, "few_results": FEW_RESULTS}
    if not text.strip():
        return render_template("site/search.html", **context)
    try:
        context["results"] = center.search(text, journey.slug if journey else None,
                                           max(page_number, 1))
    except QueryError as error:
        context["error"] = str(error)
        return render_template("site/search.html", **context), 400
    return render_template("site/search.html", **context)


@site.get("/journeys/<slug>")
def journey(slug: str):
    center = helpcenter()
    found = center.journey(slug)
    if found is None:
        abort(404)
    return render_template("site/journey.html", journey=found,
                           articles=center.catalog.in_journey(slug))


@site.get("/articles/<slug>")
def article(slug: str):
    center = helpcenter()
    found = center.catalog.get(slug)
    if found is None:
        abort(404)
    if not is_bot(request.headers.get("User-Agent")):
        recorder.record_article_view(found.slug, found.journey)
    related = [a for a in (center.catalog.get(s) for s in found.related) if a]
    return render_template(
        "site/article.html",
        article=found,
        html=render_cached(found.content_hash, found.body),
        journey=center.journey(found.journey),
        related=related,
        stale=found.is_stale(date.today()),
    )


@site.get("/contact")
def contact():
    center = helpcenter()
    about = center.catalog.get(request.args.get("article", ""))
    return render_template("site/contact.html", about=about, query=request.args.get("q", ""),
                           support_email=current_app.config["KB_SUPPORT_EMAIL"])


@site.get("/media/<path:name>")
def media(name: str):
    # send_from_directory refuses paths that escape the folder (../) with a 404.
    return send_from_directory(helpcenter().content_dir / MEDIA_DIR, name, max_age=3600)
