"""Static sentence embeddings: a weighted mean of distilled WordPiece token vectors.

``scripts/build_token_vectors.py`` distils one vector per token of all-MiniLM-L6-v2's
vocabulary (teacher, licence, build and measurements: ``data/TOKEN_VECTORS.md``); here a
pure-Python WordPiece tokenizer, cutting text as the teacher's does, maps text to those tokens and a sentence
becomes the normalised weighted mean of its tokens' vectors.  It brings some of a
transformer's sense of meaning (synonyms, paraphrase) to the linear model at the cost of a
table lookup.  With ``weighting="sif"`` each token counts by ``a / (a + p)``, ``p`` its
relative frequency in text the project ships counts of (``scripts/build_token_frequencies.py``),
so function words and punctuation count little.  The plain mean is the default: on the
project's real held-out split and on PTC the two measured the same within noise
(docs/benchmarks.md).

A batch of sentences is embedded as one sparse (sentences x vocabulary) weight matrix times
the vector table, so memory grows with the number of tokens, never with tokens x dimensions.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np
from scipy import sparse

from .tokens import WordPiece, blank_side_names, piece_ids, wordpiece


@lru_cache(maxsize=1)
def _resources() -> tuple[WordPiece, np.ndarray]:
    """The tokenizer and the vector table (float16), memory-mapped where the package is a folder
    of files: a run reads only the rows of the tokens its text has."""
    table = resources.files("detector").joinpath("data/token_vectors.npy")
    if isinstance(table, Path):
        vectors = np.load(table, mmap_mode="r")
    else:  # a package inside a zip archive has no file to map
        with table.open("rb") as fh:
            vectors = np.load(fh)
    return wordpiece(), vectors


def _rows(vectors: np.ndarray, ids: np.ndarray) -> np.ndarray:
    return np.asarray(vectors[ids], dtype=np.float32)


#: SIF's smoothing constant: tokens far rarer than this share of the text count fully.
SIF_A = 1e-3


@lru_cache(maxsize=2)
def token_weights(weighting: str = "mean") -> np.ndarray:
    """The weight of every vocabulary token in the mean: all ones, or SIF weights."""
    size = _resources()[1].shape[0]
    if weighting == "mean":
        return np.ones(size, dtype=np.float32)
    if weighting != "sif":
        raise ValueError(f"unknown embedding weighting {weighting!r}; use 'sif' or 'mean'")
    with resources.files("detector").joinpath("data/token_frequencies.npy").open("rb") as fh:
        counts = np.load(fh).astype(np.float64)
    share = counts / max(counts.sum(), 1.0)
    return (SIF_A / (SIF_A + share)).astype(np.float32)


def _weight_matrix(texts: Sequence[str], weights: np.ndarray, ignore_sides: bool) -> sparse.csr_matrix:
    """Rows of token weights (sentences x vocabulary), normalised to sum to one per row."""
    vectors = _resources()[1]
    indptr, indices = [0], []
    for pieces in piece_ids(texts, ignore_sides):
        indices.extend(pieces)
        indptr.append(len(indices))
    ids = np.asarray(indices, dtype=np.int64)
    data = weights[ids] if len(ids) else np.zeros(0, dtype=np.float32)
    matrix = sparse.csr_matrix((data, ids, np.asarray(indptr)), shape=(len(texts), vectors.shape[0]))
    totals = np.asarray(matrix.sum(axis=1)).ravel()
    return sparse.diags(1.0 / np.maximum(totals, 1e-12)) @ matrix


def sentence_vectors(texts: Sequence[str], weighting: str = "mean", ignore_sides: bool = False) -> np.ndarray:
    """Unit-length weighted mean token vectors, one row per text (zeros for a text without tokens);
    with ``ignore_sides``, of the texts with their side names blanked (``tokens.blank_side_names``)."""
    vectors = _resources()[1]
    matrix = _weight_matrix(texts, token_weights(weighting), ignore_sides)
    # Only the rows of the tokens present are read and widened to float32; the columns are
    # renumbered in place, so every product term is the one the whole table would give.
    used = np.unique(matrix.indices)
    compact = sparse.csr_matrix((matrix.data, np.searchsorted(used, matrix.indices), matrix.indptr),
                                shape=(matrix.shape[0], len(used)))
    out = np.asarray(compact @ _rows(vectors, used), dtype=np.float32)
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    return out / np.maximum(norms, 1e-9)


def token_spans_and_vectors(
    text: str, weighting: str = "mean", ignore_sides: bool = False
) -> tuple[list[tuple[int, int]], np.ndarray, np.ndarray]:
    """For every token of ``text``: its character span, its vector and its weight in the mean
    (``ignore_sides``: the tokens of the text with its side names blanked, at the same offsets)."""
    tokenizer, vectors = _resources()
    pairs = tokenizer.ids_with_spans(blank_side_names(text) if ignore_sides else text)
    ids = [i for i, _ in pairs]
    return [span for _, span in pairs], _rows(vectors, np.asarray(ids, dtype=np.int64)), token_weights(weighting)[ids]


def dimensions() -> int:
    """How many numbers each sentence vector has."""
    return int(_resources()[1].shape[1])


def embed(texts: Sequence[str], weighting: str = "mean", ignore_sides: bool = False) -> np.ndarray:
    """``sentence_vectors`` of any number of texts, in batches that bound the weight matrix
    (the product itself needs no per-token rows)."""
    if len(texts) <= _EMBED_BATCH:
        return sentence_vectors(texts, weighting, ignore_sides)
    return np.vstack([sentence_vectors(texts[i:i + _EMBED_BATCH], weighting, ignore_sides)
                      for i in range(0, len(texts), _EMBED_BATCH)])


_EMBED_BATCH = 50_000

