"""Feature extraction: what the model measures in each sentence, with NumPy and SciPy alone.

The model's input is a sequence of ``SentenceInput``: a sentence's text, its position and
the texts of all sentences of its document (shared, not copied), so features may look at
the context, e.g. a phrase repeated earlier in the same article.  Feature groups:

* ``words``, ``stems`` and ``chars``: word 1-2 grams, word stems and character n-grams,
  weighted by TF-IDF (``tfidf_rows``; the vocabularies and idf weights are learned);
* ``lexicon``: counts of words from the lexicons in ``detector/data/lexicons``;
* ``style``: length, punctuation, quotes, capitals, pronouns;
* ``context``: repetition within the document, position, the document's overall tone
  (the ``repetition`` group keeps only the repetition columns);
* ``claims``: how a claim is made (guesses about intentions, sources, causes, absolutes);
* ``embedding``: a static sentence embedding distilled from a transformer (``embeddings``).

The groups that learn nothing are ``MEASURES``; their columns are standardised with means and
scales learned in training.  Training wraps every group in a scikit-learn transformer
(``transformers``); scoring computes the same values here without importing scikit-learn, so
that a one-article run starts fast.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import repeat
from typing import Any, NamedTuple

import numpy as np
from scipy import sparse

from .tokens import (
    NGRAM_TOKEN,
    WORD_TOKEN,
    lexicon_matches,
    lexicon_names,
    sentence_tokens,
    stem_tokens,
    word_ngrams,
    word_ngrams_ignoring_sides,
    word_stem,
)

__all__ = [
    "SentenceInput", "document_inputs", "FEATURE_GROUPS", "DEFAULT_FEATURE_GROUPS", "TFIDF_GROUPS",
    "EMBEDDING_WEIGHT", "SIDE_NAME_SETTINGS", "Measure", "MEASURES", "lexicon_counts", "style_vector",
    "claim_vector", "claim_matches", "document_context", "tfidf_rows", "scaled", "union",
    # Named here for model files that refer to them by this module (and for explanations).
    "WORD_TOKEN", "NGRAM_TOKEN", "lexicon_matches", "lexicon_names", "stem_tokens", "word_stem",
]


class SentenceInput(NamedTuple):
    """One sentence as the model sees it: its text, index and its document's sentence texts."""

    text: str
    position: int
    document: tuple[str, ...]


def document_inputs(sentences: Sequence[str]) -> list[SentenceInput]:
    """Model inputs for the sentences of one document, in order."""
    document = tuple(sentences)
    return [SentenceInput(text, i, document) for i, text in enumerate(document)]


FEATURE_GROUPS = ("words", "stems", "chars", "lexicon", "style", "context", "repetition", "claims", "embedding")
#: The groups weighted by TF-IDF over a learned vocabulary.
TFIDF_GROUPS = ("words", "stems", "chars")
# Character n-grams cost half the scoring time and add nothing measurable once the
# embedding is there (docs/benchmarks.md, ablation), so the default leaves them out.
DEFAULT_FEATURE_GROUPS = ("words", "lexicon", "style", "context", "embedding")
#: The 256 embedding dimensions together would outweigh the n-grams after scaling; this
#: weight (chosen on the any-technique F1 of grouped cross-validation) keeps them a complement.
EMBEDDING_WEIGHT = 0.1
#: What the word-based groups may do with the names of political sides (``side_names``).
SIDE_NAME_SETTINGS = ("ignore", "keep")


# --------------------------------------------------------------------------- lexicons


def lexicon_counts(texts: Sequence[str]) -> np.ndarray:
    """For each text, how many words or phrases of each lexicon category it contains."""
    out = np.zeros((len(texts), len(lexicon_names())), dtype=np.float64)
    for row, text in enumerate(texts):
        for _, _, i in sentence_tokens(text).lexicon:
            out[row, i] += 1
    return out


def _lexicon_rows(X: Sequence[SentenceInput]) -> np.ndarray:
    return np.log1p(lexicon_counts([x.text for x in X]))


# --------------------------------------------------------------------------- style

_STYLE_NAMES = (
    "log_chars", "log_words", "exclamations", "questions", "quotes", "scare_quotes",
    "all_caps_words", "capital_ratio", "digits", "first_person_plural", "second_person",
    "ellipsis", "colon_or_dash", "ends_without_stop",
)
_SCARE_QUOTE = re.compile(r"[\"“‘'][^\"”’'\s]+(?:\s[^\"”’'\s]+)?[\"”’']")
_ALL_CAPS = re.compile(r"\b[A-Z]{3,}\b")
_WE = re.compile(r"\b(?:we|us|our|ours|ourselves)\b", re.I)
_YOU = re.compile(r"\b(?:you|your|yours|yourself)\b", re.I)


def style_vector(text: str) -> list[float]:
    """The style measurements of one sentence, in the order of ``_STYLE_NAMES``."""
    letters = sum(c.isalpha() for c in text) or 1
    return [
        math.log1p(len(text)),
        math.log1p(text.count(" ") + 1),
        min(text.count("!"), 3),
        min(text.count("?"), 3),
        min(sum(text.count(q) for q in "\"“”"), 6),
        min(len(_SCARE_QUOTE.findall(text)), 3),
        min(len(_ALL_CAPS.findall(text)), 5),
        sum(c.isupper() for c in text) / letters,
        float(any(c.isdigit() for c in text)),
        min(len(_WE.findall(text)), 5),
        min(len(_YOU.findall(text)), 5),
        float("..." in text or "…" in text),
        float(":" in text or " - " in text or "—" in text),
        float(not text.rstrip("\"'”’)").endswith((".", "!", "?"))),
    ]


# --------------------------------------------------------------------------- context

_CONTENT = re.compile(r"[a-z][a-z'’-]{3,}")
_STOP = frozenset(
    "that this with from have they their them there were will would been which what when "
    "where your about into than then also more most some such only other over just very "
    "said says being these those after before could should while because does said".split()
)
_CONTEXT_NAMES = (
    "repeated_words", "repeated_word_share", "repeated_bigrams", "repeats_later",
    "relative_position", "is_first", "log_document_sentences",
) + tuple(f"document_{n}" for n in ("loaded", "labels", "fear", "exclamations", "quotes"))


def _content_words(text: str) -> list[str]:
    return [w for w in _CONTENT.findall(text.lower()) if w not in _STOP]


def document_context(document: tuple[str, ...], tone: bool = True) -> np.ndarray:
    """Context rows for every sentence of one document (without ``tone``, the document-tone
    columns are left at zero: the repetition group does not use them)."""
    words = [_content_words(s) for s in document]
    uniques = [set(w) for w in words]
    bigrams = [set(zip(w, w[1:], strict=False)) for w in words]
    n = len(document)
    # How many of each sentence's words come back in a later sentence.
    later = [0] * n
    running: set[str] = set()
    for i in range(n - 1, -1, -1):
        later[i] = len(running & uniques[i])
        running |= uniques[i]
    tone_columns = [0.0] * (len(_CONTEXT_NAMES) - 7)
    if tone:
        lexicon = lexicon_counts(document)
        names = lexicon_names()
        tone_columns = [
            float(np.mean(lexicon[:, names.index(n)] > 0)) if n in names else 0.0
            for n in ("loaded", "labels", "fear")
        ]
        tone_columns.append(float(np.mean(["!" in s for s in document])))
        tone_columns.append(float(np.mean([any(q in s for q in "\"“”") for s in document])))
    seen_words: set[str] = set()
    seen_bigrams: set[tuple[str, str]] = set()
    rows = []
    # Rows as Python lists made one array at the end: setting numpy cells one by one cost more
    # than computing them.
    for i, unique in enumerate(uniques):
        repeated = len(unique & seen_words)
        rows.append([
            math.log1p(repeated),
            repeated / len(unique) if unique else 0.0,
            math.log1p(len(bigrams[i] & seen_bigrams)),
            math.log1p(later[i]),
            i / (n - 1) if n > 1 else 0.0,
            float(i == 0),
            math.log1p(n),
            *tone_columns,
        ])
        seen_words |= unique
        seen_bigrams |= bigrams[i]
    return np.array(rows, dtype=np.float64).reshape(n, len(_CONTEXT_NAMES))


# --------------------------------------------------------------------------- claims

# Markers of how a sentence makes a claim: guesses about what an actor intends or will do,
# whether the claim names a source or evidence, causal links and absolutes.  Unsupported
# speculation is a guess about intentions or the future *without* attribution, so the
# interaction columns count guesses in sentences that name no source and give no figure.
_CLAIM_PATTERNS = {
    "modal_guess": r"\b(?:could|might|may|would|must|will surely|is bound to|are bound to|is likely to|"
                   r"are likely to|probably|presumably|perhaps|no doubt|undoubtedly|clearly|obviously|"
                   r"surely|inevitably|certainly)\b",
    "intention": r"\b(?:wants? to|wanted to|plans? to|planning to|planned to|intends? to|intended to|aims? to|"
                 r"seeks? to|is trying to|are trying to|hopes? to|hoping to|designs? on|agenda|scheme|plot|"
                 r"ambitions?|motives?|secretly|quietly|behind closed doors|all along|from day one|"
                 r"last chance|opening move|first step|next step|end game|endgame|ulterior)\b",
    "future_harm": r"\b(?:will lead to|would lead to|will end up|would end up|slippery slope|prelude to|"
                   r"will destroy|would destroy|will ruin|would ruin|will never|won't stop|will not stop|"
                   r"is only the beginning|just the beginning|before long|sooner or later)\b",
    "attribution": r"\b(?:said|says|told|according to|reported|reports|announced|stated|wrote|writes|"
                   r"testified|confirmed|cited|estimates?|estimated|found that|data|figures|survey|study|"
                   r"studies|statistics|census|poll)\b",
    "causal": r"\b(?:because|due to|thanks to|as a result|result of|caused|causes|led to|leads to|"
                r"blame[sd]?|fault|responsible for|all down to|comes down to|the reason)\b",
    "absolute": r"\b(?:all|every|everyone|everybody|everything|never|always|nobody|no one|nothing|"
                r"only|entirely|completely|totally|whole|none)\b",
}
_CLAIM_RE = {name: re.compile(pattern, re.I) for name, pattern in _CLAIM_PATTERNS.items()}
_FIGURE = re.compile(r"\d")
_CLAIM_NAMES = (*_CLAIM_PATTERNS, "has_figure", "guess_without_source", "intention_without_source")


def claim_matches(text: str) -> Iterator[tuple[int, int, int]]:
    """Every claim marker in ``text`` as (start, end, column of ``ClaimFeatures``)."""
    for column, regex in enumerate(_CLAIM_RE.values()):
        for match in regex.finditer(text):
            yield match.start(), match.end(), column


def claim_vector(text: str) -> list[float]:
    """The claim measurements of one sentence, in the order of ``_CLAIM_NAMES``."""
    counts = [len(regex.findall(text)) for regex in _CLAIM_RE.values()]
    sourced = counts[3] > 0 or bool(_FIGURE.search(text))
    return [math.log1p(c) for c in counts] + [
        float(bool(_FIGURE.search(text))),
        math.log1p(counts[0]) * (not sourced),
        math.log1p(counts[1]) * (not sourced),
    ]


_REPETITION_COLUMNS = 4  # the first columns of _CONTEXT_NAMES: words and phrases seen elsewhere


def _context_rows(X: Sequence[SentenceInput], width: int) -> np.ndarray:
    """The first ``width`` context columns of each input, each document computed once."""
    cache: dict[int, np.ndarray] = {}
    out = np.zeros((len(X), width))
    for row, x in enumerate(X):
        key = id(x.document)
        if key not in cache:
            cache[key] = document_context(x.document, tone=width > _REPETITION_COLUMNS)[:, :width]
        out[row] = cache[key][x.position]
    return out


def _measured(measure: Callable[[str], list[float]], width: int) -> Callable[[Sequence[SentenceInput]], np.ndarray]:
    def rows(X: Sequence[SentenceInput]) -> np.ndarray:
        return np.array([measure(x.text) for x in X], dtype=np.float64).reshape(len(X), width)
    return rows


class Measure(NamedTuple):
    """A feature group that learns nothing: how it names its columns, computes its rows, and
    (for the groups that count words) which words are behind each column."""

    prefix: str
    names: Callable[[], tuple[str, ...]]
    rows: Callable[[Sequence[SentenceInput]], np.ndarray]
    spans: Callable[[str], Iterable[tuple[int, int, int]]] | None = None


#: The groups that learn nothing, by name.  ``repetition`` is the repetition columns of
#: ``context`` alone: they describe the technique itself, while position and the document's
#: tone describe how a particular corpus is laid out.
MEASURES: dict[str, Measure] = {
    "lexicon": Measure("lexicon", lexicon_names, _lexicon_rows, lexicon_matches),
    "style": Measure("style", lambda: _STYLE_NAMES, _measured(style_vector, len(_STYLE_NAMES))),
    "context": Measure("context", lambda: _CONTEXT_NAMES, lambda X: _context_rows(X, len(_CONTEXT_NAMES))),
    "repetition": Measure("context", lambda: _CONTEXT_NAMES[:_REPETITION_COLUMNS],
                          lambda X: _context_rows(X, _REPETITION_COLUMNS)),
    "claims": Measure("claims", lambda: _CLAIM_NAMES, _measured(claim_vector, len(_CLAIM_NAMES)), claim_matches),
}


# --------------------------------------------------------------------------- TF-IDF and assembly


def tfidf_rows(texts: Iterable[str], analyse: Callable[[str], list[str]], vocabulary: dict[str, int],
               idf: np.ndarray) -> sparse.csr_matrix:
    """Sublinear TF-IDF rows with unit length, as scikit-learn's ``TfidfVectorizer`` (with
    ``sublinear_tf=True`` and ``norm="l2"``) computes them from a fitted vocabulary.

    Every step is the same floating-point operation in the same order, so the values are
    bit-identical to scikit-learn's: counting gives every row the same counts (word 1-2 grams
    of ``tokens.word_ngrams`` or ``tokens.word_ngrams_ignoring_sides`` through ``_WordColumns``,
    any other analyser by one dictionary lookup per n-gram), and a row's length is summed term by
    term, as scikit-learn's own loop does.
    """
    if analyse is word_ngrams or analyse is word_ngrams_ignoring_sides:
        counts = _word_columns(vocabulary).counts(texts, len(idf), ignore_sides=analyse is word_ngrams_ignoring_sides)
    else:
        indptr, indices = [0], []
        for text in texts:
            indices.extend([i for i in map(vocabulary.get, analyse(text)) if i is not None])
            indptr.append(len(indices))
        counts = sparse.csr_matrix((np.ones(len(indices)), np.asarray(indices, dtype=np.int64),
                                    np.asarray(indptr, dtype=np.int64)), shape=(len(indptr) - 1, len(idf)))
        counts.sum_duplicates()  # repeated n-grams become counts; indices sorted, as scikit-learn leaves them
    return _sublinear_unit_rows(counts, idf)


def _sublinear_unit_rows(matrix: sparse.csr_matrix, idf: np.ndarray) -> sparse.csr_matrix:
    """Counts (sorted indices, no duplicates) made sublinear TF-IDF rows of unit length, in place."""
    data = matrix.data
    np.log(data, data)
    data += 1.0
    data *= idf[matrix.indices]
    lengths = np.diff(matrix.indptr)
    norms = np.zeros(len(lengths))
    squares = data * data
    # Term k of every row at once: a sequential sum per row, in scikit-learn's order.
    for k in range(int(lengths.max(initial=0))):
        rows = np.flatnonzero(lengths > k)
        norms[rows] += squares[matrix.indptr[rows] + k]
    norms = np.sqrt(norms)
    norms[norms == 0.0] = 1.0
    data /= np.repeat(norms, lengths)
    return matrix


class _WordColumns:
    """A fitted vocabulary of word 1-2 grams as integer arrays, for counting without strings.

    Every word of the vocabulary's n-grams gets an integer id; a unigram's column is looked up
    by id, and a bigram's by the code ``id_a * (words + 1) + id_b`` in a sorted array of the
    vocabulary's bigram codes.  So a sentence costs one dictionary lookup per word, where
    looking up its n-grams took two and built a string for every bigram.  A word outside the
    vocabulary's n-grams has id -1 and takes part in no column.
    """

    def __init__(self, vocabulary: dict[str, int]) -> None:
        ids: dict[str, int] = {}
        unigrams: list[tuple[int, int]] = []
        bigrams: list[tuple[str, str, int]] = []
        for gram, column in vocabulary.items():
            parts = gram.split(" ")
            if len(parts) == 1:
                unigrams.append((ids.setdefault(gram, len(ids)), column))
            elif len(parts) == 2:  # n-grams of other sizes never come from ``word_ngrams``
                bigrams.append((parts[0], parts[1], column))
        for a, b, _ in bigrams:
            ids.setdefault(a, len(ids))
            ids.setdefault(b, len(ids))
        self.ids = ids
        self.base = len(ids) + 1
        # The last place answers for id -1: no column.
        self.unigram = np.full(len(ids) + 1, -1, dtype=np.int64)
        for word, column in unigrams:
            self.unigram[word] = column
        codes = np.array([ids[a] * self.base + ids[b] for a, b, _ in bigrams], dtype=np.int64)
        order = np.argsort(codes, kind="stable")
        self.bigram_codes = codes[order]
        self.bigram_columns = np.array([c for _, _, c in bigrams], dtype=np.int64)[order]

    def counts(self, texts: Iterable[str], width: int, ignore_sides: bool = False) -> sparse.csr_matrix:
        """Each text's count of every vocabulary n-gram (float, sorted indices, as ``sum_duplicates``
        leaves them): the counts of ``word_ngrams(text)`` (``ignore_sides``: of
        ``word_ngrams_ignoring_sides(text)``) looked up in the vocabulary."""
        get = self.ids.get
        flat: list[int] = []
        lengths: list[int] = []
        for text in texts:
            streams = sentence_tokens(text)
            words = streams.free_words if ignore_sides else streams.words
            flat.extend(map(get, words, repeat(-1)))
            lengths.append(len(words))
        ids = np.array(flat, dtype=np.int64)
        n = len(lengths)
        row = np.repeat(np.arange(n, dtype=np.int64), lengths)
        columns = self.unigram[ids]
        rows = [row[columns >= 0]]
        found = [columns[columns >= 0]]
        if len(self.bigram_codes) and len(ids) > 1:
            a, b = ids[:-1], ids[1:]
            pairs = np.flatnonzero((row[:-1] == row[1:]) & (a >= 0) & (b >= 0))
            codes = a[pairs] * self.base + b[pairs]
            at = np.minimum(np.searchsorted(self.bigram_codes, codes), len(self.bigram_codes) - 1)
            hit = self.bigram_codes[at] == codes
            rows.append(row[pairs[hit]])
            found.append(self.bigram_columns[at[hit]])
        keys, count = np.unique(np.concatenate(rows) * width + np.concatenate(found), return_counts=True)
        indptr = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(np.bincount(keys // width, minlength=n), out=indptr[1:])
        return sparse.csr_matrix((count.astype(np.float64), keys % width, indptr), shape=(n, width))


_WORD_COLUMNS: dict[int, tuple[dict[str, int], _WordColumns]] = {}


def _word_columns(vocabulary: dict[str, int]) -> _WordColumns:
    """The ``_WordColumns`` of a fitted vocabulary, built on first use (a few are remembered).

    A fitted vocabulary is read-only: the columns are found by the dictionary's identity, so one
    changed in place after its first use would be counted with its old columns.
    """
    known = _WORD_COLUMNS.get(id(vocabulary))
    if known is not None and known[0] is vocabulary:
        return known[1]
    if len(_WORD_COLUMNS) >= 4:
        _WORD_COLUMNS.clear()
    columns = _WordColumns(vocabulary)
    # The vocabulary is kept with its arrays so that its id cannot be reused by another.
    _WORD_COLUMNS[id(vocabulary)] = (vocabulary, columns)
    return columns


def scaled(values: np.ndarray, mean: np.ndarray, scale: np.ndarray) -> np.ndarray:
    """Standardised columns, as scikit-learn's ``StandardScaler.transform`` computes them (in
    the values' own floating-point type)."""
    out = np.array(values, copy=True)
    out -= mean.astype(out.dtype)
    out /= scale.astype(out.dtype)
    return out


def union(blocks: Sequence[Any]) -> sparse.csr_matrix:
    """The feature groups' blocks side by side, as scikit-learn's ``FeatureUnion`` joins them."""
    if any(sparse.issparse(b) for b in blocks):
        return sparse.csr_matrix(sparse.hstack(blocks).tocsr())
    return sparse.csr_matrix(np.hstack(blocks))

