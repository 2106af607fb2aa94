"""Loading and validating content: good files load, every kind of bad file is named by line."""

from __future__ import annotations

from datetime import date

import pytest

from app.content import load_content
from app.content.journeys import load_journeys
from tests.conftest import DEMO_CONTENT, write_article

GOOD = """
title: Reset a forgotten password
summary: Get a reset link by email.
tags: [Password, login]
urgent: false
updated: 2026-10-14
review_by: 2099-01-01
related: [other-article]
"""


def test_demo_content_is_valid_and_covers_every_journey():
    content = load_content(DEMO_CONTENT)
    assert content.errors == []
    slugs = [j.slug for j in content.journeys]
    assert slugs[:6] == ["getting-started", "account-and-security", "orders-and-payments",
                         "troubleshooting", "refunds-and-after-sales", "before-you-buy"]
    assert len(content.articles) >= 36
    assert {a.journey for a in content.articles} == set(slugs)
    assert sum(a.urgent for a in content.articles) >= 3
    assert any("/media/" in a.body for a in content.articles)


def test_valid_article_fields_are_parsed(make_content):
    write_article(make_content, "getting-started", "other-article", "title: Other\nsummary: x.")
    write_article(make_content, "getting-started", "reset-password", GOOD)
    content = load_content(make_content)
    assert content.errors == []
    article = content.by_slug()["reset-password"]
    assert article.title == "Reset a forgotten password"
    assert article.tags == ("password", "login")
    assert article.lang == "en"
    assert article.updated == date(2026, 10, 14)
    assert article.related == ("other-article",)
    assert article.path == "getting-started/reset-password.md"
    assert not article.is_stale(date(2026, 11, 1))


def test_missing_required_field_is_reported_and_article_left_out(make_content):
    path = write_article(make_content, "getting-started", "no-summary", "title: Hello")
    content = load_content(make_content)
    assert content.articles == []
    [problem] = content.errors
    assert problem.path.endswith("getting-started/no-summary.md")
    assert problem.line == 1
    assert "summary" in problem.message
    assert str(problem).startswith(f"{problem.path}:1: error:")
    assert path.exists()


def test_invalid_field_value_names_its_line(make_content):
    write_article(make_content, "getting-started", "bad-date",
                  "title: Hello\nsummary: Fine.\nupdated: next tuesday\nurgent: maybe")
    problems = {p.line: p.message for p in load_content(make_content).errors}
    assert "updated" in problems[4] and "YYYY-MM-DD" in problems[4]
    assert "urgent" in problems[5]


def test_malformed_yaml_names_the_file_and_line(make_content):
    write_article(make_content, "getting-started", "broken-yaml",
                  "title: Hello\nsummary: [unclosed\ntags: [a]")
    [problem] = load_content(make_content).errors
    assert problem.path.endswith("broken-yaml.md")
    assert problem.line >= 3
    assert problem.message.startswith("invalid YAML")


def test_unclosed_front_matter(make_content):
    path = make_content / "getting-started" / "unclosed.md"
    path.parent.mkdir()
    path.write_text("---\ntitle: Hello\nsummary: x\nNo closing fence\n", encoding="utf-8")
    [problem] = load_content(make_content).errors
    assert "never closed" in problem.message


def test_unknown_key_is_a_warning_not_dropped_silently(make_content):
    write_article(make_content, "getting-started", "extra", "title: Hi\nsummary: x.\nauthor: Bo")
    content = load_content(make_content)
    assert [a.slug for a in content.articles] == ["extra"]
    [warning] = content.warnings
    assert warning.line == 4 and "author" in warning.message


def test_unknown_journey_and_duplicate_slug(make_content):
    write_article(make_content, "no-such-journey", "lost", "title: Lost\nsummary: x.")
    write_article(make_content, "getting-started", "twin", "title: One\nsummary: x.")
    write_article(make_content, "troubleshooting", "twin", "title: Two\nsummary: x.")
    content = load_content(make_content)
    messages = [p.message for p in content.errors]
    assert any("unknown journey 'no-such-journey'" in m for m in messages)
    assert any("duplicate slug 'twin'" in m for m in messages)
    assert [a.title for a in content.articles] == ["One"]


def test_broken_links_are_errors_but_the_article_stays(make_content):
    write_article(make_content, "getting-started", "linker",
                  "title: Links\nsummary: x.\nrelated: [ghost]",
                  body="Intro\n\nSee [this](/articles/missing) and ![pic](/media/nope.png).\n")
    content = load_content(make_content)
    lines = {(p.line, p.message) for p in content.errors}
    assert (4, "'related' names an unknown article 'ghost'") in lines
    assert (8, "broken link to article 'missing'") in lines
    assert any("nope.png" in message for _, message in lines)
    assert [a.slug for a in content.articles] == ["linker"]


def test_stale_article_is_a_warning(make_content):
    write_article(make_content, "getting-started", "old",
                  "title: Old\nsummary: x.\nreview_by: 2020-01-01")
    content = load_content(make_content, today=date(2026, 1, 1))
    [warning] = content.warnings
    assert warning.severity == "warning" and "stale" in warning.message
    assert content.articles[0].is_stale(date(2026, 1, 1))


def test_bad_slug_and_non_utf8(make_content):
    write_article(make_content, "getting-started", "Bad_Name", "title: X\nsummary: y.")
    (make_content / "getting-started" / "latin1.md").write_bytes(b"---\ntitle: caf\xe9\n---\n")
    messages = [p.message for p in load_content(make_content).errors]
    assert any("not a valid slug" in m for m in messages)
    assert any("UTF-8" in m for m in messages)


def test_missing_journeys_file_falls_back_to_folders(tmp_path):
    (tmp_path / "billing").mkdir()
    journeys, problems = load_journeys(tmp_path)
    assert [j.slug for j in journeys] == ["billing"]
    assert "missing" in problems[0].message


def test_content_check_cli_reports_and_exits_nonzero(app, runner, content_dir):
    result = runner.invoke(args=["content", "check"])
    assert result.exit_code == 0, result.output
    path = write_article(content_dir, "getting-started", "cli-broken", "title: Only title")
    try:
        result = runner.invoke(args=["content", "check"])
        assert result.exit_code == 1
        assert "cli-broken.md:1: error: missing required field 'summary'" in result.output
    finally:
        path.unlink()


def test_tests_read_the_committed_demo_content_not_the_working_folder():
    """Using the site edits content/; the suite must not read those edits."""
    import subprocess

    from tests.conftest import PROJECT_ROOT

    committed = subprocess.run(["git", "-C", str(PROJECT_ROOT), "show",
                                "HEAD:content/journeys.yml"], capture_output=True)
    if committed.returncode != 0:
        pytest.skip("not a git checkout: the tests copy content/ as it is")
    assert DEMO_CONTENT.resolve() != (PROJECT_ROOT / "content").resolve()
    assert (DEMO_CONTENT / "journeys.yml").read_bytes() == committed.stdout
