"""Editors' synonyms: validation with file and line, query expansion, reload on change, and
the editor's page that changes them."""

from __future__ import annotations

import os
from html import unescape

import pytest

from app.search.query import make_parser
from app.search.schema import build_schema
from app.search.synonyms import (
    SynonymsError,
    SynonymSet,
    SynonymsFile,
    load_synonyms,
    parse_lines,
    parse_synonyms,
    text_hash,
)
from tests.conftest import BROWSER, DEMO_CONTENT, post, search_slugs, sign_in


def test_groups_are_read():
    assert parse_synonyms("- [refund, money back]\n- [退款, 退钱]\n") == [
        ["refund", "money back"], ["退款", "退钱"]]
    assert parse_synonyms("# nothing yet\n") == []


@pytest.mark.parametrize(("text", "line", "message"), [
    ("- [refund, money back\n", 2, "not valid YAML"),
    ("refund: money back\n", 1, "expected a list"),
    ("- [refund, money back]\n- refund\n", 2, "must be a list"),
    ("- [refund]\n", 1, "at least two"),
    ("- [refund, money back]\n- [refund, '']\n", 2, "non-empty"),
    ("- [refund, [money back]]\n", 1, "non-empty"),
])
def test_bad_files_name_file_and_line(text, line, message):
    with pytest.raises(SynonymsError) as error:
        parse_synonyms(text, "content/_synonyms.yml")
    assert f"content/_synonyms.yml, line {line}" in str(error.value)
    assert message in str(error.value)


def test_alternatives_match_after_analysis():
    synonyms = SynonymSet.from_groups([["refund", "money back"], ["退款", "退钱"]])
    assert synonyms.alternatives("Refunds for my order") == [("money", "back")]
    assert synonyms.alternatives("I want my money back") == [("refund",)]
    assert synonyms.alternatives("怎么退钱") == [("退款",)]
    assert synonyms.alternatives("reset password") == []


def test_expansion_adds_lower_weight_terms():
    boosts = {"title": 3.0, "body": 1.0}
    parser = make_parser(boosts)
    synonyms = SynonymSet.from_groups([["refund", "reimbursement"]])
    query = synonyms.expand("refund", parser.parse("refund"), boosts)
    terms = {(field, word) for field, word in query.iter_all_terms()}
    assert ("title", "reimburs") in terms and ("body", "reimburs") in terms
    boosts = {q.boost for q in query.subqueries[1:]}
    assert boosts == {1.5, 0.5}
    assert "title" in build_schema()


def test_file_is_reloaded_when_it_changes_and_bad_edits_keep_the_last_good(tmp_path):
    path = tmp_path / "_synonyms.yml"
    synonyms = SynonymsFile(path)
    assert synonyms.current().groups == ()
    path.write_text("- [refund, reimbursement]\n", encoding="utf-8")
    assert len(synonyms.current().groups) == 1
    first = synonyms.version()
    path.write_text("- [refund\n", encoding="utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    assert len(synonyms.current().groups) == 1
    assert "line" in synonyms.error and synonyms.version() != first


def test_demo_synonyms_file_is_valid():

    assert load_synonyms(DEMO_CONTENT / "_synonyms.yml").groups


def test_content_check_reports_a_bad_synonyms_file(runner, content_dir):
    path = content_dir / "_synonyms.yml"
    good = path.read_text(encoding="utf-8")
    try:
        path.write_text("- [refund, money back]\n- [refund]\n", encoding="utf-8")
        result = runner.invoke(args=["content", "check"])
        assert result.exit_code == 1
        assert f"{path}, line 2: a group needs at least two entries" in result.output
    finally:
        path.write_text(good, encoding="utf-8")


def test_demo_synonyms_reach_the_search(helpcenter):
    slugs = [hit.slug for hit in helpcenter.search("chargeback").hits[:3]]
    assert "request-a-refund" in slugs
    assert "refund-timelines-zh" in [hit.slug for hit in helpcenter.search("退钱").hits[:3]]


# Editing the synonyms in the browser (/editor/synonyms).

def _lines_on_page(html: str) -> str:
    return unescape(html.split('name="lines"', 1)[1].split(">", 1)[1].split("</textarea>")[0])


def test_lines_become_groups_and_unusable_lines_are_named():
    groups, errors = parse_lines("refund, money back\n\n退款，退钱、退费\nsolo\nthe, a\n")
    assert groups == [["refund", "money back"], ["退款", "退钱", "退费"]]
    assert sorted(errors) == [4, 5]
    assert "at least two" in errors[4] and "“the” is never searched" in errors[5]


def test_an_editor_changes_the_synonyms_and_the_next_search_uses_them(editor_app):
    app, content = editor_app
    editor, _ = sign_in(app, "editor@pronto.test")
    page = editor.get("/editor/synonyms", headers=BROWSER).get_data(as_text=True)
    lines = _lines_on_page(page)
    assert "refund, money back, reimbursement, chargeback\n" in lines
    assert "退款, 退钱, 退费\n" in lines
    assert search_slugs(editor, "zorblax") == []  # a word no article uses
    saved = post(editor, "/editor/synonyms", {
        "lines": lines + "zorblax, refund\n",
        "base_hash": page.split('name="base_hash" value="')[1].split('"')[0]}, "/editor/synonyms")
    assert saved.status_code == 302 and saved.headers["Location"].endswith("saved=1")
    assert "request-a-refund" in search_slugs(editor, "zorblax")  # found through "refund"
    text = (content / "_synonyms.yml").read_text(encoding="utf-8")
    assert text.startswith("# Words customers use for the same thing.")  # comments kept
    assert text.endswith("- [zorblax, refund]\n") and "- [退款, 退钱, 退费]\n" in text
    assert load_synonyms(content / "_synonyms.yml").alternatives("zorblax") == [("refund",)]
    after = editor.get("/editor/synonyms?saved=1", headers=BROWSER).get_data(as_text=True)
    assert "Saved. The next search" in after
    # Who changed what: the first change in the browser also kept the file it replaced.
    changes = after.split("Recent changes")[1]
    assert "editor@pronto.test" in changes and "Added: zorblax, refund" in changes
    assert "Removed:" not in changes
    assert editor.get("/editor/_synonyms/history", headers=BROWSER).status_code == 404
    base = after.split('name="base_hash" value="')[1].split('"')[0]
    post(editor, "/editor/synonyms", {"lines": lines, "base_hash": base}, "/editor/synonyms")
    again = editor.get("/editor/synonyms", headers=BROWSER).get_data(as_text=True)
    newest = again.split("Recent changes")[1].split("</li>\n")[0]
    assert "Removed: zorblax, refund" in newest and "Added:" not in newest
    assert search_slugs(editor, "zorblax") == []


def test_an_unusable_line_saves_nothing_and_keeps_the_text(editor_app):
    app, content = editor_app
    before = (content / "_synonyms.yml").read_text(encoding="utf-8")
    editor, _ = sign_in(app, "editor@pronto.test")
    refused = post(editor, "/editor/synonyms", {"lines": "refund, money back\nlonely\n",
                                                "base_hash": text_hash(before)},
                   "/editor/synonyms")
    html = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert "Line 2: a group needs at least two words or phrases" in html
    assert _lines_on_page(html) == "refund, money back\nlonely\n"
    assert (content / "_synonyms.yml").read_text(encoding="utf-8") == before


def test_a_save_over_a_newer_file_is_refused(editor_app):
    app, content = editor_app
    path = content / "_synonyms.yml"
    editor, _ = sign_in(app, "editor@pronto.test")
    page = editor.get("/editor/synonyms", headers=BROWSER).get_data(as_text=True)
    opened_hash = page.split('name="base_hash" value="')[1].split('"')[0]
    path.write_text(path.read_text(encoding="utf-8") + "- [tip, gratuity]\n", encoding="utf-8")
    refused = post(editor, "/editor/synonyms", {"lines": "parcel, package\n",
                                                "base_hash": opened_hash}, "/editor/synonyms")
    assert refused.status_code == 409
    assert "Someone changed the synonyms" in refused.get_data(as_text=True)
    assert _lines_on_page(refused.get_data(as_text=True)) == "parcel, package\n"
    assert path.read_text(encoding="utf-8").endswith("- [tip, gratuity]\n")  # theirs is kept


def test_a_poor_query_arrives_ready_for_its_synonyms(editor_app):
    app, _ = editor_app
    editor, _ = sign_in(app, "editor@pronto.test")
    page = editor.get("/editor/synonyms?add=chargebak%20fee", headers=BROWSER)
    assert _lines_on_page(page.get_data(as_text=True)).endswith("\nchargebak fee, ")


@pytest.mark.parametrize(("email", "status"), [
    (None, 302), ("agent@pronto.test", 403), ("manager@pronto.test", 403),
    ("editor@pronto.test", 200), ("admin@pronto.test", 200),
])
def test_only_editors_may_change_synonyms(editor_app, email, status):
    app, content = editor_app
    before = (content / "_synonyms.yml").read_text(encoding="utf-8")
    client = sign_in(app, email)[0] if email else app.test_client()
    assert client.get("/editor/synonyms", headers=BROWSER).status_code == status
    if status != 200:
        refused = post(client, "/editor/synonyms", {"lines": "parcel, package\n",
                                                    "base_hash": text_hash(before)}, "/login")
        assert refused.status_code in {302, 403}
        assert (content / "_synonyms.yml").read_text(encoding="utf-8") == before


def test_the_synonyms_page_in_chinese(editor_app):
    app, _ = editor_app
    editor, _ = sign_in(app, "editor@pronto.test")
    html = editor.get("/editor/synonyms?lang=zh", headers=BROWSER).get_data(as_text=True)
    assert "<h1>同义词</h1>" in html and "每行一组，用逗号分隔" in html and "保存同义词" in html
    refused = post(editor, "/editor/synonyms", {"lines": "孤单\n", "base_hash": "x"},
                   "/editor/synonyms")
    assert "第 1 行：每组至少需要两个词或短语" in refused.get_data(as_text=True)


def test_saving_over_a_broken_or_hand_edited_file_keeps_its_text(editor_app):
    from sqlalchemy import select

    from app.editor.models import Revision
    from app.extensions import db

    app, content = editor_app
    path = content / "_synonyms.yml"
    broken = "- [refund, money back\n- [tip, gratuity]\n"  # a bracket left open
    path.write_text(broken, encoding="utf-8")
    editor, _ = sign_in(app, "editor@pronto.test")
    page = editor.get("/editor/synonyms", headers=BROWSER).get_data(as_text=True)
    assert "cannot be read" in page and "- [tip, gratuity]" in unescape(page)
    saved = post(editor, "/editor/synonyms", {
        "lines": "refund, money back\n", "base_hash": text_hash(broken)}, "/editor/synonyms")
    assert saved.status_code == 302
    path.write_text(path.read_text(encoding="utf-8") + "- [parcel, package]\n", encoding="utf-8")
    page = editor.get("/editor/synonyms", headers=BROWSER).get_data(as_text=True)
    post(editor, "/editor/synonyms", {
        "lines": _lines_on_page(page) + "tip, gratuity\n",
        "base_hash": page.split('name="base_hash" value="')[1].split('"')[0]}, "/editor/synonyms")
    with app.app_context():
        kept = [r.text for r in db.session.scalars(select(Revision).order_by(Revision.id))]
    assert kept[0] == broken  # the broken file, before the first save over it
    assert kept[2].endswith("- [parcel, package]\n")  # the hand edit between the two saves
    changes = editor.get("/editor/synonyms", headers=BROWSER).get_data(as_text=True)
    changes = changes.split("Recent changes")[1]
    assert "Added: tip, gratuity" in changes and "changed outside the browser" in changes
    assert "Added: parcel, package" in changes
    assert "Added: refund, money back" in changes  # against a file that could not be read
