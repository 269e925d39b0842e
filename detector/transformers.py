"""The feature groups as scikit-learn transformers, and the union that assembles them.

Training fits these inside ``TechniqueClassifier``; each one's ``transform`` is a thin wrapper
over the computation in ``features`` (or ``embeddings``), which scoring also calls directly,
so a fitted model computes the same values in both.  This module imports scikit-learn; the
scoring path does not import it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.validation import check_is_fitted

from . import tokens
from .features import (
    DEFAULT_FEATURE_GROUPS,
    EMBEDDING_WEIGHT,
    FEATURE_GROUPS,
    MEASURES,
    SIDE_NAME_SETTINGS,
    SentenceInput,
    tfidf_rows,
)
from .tokens import NGRAM_TOKEN, stem_tokens, stem_tokens_ignoring_sides

__all__ = [
    "TokenTfidf", "SentenceText", "LexiconFeatures", "StyleFeatures", "ContextFeatures", "ClaimFeatures",
    "EmbeddingFeatures", "build_features",
]


class TokenTfidf(TfidfVectorizer):
    """scikit-learn's TF-IDF vectoriser, with a faster ``transform`` for an analyser function.

    The analysers here read the shared token stream (``detector.tokens``); ``transform`` is
    ``features.tfidf_rows``, whose matrix is identical to the one ``TfidfVectorizer.transform``
    builds.
    """

    def transform(self, raw_documents):
        if (not callable(self.analyzer) or self.binary or isinstance(raw_documents, str)
                or not self.sublinear_tf or self.norm != "l2" or not self.use_idf):
            return super().transform(raw_documents)
        check_is_fitted(self, msg="The TF-IDF vectorizer is not fitted")
        return tfidf_rows(raw_documents, self.analyzer, self.vocabulary_, self.idf_)


class SentenceText(TransformerMixin, BaseEstimator):
    """Selects the sentence texts, for the n-gram vectorisers.

    Parameters
    ----------
    blank_sides : bool
        Give the texts with the names of political sides blanked (``tokens.blank_side_names``),
        for a vectoriser that does not read the shared token stream (character n-grams).
    """

    def __init__(self, blank_sides: bool = False) -> None:
        self.blank_sides = blank_sides

    def fit(self, X: Sequence[SentenceInput], y=None) -> SentenceText:
        return self

    def transform(self, X: Sequence[SentenceInput]) -> list[str]:
        if getattr(self, "blank_sides", False):
            return [tokens.blank_side_names(x.text) for x in X]
        return [x.text for x in X]


class _Measured(TransformerMixin, BaseEstimator):
    """Base of the groups that learn nothing: the rows of ``features.MEASURES[group]``."""

    def _group(self) -> str:
        raise NotImplementedError

    def fit(self, X: Sequence[SentenceInput], y=None):
        self.n_features_out_ = len(MEASURES[self._group()].names())
        return self

    def transform(self, X: Sequence[SentenceInput]) -> np.ndarray:
        return MEASURES[self._group()].rows(X)

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        measure = MEASURES[self._group()]
        return np.array([f"{measure.prefix}:{n}" for n in measure.names()], dtype=object)

    def column_spans(self, text: str) -> Iterator[tuple[int, int, int]]:
        """The words behind the count columns: (start, end, column) for every match."""
        spans = MEASURES[self._group()].spans
        return iter(spans(text)) if spans is not None else iter(())


class LexiconFeatures(_Measured):
    """log(1 + count) of each lexicon category in the sentence."""

    def _group(self) -> str:
        return "lexicon"


class StyleFeatures(_Measured):
    """Surface style of the sentence: length, punctuation, quotes, capitals, pronouns."""

    def _group(self) -> str:
        return "style"


class ContextFeatures(_Measured):
    """What the sentence's document says about it: repetition, position, overall tone.

    ``only_repetition`` keeps the repetition columns alone (the ``repetition`` feature group).
    """

    def __init__(self, only_repetition: bool = False) -> None:
        self.only_repetition = only_repetition

    def _group(self) -> str:
        return "repetition" if self.only_repetition else "context"


class ClaimFeatures(_Measured):
    """How a sentence makes its claim: modal guesses, intentions, sources, causes, absolutes."""

    def _group(self) -> str:
        return "claims"


class EmbeddingFeatures(TransformerMixin, BaseEstimator):
    """The sentence's static embedding (see ``embeddings.sentence_vectors``).

    Parameters
    ----------
    weighting : {"mean", "sif"}
        How tokens are weighted in the mean: equally, or by smooth inverse frequency.
    ignore_sides : bool
        Embed each sentence with the names of political sides blanked (``tokens.blank_side_names``).
    """

    def __init__(self, weighting: str = "mean", ignore_sides: bool = False) -> None:
        self.weighting = weighting
        self.ignore_sides = ignore_sides

    def fit(self, X, y=None) -> EmbeddingFeatures:
        from .embeddings import dimensions, token_weights

        token_weights(self.weighting)  # fail early on an unknown weighting
        self.n_features_out_ = dimensions()
        return self

    def transform(self, X) -> np.ndarray:
        from .embeddings import embed

        # Files saved before a parameter existed lack its attribute: they get the old behaviour.
        return embed([x.text for x in X], getattr(self, "weighting", "mean"), getattr(self, "ignore_sides", False))

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        return np.array([f"embedding:{i}" for i in range(self.n_features_out_)], dtype=object)


def build_features(
    groups: Sequence[str] = DEFAULT_FEATURE_GROUPS,
    word_ngrams: tuple[int, int] = (1, 2),
    char_ngrams: tuple[int, int] = (2, 5),
    max_char_features: int | None = 200_000,
    embedding_weighting: str = "mean",
    side_names: str = "keep",
) -> FeatureUnion:
    """The feature union for the named groups (a subset of ``features.FEATURE_GROUPS``).

    ``side_names="ignore"`` makes the words, stems and embedding read each sentence with the
    names of political sides blanked (``tokens.blank_side_names``); ``"keep"`` reads them.
    """
    unknown = set(groups) - set(FEATURE_GROUPS)
    if unknown:
        raise ValueError(f"unknown feature groups {sorted(unknown)}; known: {FEATURE_GROUPS}")
    if side_names not in SIDE_NAME_SETTINGS:
        raise ValueError(f"side_names must be one of {SIDE_NAME_SETTINGS}, not {side_names!r}")
    ignore = side_names == "ignore"
    parts = []
    if "words" in groups:
        # The shared token stream gives the default 1-2 grams; other ranges use the vectoriser's own.
        if word_ngrams == (1, 2):
            words = TokenTfidf(analyzer=tokens.word_ngrams_ignoring_sides if ignore else tokens.word_ngrams,
                               min_df=2, sublinear_tf=True)
        elif ignore:
            raise ValueError("side_names='ignore' reads word 1-2 grams only")
        else:
            words = TfidfVectorizer(ngram_range=word_ngrams, min_df=2, sublinear_tf=True,
                                    token_pattern=NGRAM_TOKEN.pattern)
        parts.append(("words", Pipeline([("text", SentenceText()), ("tfidf", words)])))
    if "stems" in groups:
        parts.append(("stems", Pipeline([
            ("text", SentenceText()),
            ("tfidf", TokenTfidf(analyzer=stem_tokens_ignoring_sides if ignore else stem_tokens,
                                 min_df=2, sublinear_tf=True)),
        ])))
    if "chars" in groups:
        parts.append(("chars", Pipeline([
            ("text", SentenceText(blank_sides=ignore)),
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
        parts.append(("embedding", Pipeline([("embedding", EmbeddingFeatures(embedding_weighting, ignore)),
                                             ("scale", StandardScaler())])))
        weights["embedding"] = EMBEDDING_WEIGHT
    if not parts:
        raise ValueError("at least one feature group is needed")
    return FeatureUnion(parts, transformer_weights=weights or None)
