"""The weekly brief for managers: totals, hot topics, articles that fail, content gaps."""

from __future__ import annotations

from datetime import datetime, timedelta

from app.content import Article
from app.metrics.deflection import article_metrics, content_gaps, site_metrics
from app.metrics.trends import hot_articles, hot_searches


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


def weekly_brief(articles: list[Article], now: datetime, *, window: timedelta,
                 threshold: float) -> str:
    """Markdown summary of the 7 days before ``now``."""
    start = now - timedelta(days=7)
    site = site_metrics(articles, start, now, window=window)
    rows = [r for r in article_metrics(articles, start, now, window=window, threshold=threshold)
            if r.views]
    titles = {article.slug: article.title for article in articles}
    ratio = "—" if site.self_service_ratio is None else f"{site.self_service_ratio:.1f}"
    answer = "—" if site.median_time_to_answer is None else f"{site.median_time_to_answer:.0f} s"
    lines = [
        f"# Help center weekly brief: {start:%-d %b} – {now:%-d %b %Y}",
        "",
        "## Totals",
        f"- Help sessions: {site.sessions}",
        f"- Tickets: {site.tickets}",
        f"- Self-service ratio (sessions per ticket): {ratio}",
        f"- Deflection rate: {_pct(site.deflection_rate)}",
        f"- Median time to an answer: {answer}",
    ]
    if site.slow_journeys:
        lines.append(f"- Journeys slower than 60 s to an answer: {', '.join(site.slow_journeys)}")
    lines += ["", "## Hot topics", "", "Searches (this week / last week):"]
    lines += [f"- “{t.key}”: {t.this_week} / {t.last_week}"
              + (f" — **rising: {t.last_day} in the last day**" if t.rising else "")
              for t in hot_searches(now)] or ["- none"]
    lines += ["", "Articles (sessions this week / last week):"]
    lines += [f"- {titles.get(t.key, t.key)}: {t.this_week} / {t.last_week}"
              + (f" — **rising: {t.last_day} in the last day**" if t.rising else "")
              for t in hot_articles(now)] or ["- none"]
    lines += ["", "## Articles needing attention", ""]
    worst = sorted(rows, key=lambda r: (not r.flagged, r.resolution_rate or 0))[:5]
    lines += [f"- {r.title}: resolution {_pct(r.resolution_rate)} of {r.views} viewers, "
              f"helpfulness {_pct(r.helpfulness)}" + (" — **flagged**" if r.flagged else "")
              for r in worst] or ["- no article was viewed"]
    gaps = content_gaps(start, now, window=window, top=10)
    lines += ["", "## Content gaps", ""]
    lines += [f"- “{g.query}”: {g.searches} searches, {g.no_results} without results, "
              f"{g.tickets_after} followed by a ticket" for g in gaps] or ["- none"]
    return "\n".join(lines) + "\n"
