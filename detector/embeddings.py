"""Static sentence embeddings: the mean of distilled WordPiece token vectors.

``scripts/build_token_vectors.py`` distils one vector per token of all-MiniLM-L6-v2's
vocabulary; here a pure-Python WordPiece tokenizer maps text to those tokens and a sentence
becomes the normalised mean of its tokens' vectors.  It brings some of a transformer's
sense of meaning (synonyms, paraphrase) to the linear model at the cost of a table lookup.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache
from importlib import resources

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin

_PIECES = re.compile(r"\w+|[^\w\s]")
_MAX_WORD = 100  # BERT's own limit: longer "words" become [UNK]


class WordPiece:
    """Greedy longest-match-first WordPiece over a BERT-style uncased vocabulary."""

    def __init__(self, vocab: Sequence[str]) -> None:
        self.index = {piece: i for i, piece in enumerate(vocab)}
        self.unknown = self.index.get("[UNK]", 0)
        self._cache: dict[str, tuple[int, ...]] = {}

    def word_ids(self, word: str) -> tuple[int, ...]:
        cached = self._cache.get(word)
        if cached is not None:
            return cached
        ids: list[int] = []
        start = 0
        if len(word) > _MAX_WORD:
            ids = [self.unknown]
            start = len(word)
        while start < len(word):
            end = len(word)
            found = None
            while start < end:
                piece = word[start:end] if start == 0 else "##" + word[start:end]
                found = self.index.get(piece)
                if found is not None:
                    break
                end -= 1
            if found is None:
                ids = [self.unknown]
                break
            ids.append(found)
            start = end
        result = tuple(ids)
        if len(self._cache) < 500_000:
            self._cache[word] = result
        return result

    def ids(self, text: str) -> list[int]:
        """Token ids of ``text``: lower-cased, accents stripped, punctuation split off."""
        out: list[int] = []
        for word in _PIECES.findall(_normalise(text)):
            out.extend(self.word_ids(word))
        return out

    def ids_with_spans(self, text: str) -> list[tuple[int, tuple[int, int]]]:
        """Token ids of ``text`` with the character span (in ``text``) of the word each came from."""
        out: list[tuple[int, tuple[int, int]]] = []
        for match in _PIECES.finditer(text):
            for word in _PIECES.findall(_normalise(match.group())):
                out.extend((i, match.span()) for i in self.word_ids(word))
        return out


def _normalise(text: str) -> str:
    lower = text.lower()
    if lower.isascii():
        return lower
    return "".join(c for c in unicodedata.normalize("NFD", lower) if unicodedata.category(c) != "Mn")


@lru_cache(maxsize=1)
def _resources() -> tuple[WordPiece, np.ndarray]:
    data = resources.files("detector").joinpath("data")
    vocab = data.joinpath("wordpiece_vocab.txt").read_text("utf-8").splitlines()
    with data.joinpath("token_vectors.npy").open("rb") as fh:
        vectors = np.load(fh).astype(np.float32)
    return WordPiece(vocab), vectors


def sentence_vectors(texts: Sequence[str]) -> np.ndarray:
    """Unit-length mean token vectors, one row per text (zeros for a text without tokens)."""
    tokenizer, vectors = _resources()
    out = np.zeros((len(texts), vectors.shape[1]), dtype=np.float32)
    for row, text in enumerate(texts):
        ids = tokenizer.ids(text)
        if ids:
            out[row] = vectors[ids].mean(axis=0)
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    return out / np.maximum(norms, 1e-9)


def token_spans_and_vectors(text: str) -> tuple[list[tuple[int, int]], np.ndarray]:
    """The character span of every token of ``text`` and the token's vector (one row each)."""
    tokenizer, vectors = _resources()
    pairs = tokenizer.ids_with_spans(text)
    return [span for _, span in pairs], vectors[[i for i, _ in pairs]]


class EmbeddingFeatures(TransformerMixin, BaseEstimator):
    """The sentence's static embedding (see ``sentence_vectors``)."""

    def fit(self, X, y=None) -> EmbeddingFeatures:
        self.n_features_out_ = _resources()[1].shape[1]
        return self

    def transform(self, X) -> np.ndarray:
        return sentence_vectors([x.text for x in X])

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        return np.array([f"embedding:{i}" for i in range(self.n_features_out_)], dtype=object)
