"""Format the deflection table as text, CSV or JSON."""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import asdict
from datetime import UTC, date, datetime, timedelta

from app.metrics.deflection import ArticleMetrics, ContentGap, SiteMetrics

COLUMNS = ["slug", "journey", "views", "helpful_yes", "helpful_no", "helpfulness",
           "tickets_after_view", "resolution_rate", "resolution_low", "resolution_high",
           "flagged", "deflections", "tickets_self_solved"]


def parse_since(text: str, now: datetime) -> datetime:
    """``30d``, ``12h``, ``90m`` or a date ``2026-10-01``."""
    match = re.fullmatch(r"(\d+)([dhm])", text.strip())
    if match:
        amount, unit = int(match.group(1)), match.group(2)
        return now - timedelta(**{{"d": "days", "h": "hours", "m": "minutes"}[unit]: amount})
    try:
        return datetime.combine(date.fromisoformat(text.strip()), datetime.min.time(), UTC)
    except ValueError:
        raise ValueError(f"--since must look like 30d, 12h or 2026-10-01, not {text!r}") from None


def _row(metrics: ArticleMetrics) -> dict:
    low, high = metrics.resolution_interval or (None, None)
    values = asdict(metrics)
    values.pop("resolution_interval")
    values.pop("title")
    values.update(resolution_low=low, resolution_high=high)
    return {column: values[column] for column in COLUMNS}


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


def as_table(rows: list[ArticleMetrics], site: SiteMetrics) -> str:
    lines = [f"{'article':40} {'views':>5} {'yes':>4} {'no':>4} {'help':>5} {'tix':>4} "
             f"{'resolved':>8}  {'95% CI':>11}  flag"]
    for row in rows:
        low, high = row.resolution_interval or (None, None)
        interval = f"{_percent(low)}–{_percent(high)}" if low is not None else ""
        lines.append(
            f"{row.slug[:40]:40} {row.views:>5} {row.helpful_yes:>4} {row.helpful_no:>4} "
            f"{_percent(row.helpfulness):>5} {row.tickets_after_view:>4} "
            f"{_percent(row.resolution_rate):>8}  {interval:>11}  {'FLAG' if row.flagged else ''}"
        )
    ratio = "—" if site.self_service_ratio is None else f"{site.self_service_ratio:.1f}"
    answer = ("—" if site.median_time_to_answer is None
              else f"{site.median_time_to_answer:.0f} s")
    lines += [
        "",
        f"sessions {site.sessions}, tickets {site.tickets}, self-service ratio {ratio}, "
        f"deflection rate {_percent(site.deflection_rate)}, median time to answer {answer}",
    ]
    lines.append(f"solved by self-service after writing: {site.tickets_self_solved} of "
                 f"{site.tickets_offered_articles} tickets offered articles")
    if site.slow_journeys:
        lines.append(f"journeys slower than 60 s to an answer: {', '.join(site.slow_journeys)}")
    if site.no_result_searches:
        lines.append("searches with no results: " + ", ".join(
            f'"{query}" ×{count}' for query, count in site.no_result_searches))
    return "\n".join(lines)


def as_csv(rows: list[ArticleMetrics]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS)
    writer.writeheader()
    for row in rows:
        writer.writerow(_row(row))
    return buffer.getvalue()


def as_json(rows: list[ArticleMetrics], site: SiteMetrics) -> str:
    return json.dumps({"articles": [_row(row) for row in rows], "site": asdict(site)}, indent=2)


def gaps_as_csv(gaps: list[ContentGap]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["query", "searches", "no_results", "tickets_after"])
    for gap in gaps:
        writer.writerow([gap.query, gap.searches, gap.no_results, gap.tickets_after])
    return buffer.getvalue()
