"""Feature extraction: scikit-learn transformers over sentences in their document.

The model's input is a sequence of ``SentenceInput``: a sentence's text, its position and
the texts of all sentences of its document (shared, not copied), so features may look at
the context, e.g. a phrase repeated earlier in the same article.  Feature groups:

* word and character n-grams and word stems (TF-IDF), built in ``build_features``;
* ``LexiconFeatures``: counts of words from the lexicons in ``detector/data/lexicons``;
* ``StyleFeatures``: length, punctuation, quotes, capitals, pronouns;
* ``ContextFeatures``: repetition within the document, position, the document's overall tone
  (the ``repetition`` group keeps only the repetition columns);
* ``embeddings.EmbeddingFeatures``: a static sentence embedding distilled from a transformer.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Sequence
from typing import NamedTuple

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.validation import check_is_fitted

from . import tokens
from .tokens import NGRAM_TOKEN, WORD_TOKEN, lexicon_matches, lexicon_names, sentence_tokens, stem_tokens, word_stem

__all__ = [
    "SentenceInput", "document_inputs", "build_features", "FEATURE_GROUPS", "DEFAULT_FEATURE_GROUPS",
    "TokenTfidf", "LexiconFeatures", "StyleFeatures", "ContextFeatures", "ClaimFeatures", "SentenceText",
    "lexicon_counts",
    # Named here for model files that refer to them by this module (and for explanations).
    "WORD_TOKEN", "lexicon_matches", "lexicon_names", "stem_tokens", "word_stem",
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


# --------------------------------------------------------------------------- lexicons


def lexicon_counts(texts: Sequence[str]) -> np.ndarray:
    """For each text, how many words or phrases of each lexicon category it contains."""
    out = np.zeros((len(texts), len(lexicon_names())), dtype=np.float64)
    for row, text in enumerate(texts):
        for _, _, i in sentence_tokens(text).lexicon:
            out[row, i] += 1
    return out


class LexiconFeatures(TransformerMixin, BaseEstimator):
    """log(1 + count) of each lexicon category in the sentence."""

    def fit(self, X: Sequence[SentenceInput], y=None) -> LexiconFeatures:
        self.n_features_out_ = len(lexicon_names())
        return self

    def transform(self, X: Sequence[SentenceInput]) -> np.ndarray:
        return np.log1p(lexicon_counts([x.text for x in X]))

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        return np.array([f"lexicon:{n}" for n in lexicon_names()], dtype=object)

    def column_spans(self, text: str) -> Iterator[tuple[int, int, int]]:
        """The words behind each column: (start, end, category) for every lexicon hit."""
        return iter(lexicon_matches(text))


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


class _SentenceMeasures(TransformerMixin, BaseEstimator):
    """Base of the groups that measure each sentence on its own: one row of ``_measure(text)``."""

    _prefix: str = ""
    _names: tuple[str, ...] = ()

    @staticmethod
    def _measure(text: str) -> list[float]:
        raise NotImplementedError

    def fit(self, X: Sequence[SentenceInput], y=None):
        self.n_features_out_ = len(self._names)
        return self

    def transform(self, X: Sequence[SentenceInput]) -> np.ndarray:
        return np.array([self._measure(x.text) for x in X], dtype=np.float64).reshape(len(X), len(self._names))

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        return np.array([f"{self._prefix}:{n}" for n in self._names], dtype=object)


class StyleFeatures(_SentenceMeasures):
    """Surface style of the sentence: length, punctuation, quotes, capitals, pronouns."""

    _prefix, _names = "style", _STYLE_NAMES
    _measure = staticmethod(style_vector)


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


def _document_context(document: tuple[str, ...], tone: bool = True) -> np.ndarray:
    """Context rows for every sentence of one document (without ``tone``, the document-tone
    columns are left at zero: the repetition group does not use them)."""
    words = [_content_words(s) for s in document]
    bigrams = [set(zip(w, w[1:], strict=False)) for w in words]
    seen_words: set[str] = set()
    seen_bigrams: set[tuple[str, str]] = set()
    later_words: list[set[str]] = [set() for _ in document]
    running: set[str] = set()
    for i in range(len(document) - 1, -1, -1):
        later_words[i] = running & set(words[i])
        running |= set(words[i])
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
    n = len(document)
    rows = np.zeros((n, len(_CONTEXT_NAMES)))
    for i, ws in enumerate(words):
        unique = set(ws)
        repeated = unique & seen_words
        rows[i, 0] = math.log1p(len(repeated))
        rows[i, 1] = len(repeated) / len(unique) if unique else 0.0
        rows[i, 2] = math.log1p(len(bigrams[i] & seen_bigrams))
        rows[i, 3] = math.log1p(len(later_words[i]))
        rows[i, 4] = i / (n - 1) if n > 1 else 0.0
        rows[i, 5] = float(i == 0)
        rows[i, 6] = math.log1p(n)
        rows[i, 7:] = tone_columns
        seen_words |= unique
        seen_bigrams |= bigrams[i]
    return rows


_REPETITION_COLUMNS = 4  # the first columns of _CONTEXT_NAMES: words and phrases seen elsewhere


class ContextFeatures(TransformerMixin, BaseEstimator):
    """What the sentence's document says about it: repetition, position, overall tone.

    ``only_repetition`` keeps the repetition columns alone (the ``repetition`` feature group):
    they describe the technique itself, while position and the document's tone describe how
    a particular corpus is laid out.
    """

    def __init__(self, only_repetition: bool = False) -> None:
        self.only_repetition = only_repetition

    def _width(self) -> int:
        return _REPETITION_COLUMNS if self.only_repetition else len(_CONTEXT_NAMES)

    def fit(self, X: Sequence[SentenceInput], y=None) -> ContextFeatures:
        self.n_features_out_ = self._width()
        return self

    def transform(self, X: Sequence[SentenceInput]) -> np.ndarray:
        cache: dict[int, np.ndarray] = {}
        out = np.zeros((len(X), self._width()))
        for row, x in enumerate(X):
            key = id(x.document)
            if key not in cache:
                cache[key] = _document_context(x.document, tone=not self.only_repetition)[:, :self._width()]
            out[row] = cache[key][x.position]
        return out

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        return np.array([f"context:{n}" for n in _CONTEXT_NAMES[:self._width()]], dtype=object)


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


class ClaimFeatures(_SentenceMeasures):
    """How a sentence makes its claim: modal guesses, intentions, sources, causes, absolutes."""

    _prefix, _names = "claims", _CLAIM_NAMES
    _measure = staticmethod(claim_vector)

    def column_spans(self, text: str) -> Iterator[tuple[int, int, int]]:
        """The words behind the count columns: (start, end, column) for every claim marker."""
        return claim_matches(text)


# --------------------------------------------------------------------------- assembly


class TokenTfidf(TfidfVectorizer):
    """scikit-learn's TF-IDF vectoriser, with a faster ``transform`` for an analyser function.

    The analysers here read the shared token stream (``detector.tokens``), so counting is one
    dictionary lookup per n-gram into a flat index list and one sparse matrix per batch; the
    matrix is identical to the one ``TfidfVectorizer.transform`` builds.
    """

    def transform(self, raw_documents):
        if not callable(self.analyzer) or self.binary or isinstance(raw_documents, str):
            return super().transform(raw_documents)
        check_is_fitted(self, msg="The TF-IDF vectorizer is not fitted")
        vocabulary = self.vocabulary_
        analyse = self.analyzer
        indptr, indices = [0], []
        for document in raw_documents:
            indices.extend([i for i in map(vocabulary.get, analyse(document)) if i is not None])
            indptr.append(len(indices))
        counts = sparse.csr_matrix((np.ones(len(indices)), np.asarray(indices, dtype=np.int64),
                                    np.asarray(indptr, dtype=np.int64)), shape=(len(indptr) - 1, len(vocabulary)))
        counts.sum_duplicates()  # repeated n-grams become counts; indices sorted, as scikit-learn leaves them
        return self._tfidf.transform(counts, copy=False)


class SentenceText(TransformerMixin, BaseEstimator):
    """Selects the sentence texts, for the n-gram vectorisers."""

    def fit(self, X: Sequence[SentenceInput], y=None) -> SentenceText:
        return self

    def transform(self, X: Sequence[SentenceInput]) -> list[str]:
        return [x.text for x in X]


FEATURE_GROUPS = ("words", "stems", "chars", "lexicon", "style", "context", "repetition", "claims", "embedding")
# Character n-grams cost half the scoring time and add nothing measurable once the
# embedding is there (docs/benchmarks.md, ablation), so the default leaves them out.
DEFAULT_FEATURE_GROUPS = ("words", "lexicon", "style", "context", "embedding")
# The 256 embedding dimensions together would outweigh the n-grams after scaling; this
# weight (chosen on the any-technique F1 of grouped cross-validation) keeps them a complement.
_EMBEDDING_WEIGHT = 0.1


def build_features(
    groups: Sequence[str] = DEFAULT_FEATURE_GROUPS,
    word_ngrams: tuple[int, int] = (1, 2),
    char_ngrams: tuple[int, int] = (2, 5),
    max_char_features: int | None = 200_000,
    embedding_weighting: str = "mean",
) -> FeatureUnion:
    """The feature union for the named groups (a subset of ``FEATURE_GROUPS``)."""
    unknown = set(groups) - set(FEATURE_GROUPS)
    if unknown:
        raise ValueError(f"unknown feature groups {sorted(unknown)}; known: {FEATURE_GROUPS}")
    parts = []
    if "words" in groups:
        # The shared token stream gives the default 1-2 grams; other ranges use the vectoriser's own.
        words = (TokenTfidf(analyzer=tokens.word_ngrams, min_df=2, sublinear_tf=True) if word_ngrams == (1, 2)
                 else TfidfVectorizer(ngram_range=word_ngrams, min_df=2, sublinear_tf=True,
                                      token_pattern=NGRAM_TOKEN.pattern))
        parts.append(("words", Pipeline([("text", SentenceText()), ("tfidf", words)])))
    if "stems" in groups:
        parts.append(("stems", Pipeline([
            ("text", SentenceText()),
            ("tfidf", TokenTfidf(analyzer=stem_tokens, min_df=2, sublinear_tf=True)),
        ])))
    if "chars" in groups:
        parts.append(("chars", Pipeline([
            ("text", SentenceText()),
            ("tfidf", TfidfVectorizer(analyzer="char_wb", ngram_range=char_ngrams, min_df=3,
                                      sublinear_tf=True, max_features=max_char_features)),
        ])))
    for name, transformer in (("lexicon", LexiconFeatures()), ("style", StyleFeatures()),
                              ("context", ContextFeatures()),
                              ("repetition", ContextFeatures(only_repetition=True)),
                              ("claims", ClaimFeatures())):
        if name in groups:
            parts.append((name, Pipeline([(name, transformer), ("scale", StandardScaler())])))
    weights = {}
    if "embedding" in groups:
        from .embeddings import EmbeddingFeatures

        parts.append(("embedding", Pipeline([("embedding", EmbeddingFeatures(embedding_weighting)),
                                             ("scale", StandardScaler())])))
        weights["embedding"] = _EMBEDDING_WEIGHT
    if not parts:
        raise ValueError("at least one feature group is needed")
    return FeatureUnion(parts, transformer_weights=weights or None)
