"""The dashboard reads at a glance: figures beside the previous period, only articles with
enough data (most surely failing first, paged), titles and words instead of slugs and codes,
charts that give their values, readers' "No" answers as CSV without personal data."""

from __future__ import annotations

import csv
import gc
import io
import re
import warnings
from collections.abc import Iterator
from datetime import timedelta

import pytest
from flask_migrate import upgrade
from sqlalchemy.orm import close_all_sessions

from app import create_app
from app.dashboard.charts import line_chart
from app.dashboard.figures import PAGE_SIZE
from app.dashboard.kpis import Tile
from app.events.models import Vote, utcnow
from app.extensions import db
from app.metrics.deflection import ENOUGH_VIEWS
from tests.conftest import (
    BROWSER,
    PROJECT_ROOT,
    add_staff,
    drop_postgres_database,
    new_database,
    sign_in,
)


def seeded_app(app, directory, days: int, sessions_per_day: int, seed: int = 3) -> Iterator:
    """Yield (app, now): the demo content on a fresh database with generated readers, votes
    and tickets over ``days`` days, and one manager, boss@pronto.test."""
    from benchmarks.dashboard import seed_history

    url, postgres_name = new_database(directory)
    seeded = create_app({"KB_CONTENT_DIR": app.config["KB_CONTENT_DIR"],
                         "KB_INDEX_DIR": app.config["KB_INDEX_DIR"], "DATABASE_URL": url,
                         "SECRET_KEY": "test-secret", "TESTING": True})
    with seeded.app_context():
        upgrade(directory=str(PROJECT_ROOT / "migrations"))
        now = utcnow()
        seed_history(seeded.extensions["helpcenter"].catalog.all(), days, sessions_per_day, now,
                     seed=seed)
    add_staff(seeded, "boss@pronto.test", "manager")
    yield seeded, now
    with seeded.app_context():
        close_all_sessions()  # the served pages' too: every connection back before dispose
        db.engine.dispose()
    if postgres_name:
        drop_postgres_database(postgres_name)
    # A connection a served page's thread left behind is collected here, where its database
    # is already gone, rather than in whichever later test the garbage collector runs.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        gc.collect()


@pytest.fixture(scope="module")
def history(app, tmp_path_factory) -> Iterator:
    """Three weeks of readers, shared by this module's tests (they only add to it)."""
    yield from seeded_app(app, tmp_path_factory.mktemp("glance"), 21, 25)


def manager(app):
    return sign_in(app, "boss@pronto.test")[0]


def test_a_tile_reads_its_change_as_good_or_bad_news():
    assert Tile("tickets", 120, 100).change == pytest.approx(0.2)
    assert Tile("tickets", 120, 100).verdict == "worse"
    assert Tile("self_service_ratio", 12.0, 10.0).verdict == "better"
    assert Tile("resolution_rate", 0.8, 0.75).change == pytest.approx(0.05)  # points
    assert Tile("resolution_rate", 0.8, 0.75).verdict == "better"
    assert Tile("time_to_answer", 50.0, 40.0).verdict == "worse"
    assert Tile("sessions", 300, 200).verdict is None  # more visitors: neither good nor bad
    assert Tile("tickets", 5, 0).change is None and Tile("tickets", 5, None).change is None


def _attention_rows(html: str) -> list[str]:
    table = html.split('id="attention"', 1)[1].split("</table>", 1)[0]
    return re.findall(r'<td><a href="/dashboard/articles/([^"?]+)', table)


def test_the_page_opens_with_tiles_against_the_previous_period(history):
    app, _ = history
    html = manager(app).get("/dashboard/?days=7", headers=BROWSER).get_data(as_text=True)
    tiles = html.split('class="tiles"', 1)[1].split("</ul>", 1)[0]
    for label in ("Help sessions", "Self-service ratio", "Resolution rate", "Tickets",
                  "Median time to an answer"):
        assert f'<span class="tile-label">{label}</span>' in tiles, label
    assert tiles.count("against the previous 7 days") >= 5
    assert "Share of article readers who did not open a ticket within 24 hours." in tiles


def test_needing_attention_lists_judged_articles_most_surely_failing_first_in_pages(history):
    app, _ = history
    client = manager(app)
    rows = list(csv.DictReader(io.StringIO(
        client.get("/dashboard/articles.csv?days=30").get_data(as_text=True))))
    judged = [r for r in rows if int(r["views"]) >= ENOUGH_VIEWS]
    assert 0 < len(judged) < len(rows)  # the seeded month leaves some articles thin
    expected = [r["slug"] for r in sorted(
        judged, key=lambda r: (float(r["resolution_high"]), float(r["resolution_rate"])))]
    html = client.get("/dashboard/?days=30", headers=BROWSER).get_data(as_text=True)
    assert f"at least {ENOUGH_VIEWS} views in the period" in html
    shown = _attention_rows(html)
    assert shown == expected[:PAGE_SIZE]
    if len(expected) > PAGE_SIZE:
        second = client.get("/dashboard/?days=30&page=2", headers=BROWSER)
        assert _attention_rows(second.get_data(as_text=True)) == expected[PAGE_SIZE:2 * PAGE_SIZE]
    bad = client.get("/dashboard/?page=two", headers=BROWSER)
    assert bad.status_code == 400 and "The page must be a whole number" in bad.get_data(
        as_text=True)


def test_titles_and_words_instead_of_slugs_and_codes(history):
    app, _ = history
    client = manager(app)
    html = client.get("/dashboard/?days=30", headers=BROWSER).get_data(as_text=True)
    by_journey = html.split("Tickets by journey", 1)[1].split("</table>", 1)[0]
    assert "Orders and payments" in by_journey and "orders-and-payments" not in by_journey
    funnels = html.split("Journey funnels", 1)[1].split("</table>", 1)[0]
    assert "Orders and payments" in funnels and "<td>orders-and-payments" not in funnels
    hot = html.split("Hot topics this week", 1)[1].split("Content gaps", 1)[0]
    assert re.search(r'<a href="/dashboard/articles/[a-z0-9-]+\?days=30">[^<]+</a>', hot)
    assert '>English</span>' in html and ">en<" not in html
    article = client.get("/dashboard/articles/cancel-a-booking", headers=BROWSER)
    page = article.get_data(as_text=True)
    assert "Orders and payments" in page and "· orders-and-payments ·" not in page
    assert "Helpful</strong>: the share of readers who voted" in page


def test_funnel_steps_never_grow(history):
    app, _ = history
    rows = list(csv.DictReader(io.StringIO(manager(app).get(
        "/dashboard/funnels.csv?days=30").get_data(as_text=True))))
    counts: dict[tuple[str, str], int] = {(r["journey"], r["step"]): int(r["count"])
                                          for r in rows}
    for (journey, step), count in counts.items():
        base = {"viewed": "searched", "voted": "viewed", "ticketed": "viewed"}.get(step)
        if base:
            assert count <= counts[(journey, base)], (journey, step)
    assert any(int(r["browsed_not_counted"]) for r in rows)


def test_no_answers_export_without_personal_data(history):
    app, now = history
    with app.app_context():
        db.session.add(Vote(session_id="reader-secret-session", article_slug="cancel-a-booking",
                            helpful=False, reason="steps-didnt-work",
                            comment="Mail me at kim@example.com or +44 20 7946 0958",
                            created_at=now, updated_at=now))
        db.session.commit()
    response = manager(app).get("/dashboard/feedback.csv?days=7")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    text = response.get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(text)))
    mine = next(r for r in rows if "Mail me" in r["comment"])
    assert mine["reason"] == "steps-didnt-work" and mine["reason_text"] == "The steps didn't work"
    assert mine["article_title"] and mine["day"] == now.date().isoformat()
    assert mine["comment"] == "Mail me at [email] or [phone]"
    assert "reader-secret-session" not in text and "kim@example.com" not in text
    assert all("helpful" not in key and "session" not in key for key in rows[0])


def test_no_answers_export_is_for_managers_only(staff_app):
    for role, status in (("agent", 403), ("editor", 403), ("manager", 200), ("admin", 200)):
        client, _ = sign_in(staff_app, f"{role}@pronto.test")
        assert client.get("/dashboard/feedback.csv").status_code == status, role


def test_a_chart_gives_each_days_values_and_room_for_its_axis():
    days = [utcnow().date() - timedelta(days=n) for n in (2, 1, 0)]
    svg = str(line_chart("Rate", "Daily rate", days, [("resolution rate", [1.0, None, 0.5])],
                         percent=True))
    assert svg.count('tabindex="0"') == 3 and "style=" not in svg
    assert re.search(r"<title>[^<]*: resolution rate 100%</title>", svg)
    assert re.search(r"<title>[^<]*: resolution rate —</title>", svg)
    x = float(re.search(r'<text x="([\d.]+)"[^>]*>100%</text>', svg).group(1))
    assert x >= 40  # right-aligned at x: "100%" needs about 30 units at this size
