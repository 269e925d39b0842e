"""Explanations: the words of a sentence that drove a technique's score.

Every head of ``TechniqueClassifier`` is a logistic regression, so a technique's log-odds is
its intercept plus, for every feature, coefficient times value.  The feature groups that come
from words are mapped back to character spans of the sentence:

* word and character n-grams: an n-gram's contribution is shared by the words it covers;
* word stems: a stem's contribution is shared by the words that have it;
* lexicon categories: a category's contribution is shared by the words that matched it;
* the static embedding: it is a mean of token vectors, so it splits exactly into one
  contribution per token.

Style and context features describe the whole sentence or its document, not words, so they
are left out of the evidence.  A word's contributions are summed; neighbouring words that
both push strongly towards the technique are joined into one phrase.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer

from .embeddings import EmbeddingFeatures
from .features import WORD_TOKEN as _TOKEN
from .features import SentenceInput, stem_tokens, word_stem
from .results import Evidence
from .tokens import NGRAM_TOKEN, word_ngrams

_PUNCTUATION = re.compile(r"[^\w\s]")
# Words join a phrase when they carry at least this share of the sentence's strongest word.
_PHRASE_SHARE = 0.25


def explain_inputs(estimator, inputs: Sequence[SentenceInput], technique_indices: Sequence[Sequence[int]],
                   top: int = 3, matrix: sparse.csr_matrix | None = None) -> list[dict[int, tuple[Evidence, ...]]]:
    """For each sentence, evidence for each requested technique (column index of the model).

    Evidence spans are offsets into the sentence text, strongest first, at most ``top`` per
    technique, and only words that push the score up (positive log-odds contribution).
    """
    if len(inputs) == 0:
        return []
    features = estimator.features_
    if matrix is None:  # scoring hands over the rows it built; other callers get them built here
        matrix = estimator.feature_matrix(inputs)
    coefficients = estimator.heads()[0]
    # A head fitted on one class has no weights, so its words carry no evidence: found once here,
    # not by scanning its weights again for every sentence.
    learned = coefficients.any(axis=1)
    out: list[dict[int, tuple[Evidence, ...]]] = []
    for row, (x, wanted) in enumerate(zip(inputs, technique_indices, strict=True)):
        explained: dict[int, tuple[Evidence, ...]] = {}
        if wanted:
            units = _word_units(x.text)
            values = matrix[row]
            for j in wanted:
                if not learned[1 + j]:  # row 0 is the any-technique head
                    explained[j] = ()
                    continue
                weights = _unit_weights(features, x.text, values, coefficients[1 + j], units)
                explained[j] = _phrases(x.text, units, weights, top)
        out.append(explained)
    return out


def _word_units(text: str) -> list[tuple[int, int]]:
    """The spans evidence is made of: words, and punctuation marks that stand alone."""
    units = [m.span() for m in _TOKEN.finditer(text)]
    covered = np.zeros(len(text) + 1, dtype=bool)
    for start, end in units:
        covered[start:end] = True
    units += [m.span() for m in _PUNCTUATION.finditer(text) if not covered[m.start()]]
    return sorted(units)


def _unit_weights(features, text: str, values, coef: np.ndarray,
                  units: list[tuple[int, int]]) -> np.ndarray:
    weights = np.zeros(len(units))
    if not units:
        return weights
    starts = np.array([u[0] for u in units])
    ends = np.array([u[1] for u in units])

    def credit(start: int, end: int, amount: float) -> None:
        hit = np.flatnonzero((starts < end) & (ends > start))
        if len(hit):
            weights[hit] += amount / len(hit)

    offset = 0
    group_weights = features.transformer_weights or {}
    for name, part in features.transformer_list:
        width = _width(part)
        part_coef = coef[offset:offset + width] * group_weights.get(name, 1.0)
        part_values = values[:, offset:offset + width]
        # Each group is asked what its columns saw: a vectoriser through its own vocabulary and
        # token pattern, a count group through its ``column_spans``, the embedding through its
        # tokens.  Groups that describe no word (style, context) have nothing to say.
        source, last = part[0], part[-1]
        if isinstance(last, TfidfVectorizer):
            _credit_ngrams(last, text, part_values, part_coef, credit)
        elif hasattr(source, "column_spans"):
            _credit_counts(source.column_spans(text), last, part_coef, credit)
        elif isinstance(source, EmbeddingFeatures):
            _credit_embedding(source, last, text, part_coef, credit)
        offset += width
    return weights


def _width(part) -> int:
    last = part[-1]
    if hasattr(last, "vocabulary_"):
        return len(last.vocabulary_)
    return int(last.n_features_in_)


def _credit_ngrams(vectorizer, text: str, values, coef: np.ndarray, credit) -> None:
    """Share each present n-gram's contribution among its occurrences' words."""
    row = values.tocsr()
    if row.nnz == 0:
        return
    contribution = {int(f): coef[f] * v for f, v in zip(row.indices, row.data, strict=True)}
    occurrences: dict[int, list[tuple[int, int]]] = {}
    vocabulary = vectorizer.vocabulary_
    for gram, span in _ngram_spans(vectorizer, text):
        feature = vocabulary.get(gram)
        if feature in contribution:
            occurrences.setdefault(feature, []).append(span)
    for feature, spans in occurrences.items():
        for start, end in spans:
            credit(start, end, contribution[feature] / len(spans))


def _ngram_spans(vectorizer, text: str):
    """(n-gram, character span) for every n-gram the vectoriser would extract."""
    if vectorizer.analyzer is stem_tokens:
        for match in _TOKEN.finditer(text):
            yield word_stem(match.group().lower()), match.span()
        return
    if vectorizer.analyzer is word_ngrams:  # the shared token stream's word 1-2 grams
        yield from _token_ngrams(NGRAM_TOKEN, True, (1, 2), text)
        return
    low, high = vectorizer.ngram_range
    if vectorizer.analyzer == "char_wb":
        for match in re.finditer(r"\S+", text):
            padded = " " + match.group().lower() + " "
            for n in range(low, high + 1):
                for i in range(max(len(padded) - n + 1, 0)):
                    start = match.start() + max(i - 1, 0)
                    end = match.start() + min(i + n - 1, len(match.group()))
                    yield padded[i:i + n], (start, max(end, start + 1))
        return
    # The vectoriser's own token pattern, so evidence sees exactly the tokens the model saw
    # ("workers' rights" gives "workers", not "workers'").
    yield from _token_ngrams(re.compile(vectorizer.token_pattern), vectorizer.lowercase, (low, high), text)


def _token_ngrams(pattern: re.Pattern[str], lowercase: bool, ngram_range: tuple[int, int], text: str):
    low, high = ngram_range
    tokens = [(m.group().lower() if lowercase else m.group(), m.span()) for m in pattern.finditer(text)]
    for n in range(low, high + 1):
        for i in range(len(tokens) - n + 1):
            gram = tokens[i:i + n]
            yield " ".join(t for t, _ in gram), (gram[0][1][0], gram[-1][1][1])


def _credit_counts(matches, scaler, coef: np.ndarray, credit) -> None:
    """For a group of log(1 + count) columns (lexicon categories, claim markers): each column's
    contribution, measured from "no match", shared by the words that matched it."""
    spans_of: dict[int, list[tuple[int, int]]] = {}
    for start, end, column in matches:
        spans_of.setdefault(column, []).append((start, end))
    for column, spans in spans_of.items():
        amount = coef[column] * np.log1p(len(spans)) / scaler.scale_[column]
        for start, end in spans:
            credit(start, end, amount / len(spans))


def _credit_embedding(embedding, scaler, text: str, coef: np.ndarray, credit) -> None:
    """Split the embedding's contribution exactly over the tokens whose weighted mean it is."""
    from .embeddings import token_spans_and_vectors

    spans, vectors, weights = token_spans_and_vectors(text, getattr(embedding, "weighting", "mean"))
    if not spans or weights.sum() <= 0:
        return
    mean = (weights[:, None] * vectors).sum(axis=0) / weights.sum()
    norm = max(float(np.linalg.norm(mean)), 1e-9)
    per_token = (vectors @ (coef / scaler.scale_)) * weights / (weights.sum() * norm)
    for (start, end), amount in zip(spans, per_token, strict=True):
        credit(start, end, float(amount))


def _is_content(word: str) -> bool:
    """A word that can carry meaning on its own: not punctuation, a number or a function word."""
    lower = word.lower().strip("'’-")
    return any(c.isalpha() for c in lower) and lower not in ENGLISH_STOP_WORDS


def _phrases(text: str, units: list[tuple[int, int]], weights: np.ndarray, top: int) -> tuple[Evidence, ...]:
    if not len(weights) or weights.max() <= 0:
        return ()
    # Punctuation and function words may sit inside a phrase but never make one: only a content
    # word can start or end it, and the share is of what the content words pushed.
    content = np.array([_is_content(text[a:b]) for a, b in units], dtype=bool)
    weights = np.where(content, weights, np.minimum(weights, 0.0))
    if weights.max() <= 0:
        return ()
    total = float(weights[weights > 0].sum())
    strong = weights >= weights.max() * _PHRASE_SHARE
    phrases: list[tuple[int, int, float]] = []
    i = 0
    while i < len(units):
        if not strong[i]:
            i += 1
            continue
        j = i
        while j + 1 < len(units) and strong[j + 1] and not text[units[j][1]:units[j + 1][0]].strip():
            j += 1
        phrases.append((units[i][0], units[j][1], float(weights[i:j + 1].sum())))
        i = j + 1
    phrases.sort(key=lambda p: -p[2])
    return tuple(Evidence(start, end, text[start:end], round(weight, 4), round(weight / total, 4))
                 for start, end, weight in phrases[:top] if round(weight, 4) > 0)
