"""Search as you type: prefixes of titles, tags and synonyms, kept fresh with the index."""

from __future__ import annotations

import pytest

from app.helpcenter import HelpCenter
from app.search.suggest import query_words
from tests.conftest import write_article

ARTICLES = [
    ("getting-started", "refund-times", "How long do refunds take?", "[money]", "en", None),
    ("getting-started", "ask-refund", "Ask for a refund", "[]", "en", None),
    ("getting-started", "reset-password", "Reset a forgotten password", "[login]", "en", None),
    ("getting-started", "pass-check", "Every provider passes a check", "[vetting]", "en", None),
    ("getting-started", "card-on-file", "Keep a card on file", "[wallet, 'saved <cards>']",
     "en", None),
    ("troubleshooting", "refund-times-zh", "退款多久到账", "[退钱, refund]", "zh", "refund-times"),
    ("troubleshooting", "crash-zh", "App 闪退怎么办", "[]", "zh", None),
]


@pytest.fixture()
def site(make_content, tmp_path) -> HelpCenter:
    for journey, slug, title, tags, lang, key in ARTICLES:
        front = f"title: {title}\nsummary: About it.\ntags: {tags}\nlang: {lang}"
        if key:
            front += f"\ntranslation_key: {key}"
        write_article(make_content, journey, slug, front)
    (make_content / "_synonyms.yml").write_text("- [refund, reimbursement]\n",
                                                encoding="utf-8")
    center = HelpCenter(make_content, tmp_path / "index")
    center.search_service.embedding_weight = 0.0
    center.store.embed_titles = False
    center.rebuild_index()
    return center


def slugs(center: HelpCenter, text: str, lang: str = "en") -> list[str]:
    return [found.slug for found in center.suggest(text, lang).suggestions]


def test_the_start_of_a_title_word_finds_the_article(site):
    assert set(slugs(site, "refu")) == {"refund-times", "ask-refund"}
    assert slugs(site, "passw") == ["reset-password"]  # not "passes"
    assert slugs(site, "Reset pass") == ["reset-password"]


def test_every_typed_word_must_match(site):
    assert slugs(site, "refund pass") == []
    assert slugs(site, "zebra") == []


def test_the_typed_part_is_marked_and_escaped(site):
    found = site.suggest("long refu", "en").suggestions[0]
    assert found.slug == "refund-times"
    assert found.marks == ((4, 8), (12, 16))
    assert found.title_html == "How <mark>long</mark> do <mark>refu</mark>nds take?"
    card = site.suggest("saved").suggestions[0]
    assert card.via.field == "tag"
    assert card.via.html == "<mark>saved</mark> &lt;cards&gt;"


def test_tags_and_synonyms_find_articles(site):
    assert slugs(site, "wall") == ["card-on-file"]
    reimbursed = site.suggest("reimb", "en").suggestions
    assert {found.slug for found in reimbursed} == {"refund-times", "ask-refund"}
    assert reimbursed[0].via.field == "synonym" and reimbursed[0].via.text == "reimbursement"


def test_chinese_is_found_inside_titles(site):
    assert slugs(site, "退", "zh")[0] == "refund-times-zh"
    assert set(slugs(site, "退", "zh")) == {"refund-times-zh", "crash-zh"}
    found = site.suggest("退款多", "zh").suggestions[0]
    assert found.title_html == "<mark>退款多</mark>久到账"
    assert slugs(site, "如何退钱", "zh") == ["refund-times-zh"]  # by its tag


def test_readers_language_first_and_one_version_per_article(site):
    assert slugs(site, "app", "zh") == ["crash-zh"]
    # "refund-times" and its Chinese version are one article: the reader's version only.
    assert slugs(site, "refu", "zh") == ["refund-times-zh", "ask-refund"]
    assert slugs(site, "refu", "en") == ["ask-refund", "refund-times"]


def test_at_most_the_limit(site):
    assert len(site.suggest("a", "en", limit=2).suggestions) == 2


def test_question_words_alone_suggest_nothing_yet():
    assert query_words("how do i") == []
    assert query_words("how do i reset my pa") == ["reset", "pa"]
    assert query_words("how") == ["how"]


def test_suggestions_follow_the_index_and_the_synonyms(site, make_content):
    assert slugs(site, "voucher") == []
    write_article(make_content, "getting-started", "gift", "title: Voucher codes\n"
                  "summary: Use one.")
    site.update_index()
    assert slugs(site, "vouch") == ["gift"]
    (make_content / "_synonyms.yml").write_text("- [password, passcode]\n", encoding="utf-8")
    assert slugs(site, "passc") == ["reset-password"]
    assert slugs(site, "reimb") == []


def test_suggest_api(client):
    body = client.get("/api/v1/suggest?q=refu&lang=en").get_json()
    assert body["query"] == "refu" and body["lang"] == "en"
    assert 0 < len(body["suggestions"]) <= 5
    first = body["suggestions"][0]
    assert "refund" in first["title"].lower()
    start, end = first["marks"][0]
    assert first["title"][start:end].lower() == "refu"
    assert first["url"] == f"/articles/{first['slug']}"
    assert "<mark>" in first["title_html"]
    chinese = client.get("/api/v1/suggest?q=退&lang=zh").get_json()["suggestions"]
    assert chinese and all(found["lang"] == "zh" for found in chinese[:2])
    assert "退款" in chinese[0]["title"]


@pytest.mark.parametrize(("query", "field", "fragment"), [
    ("", "q", "'q' is required"),
    ("q=%20%20", "q", "'q' is required"),
    ("q=refu&lang=fr", "lang", "'lang' must be one of en, zh"),
    ("q=refu&limit=many", "limit", "'limit' must be a whole number"),
    ("q=refu&limit=11", "limit", "'limit' must be between 1 and 10"),
    ("q=" + "a" * 10_000, "q", "characters long"),
])
def test_suggest_api_refuses_bad_input_naming_the_field(client, query, field, fragment):
    response = client.get("/api/v1/suggest?" + query)
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert fragment in error["message"]
    assert fragment in error["fields"][field]


def test_suggestions_are_not_counted_as_searches(make_app):
    from app.events.models import Event
    from app.extensions import db
    from tests.conftest import BROWSER

    app = make_app()
    client = app.test_client()
    client.get("/", headers=BROWSER)  # a person's help session
    for typed in ("r", "re", "ref", "refu"):
        assert client.get(f"/api/v1/suggest?q={typed}", headers=BROWSER).status_code == 200
    with app.app_context():
        assert db.session.query(Event).filter(Event.name.like("search.%")).count() == 0
