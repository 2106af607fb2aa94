"""Sentence embeddings: the packaged model and its tokenizer, and how search uses them."""

from __future__ import annotations

import numpy as np
import pytest

from app.content import load_content
from app.search import IndexStore, SearchService, indexer
from app.search.embedding import WordPiece
from app.search.encoders import encoders
from tests.conftest import write_article


def test_wordpiece_gives_the_models_own_token_ids():
    # Ids as the model's tokenizer.json gives them (lower-cased, accents stripped, ## pieces).
    assert WordPiece().encode("Resetting passwords, naïvely!") == [
        101, 25141, 3436, 20786, 2015, 1010, 15743, 2135, 999, 102]
    assert len(WordPiece().encode("word " * 500)) == 128


def test_paraphrases_are_closer_than_unrelated_titles():
    titles = encoders().get("en").encode(["Reset your password", "Cancel an order"])
    question = encoders().get("en").encode(["I forgot my password"])[0]
    assert np.allclose(np.linalg.norm(titles, axis=1), 1.0, atol=1e-5)
    assert titles[0] @ question > 0.6 > titles[1] @ question


def _site(make_content, tmp_path):
    for journey, slug, title in [("getting-started", "reset-password", "Reset your password"),
                                 ("troubleshooting", "cancel-order", "Cancel an order"),
                                 ("getting-started", "refund-times", "How long refunds take")]:
        write_article(make_content, journey, slug, f"title: {title}\nsummary: {title}.",
                      body=f"{title}. Step one, step two.\n")
    store = IndexStore(tmp_path / "index")
    indexer.rebuild(store, load_content(make_content))
    return SearchService(store, cache_size=0)


def test_an_article_no_word_matches_is_found_by_its_meaning(make_content, tmp_path):
    service = _site(make_content, tmp_path)
    question = "when does my money come back after I cancel"
    page = service.search(question)
    assert "refund-times" in [hit.slug for hit in page.hits]  # shares no word with it
    assert page.total == len(page.hits)
    service.embedding_weight = 0
    assert [hit.slug for hit in service.search(question).hits] == ["cancel-order"]


def test_articles_added_by_meaning_respect_the_journey_filter(make_content, tmp_path):
    service = _site(make_content, tmp_path)
    page = service.search("when does my money come back after I cancel", journey="troubleshooting")
    assert [hit.slug for hit in page.hits] == ["cancel-order"] and page.total == 1


def test_a_chinese_question_is_not_matched_to_english_titles_by_meaning(make_content, tmp_path):
    service = _site(make_content, tmp_path)
    assert service.search("退款 cancel").total == 1


def test_second_stage_adds_close_titles_and_lets_the_embedding_decide():
    from app.search.levers import second_stage
    from app.search.rerank import TitleSimilarity, Weights

    vectors = np.array([[1.0, 0.0], [0.0, 1.0], [0.6, 0.8]], dtype=np.float32)
    model = TitleSimilarity([("a", "Alpha"), ("b", "Beta"), ("c", "Gamma")], vectors)
    question = np.array([0.0, 1.0], dtype=np.float32)
    assert model.neighbours(question, {"b"}) == ["c"]  # "a" is below the minimum similarity
    assert model.neighbours(question, set(), admits=lambda slug: slug != "b") == ["c"]
    found = [("a", 2.0)]
    assert second_stage(model, "alpha", found, Weights(0.5, 0.0), question) == ["a"]
    assert second_stage(model, "alpha", found, Weights(0.5, 60.0), question) == ["b", "c", "a"]
    assert second_stage(model, "alpha", [], Weights(0.5, 60.0), question) == []


def test_an_altered_model_file_is_refused_and_search_keeps_working(make_content, tmp_path,
                                                                    monkeypatch):
    from dataclasses import replace

    from app.search import embedding, encoders

    service = _site(make_content, tmp_path)
    lexical = SearchService(service.store, cache_size=0)
    lexical.embedding_weight = 0
    words_alone = [hit.slug for hit in lexical.search("cancel my order").hits]
    altered_spec = replace(embedding.MINILM, sha256="0" * 64)
    altered = encoders.Encoders({"en": altered_spec})
    with pytest.raises(embedding.EmbeddingUnavailable, match="expected 0000"):
        altered.get("en").encode(["anything"])
    assert not altered.get("en").available
    previous = encoders.use(altered)
    try:
        page = service.search("cancel my order")
    finally:
        encoders.use(previous)
    assert page.hits and [hit.slug for hit in page.hits][0] == words_alone[0]


def test_embeddings_can_be_switched_off(make_app, tmp_path):
    app = make_app(KB_SEARCH_EMBEDDINGS="off", KB_INDEX_DIR=str(tmp_path / "index"))
    center = app.extensions["helpcenter"]
    assert center.search_service.embedding_weight == 0
    with app.app_context():
        center.rebuild_index()
    _, ix = center.store.open()
    with ix.searcher() as searcher:
        assert {doc["title_vector"] for doc in searcher.all_stored_fields()} == {b""}
    ix.close()
    assert center.search("how do I cancel a booking").hits  # words alone
