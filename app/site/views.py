"""The public help center: home, search, journeys, articles, media."""

from __future__ import annotations

from datetime import date

from flask import (
    abort,
    current_app,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from markupsafe import Markup

from app import helpcenter
from app.content.loader import MEDIA_DIR
from app.content.render import render_cached
from app.events import recorder
from app.events.votes import NO_REASONS, session_vote
from app.i18n import current_language
from app.search import QueryError
from app.search.catalog import reader_first
from app.seo.head import article_head
from app.sessions.web import current_session_id, request_channel
from app.site import site
from app.site.parts import article_key, related_key

FEW_RESULTS = 3  # below this many results the contact route is shown prominently


@site.get("/")
def home():
    center = helpcenter()
    language = current_language()
    counts = center.catalog.counts(language)
    viewed = [center.catalog.get(slug) for slug, _ in recorder.most_viewed(12)]
    popular = reader_first(center.catalog.localized([a for a in viewed if a], language),
                           language)[:6]
    return render_template(
        "site/home.html",
        journeys=center.journeys(),
        counts=counts,
        popular=popular,
        recent=center.catalog.recently_updated(6, language),
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
               "journey_titles": {j.slug: j.title_for(current_language()) for j in journeys},
               "error": None, "unknown_journey": journey_slug if journey_slug and not journey
               else None, "few_results": FEW_RESULTS}
    if not text.strip():
        return render_template("site/search.html", **context)
    try:
        results = center.search(text, journey.slug if journey else None, max(page_number, 1),
                                lang=current_language())
    except QueryError as error:
        context["error"] = error.args[0]
        return render_template("site/search.html", **context), 400
    context["results"] = results
    session_id = current_session_id()
    if session_id and results.page == 1:
        context["search_event_id"] = recorder.record_search(
            session_id, results.query, results.journey, results.total,
            lang=current_language(), channel=request_channel()).id
    else:
        context["search_event_id"] = request.args.get("s", type=int)
    return render_template("site/search.html", **context)


@site.get("/journeys/<slug>")
def journey(slug: str):
    center = helpcenter()
    found = center.journey(slug)
    if found is None:
        abort(404)
    return render_template("site/journey.html", journey=found,
                           articles=center.catalog.in_journey(slug, current_language()))


@site.get("/articles/<slug>")
def article(slug: str):
    center = helpcenter()
    found = center.catalog.get(slug)
    if found is None:
        abort(404)
    language = current_language()
    versions = center.catalog.translations(found)
    if found.language != language and language in versions and "lang" not in request.args:
        # A link to another language's version, followed by a reader of this one.
        return redirect(url_for("site.article", slug=versions[language].slug, **request.args))
    session_id = current_session_id()
    vote = None
    if session_id:
        search_event_id = request.args.get("s", type=int)
        source = request.args.get("from", "search" if search_event_id else "browse")
        recorder.record_article_view(session_id, found.slug, found.journey, source,
                                     lang=language, channel=request_channel())
        if search_event_id:
            recorder.record_click(session_id, search_event_id, found.slug,
                                  request.args.get("pos", 0, type=int), channel=request_channel())
        vote = session_vote(session_id, found.slug)
    related = reader_first([a for a in (center.catalog.get(s) for s in found.related) if a],
                           language)
    translations = sorted((a for code, a in versions.items() if a.slug != found.slug),
                          key=lambda a: a.language)
    journey = center.journey(found.journey)
    stale = found.is_stale(date.today())
    missing_translation = found.language != language and language not in versions
    parts, root = current_app.extensions["page_parts"], request.script_root
    main_key = article_key(found, language, root, stale=stale, journey=journey,
                           missing_translation=missing_translation, translations=translations)
    return render_template(
        "site/article.html",
        article=found,
        main_part=parts.get_or_make(main_key, lambda: Markup(render_template(
            "site/_article_main.html", article=found, journey=journey,
            html=render_cached(found.content_hash, found.body), translations=translations,
            missing_translation=missing_translation, stale=stale))),
        more_part=parts.get_or_make(related_key(found, language, root, related),
                                    lambda: Markup(render_template(
                                        "site/_article_more.html", article=found,
                                        related=related))),
        vote=vote,
        feedback=request.args.get("feedback"),
        reasons=NO_REASONS,
        head=article_head(found),
    )


@site.get("/media/<path:name>")
def media(name: str):
    # send_from_directory refuses paths that escape the folder (../) with a 404.
    return send_from_directory(helpcenter().content_dir / MEDIA_DIR, name, max_age=3600)
