"""What scoring needs of a trained model, as arrays: features, heads, calibration, decisions.

A ``Predictor`` holds every learned number of a ``TechniqueClassifier`` that prediction uses
(each feature group's vocabulary and idf weights or its column means and scales, the heads'
weights, the calibration and the thresholds of every operating point) and computes scores
with NumPy and SciPy alone.  Scoring never imports scikit-learn, so ``detector score`` of
one article starts in a fraction of the time; the fitted estimator predicts through a
``Predictor`` too (``TechniqueClassifier.predict_scores``), so there is one implementation of
prediction and both give identical scores.

Decisions are made in two steps so that they stay consistent: a sentence is flagged when
its any-technique probability reaches the any-technique threshold; a flagged sentence lists
the techniques over their own thresholds, and only those (it may list none: unclear).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np
from scipy import sparse
from scipy.special import expit

from . import tokens
from .errors import ModelError
from .features import MEASURES, SentenceInput, scaled, tfidf_rows, union

__all__ = ["Predictor", "FeatureGroup", "SENSITIVITIES", "decide", "logit", "apply_platt", "calibrated"]

#: Operating points a user can choose: the F-beta each one maximises on cross-validated scores
#: (beta < 1 leans to precision, beta > 1 to recall).
SENSITIVITIES = {"precise": 0.5, "balanced": 1.0, "sensitive": 2.0}


def decide(any_proba: np.ndarray, technique_proba: np.ndarray, any_threshold: float,
           thresholds: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The decisions: which sentences are flagged (n,), and which techniques each uses (n, labels).

    A sentence is flagged when its any-technique probability reaches ``any_threshold``; it
    lists exactly the techniques over their own thresholds.  A flagged sentence may list none
    (the model sees persuasion but no single technique clearly): it is reported as unclear,
    never given a technique below its threshold.
    """
    flagged = any_proba >= any_threshold
    decided = (technique_proba >= thresholds) & flagged[:, None]
    return flagged, decided.astype(np.int8)


def logit(p: np.ndarray) -> np.ndarray:
    """Log-odds of probabilities, clipped away from 0 and 1."""
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


def apply_platt(raw: np.ndarray, slope: float, intercept: float) -> np.ndarray:
    """Calibrated probabilities from raw ones, by a sigmoid map (see ``model.fit_platt``)."""
    return 1.0 / (1.0 + np.exp(-(slope * logit(raw) + intercept)))


def calibrated(raw: np.ndarray, calibration: np.ndarray | None) -> np.ndarray:
    """Every head's raw probabilities (columns) through its own map (rows of ``calibration``)."""
    if calibration is None:
        return raw
    return np.column_stack([apply_platt(raw[:, k], *calibration[k]) for k in range(raw.shape[1])])


@lru_cache(maxsize=8)
def _char_analyser(ngram_range: tuple[int, int]) -> Callable[[str], list[str]]:
    # Character n-grams are not in the shipped model's groups; a model that uses them brings
    # scikit-learn's own analyser, imported only then.
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(analyzer="char_wb", ngram_range=ngram_range).build_analyzer()


def _analyser(name: str, ngram_range: tuple[int, int], ignore_sides: bool) -> Callable[[str], list[str]]:
    if name == "words" and ngram_range == (1, 2):
        return tokens.word_ngrams_ignoring_sides if ignore_sides else tokens.word_ngrams
    if name == "stems":
        return tokens.stem_tokens_ignoring_sides if ignore_sides else tokens.stem_tokens
    if name == "chars":
        return _char_analyser(ngram_range)
    raise ModelError(f"model: the {name} group with n-grams {ngram_range} cannot be scored")


@dataclass
class FeatureGroup:
    """One feature group of a trained model and what it learned.

    A TF-IDF group (``words``, ``stems``, ``chars``) has a ``vocabulary`` and ``idf``; every
    other group has the ``mean`` and ``scale`` of its standardised columns.  ``weight``
    multiplies the group's values in the union.  With ``ignore_sides`` the words, stems,
    characters and embedding read each sentence with the names of political sides blanked
    (``tokens.blank_side_names``).
    """

    name: str
    width: int
    weight: float = 1.0
    vocabulary: dict[str, int] | None = None
    idf: np.ndarray | None = None
    mean: np.ndarray | None = None
    scale: np.ndarray | None = None
    ngram_range: tuple[int, int] = (1, 2)
    weighting: str = "mean"
    ignore_sides: bool = False
    analyse: Callable[[str], list[str]] | None = field(default=None, repr=False, compare=False)

    def values(self, inputs: Sequence[SentenceInput], texts: Sequence[str]) -> Any:
        """This group's block of the feature matrix (sparse for TF-IDF, dense otherwise)."""
        if self.vocabulary is not None:
            # Found on every call, not stored: a predictor travels to worker processes by pickle.
            analyse = self.analyse or _analyser(self.name, self.ngram_range, self.ignore_sides)
            if self.name == "chars" and self.ignore_sides:
                # Character n-grams come from scikit-learn's analyser, not the token stream.
                texts = [tokens.blank_side_names(text) for text in texts]
            assert self.idf is not None
            block: Any = tfidf_rows(texts, analyse, self.vocabulary, self.idf)
        else:
            if self.name == "embedding":
                from .embeddings import embed

                raw = embed(texts, self.weighting, self.ignore_sides)
            else:
                raw = MEASURES[self.name].rows(inputs)
            assert self.mean is not None and self.scale is not None
            block = scaled(raw, self.mean, self.scale)
        return block * self.weight if self.weight != 1.0 else block


class Predictor:
    """A trained model's prediction: feature rows, the heads' probabilities, and thresholds.

    Parameters
    ----------
    labels : the technique names, in the order of the technique heads.
    groups : the feature groups, in the order of the feature matrix's columns.
    coef, intercept : every head's weights (heads x features) and intercepts, the
        any-technique head first; a head that saw one class has zero weights and an infinite
        intercept.
    any_threshold, thresholds : the balanced operating point.
    calibration : (heads x 2) slopes and intercepts of each head's sigmoid map, or ``None``.
    operating_points : the thresholds of every sensitivity, ``{"any": t, "techniques": array}``.
    settings : the estimator's parameters (for saving and for rebuilding the estimator).
    cv_metrics : the cross-validated figures recorded at training, if any.
    """

    def __init__(self, labels: Sequence[str], groups: Sequence[FeatureGroup], coef: np.ndarray,
                 intercept: np.ndarray, any_threshold: float, thresholds: np.ndarray,
                 calibration: np.ndarray | None = None, operating_points: dict[str, dict] | None = None,
                 settings: dict | None = None, cv_metrics: dict | None = None) -> None:
        self.labels = [str(label) for label in labels]
        self.groups = list(groups)
        self.coef = coef
        self.intercept = intercept
        self.any_threshold = float(any_threshold)
        self.thresholds = np.asarray(thresholds, dtype=np.float64)
        self.calibration = calibration
        self.operating_points = operating_points or {}
        self.settings = settings or {}
        self.cv_metrics = cv_metrics

    @classmethod
    def from_estimator(cls, estimator: Any) -> Predictor:
        """The prediction of a fitted ``TechniqueClassifier`` (its arrays are shared, not copied)."""
        features = getattr(estimator, "features_", None)
        if features is None:
            raise ModelError("model: the classifier is not fitted")
        weights = features.transformer_weights or {}
        # Files saved before side names could be ignored read them.
        ignore_sides = getattr(estimator, "side_names", "keep") == "ignore"
        groups = []
        for name, part in features.transformer_list:
            last = part[-1]
            if hasattr(last, "vocabulary_"):
                if not (last.sublinear_tf and last.norm == "l2" and last.use_idf and not last.binary):
                    raise ModelError(f"model: the {name} group is not a sublinear, unit-length TF-IDF")
                analyse = last.analyzer if callable(last.analyzer) else None
                # The shared token stream's analyser makes 1-2 grams whatever ``ngram_range`` says.
                ngrams = (1, 2) if name == "words" and analyse is not None else tuple(last.ngram_range)
                groups.append(FeatureGroup(name, len(last.vocabulary_), weights.get(name, 1.0),
                                           vocabulary=last.vocabulary_, idf=np.asarray(last.idf_),
                                           ngram_range=ngrams, ignore_sides=ignore_sides, analyse=analyse))
            elif name in MEASURES or name == "embedding":
                groups.append(FeatureGroup(name, int(last.n_features_in_), weights.get(name, 1.0),
                                           mean=np.asarray(last.mean_), scale=np.asarray(last.scale_),
                                           weighting=getattr(estimator, "embedding_weighting", "mean"),
                                           ignore_sides=ignore_sides))
            else:
                raise ModelError(f"model: unknown feature group {name!r}")
        coef, intercept = estimator.heads()
        return cls(list(estimator.classes_), groups, coef, intercept, estimator.any_threshold_,
                   estimator.thresholds_, getattr(estimator, "calibration_", None),
                   getattr(estimator, "operating_points_", None) or {},
                   {k: (list(v) if isinstance(v, tuple) else v) for k, v in estimator.get_params().items()},
                   getattr(estimator, "cv_metrics_", None))

    @property
    def width(self) -> int:
        """How many columns the feature matrix has."""
        return sum(g.width for g in self.groups)

    def feature_matrix(self, inputs: Sequence[SentenceInput]) -> sparse.csr_matrix:
        """The feature rows of ``inputs`` (what the heads score, and what explanations split up)."""
        texts = [x.text for x in inputs]
        matrix = union([group.values(inputs, texts) for group in self.groups])
        # Every group has read these rows' token streams: the memo that let them share one pass
        # has done its work, and holding it would only grow a long run's memory.
        tokens.forget_recent()
        return matrix

    def scores_from_features(self, matrix: sparse.csr_matrix) -> tuple[np.ndarray, np.ndarray]:
        """Any-technique probabilities (n,) and per-technique probabilities (n, labels) of
        feature rows built by ``feature_matrix``."""
        if matrix.shape[0] == 0:
            return np.zeros(0), np.zeros((0, len(self.labels)))
        # Every head is a logistic regression: all of them are one matrix product.
        logits = np.asarray(matrix @ self.coef.T) + self.intercept
        scores = calibrated(expit(logits), self.calibration)
        return scores[:, 0], scores[:, 1:]

    def predict_scores(self, inputs: Sequence[SentenceInput]) -> tuple[np.ndarray, np.ndarray]:
        """Any-technique probabilities (n,) and per-technique probabilities (n, labels)."""
        if len(inputs) == 0:
            return np.zeros(0), np.zeros((0, len(self.labels)))
        return self.scores_from_features(self.feature_matrix(inputs))

    def operating_point(self, sensitivity: str) -> tuple[float, np.ndarray]:
        """The any-technique threshold and the technique thresholds of a sensitivity (a model
        trained without presets has one operating point, used for every sensitivity)."""
        point = self.operating_points.get(sensitivity)
        if point is None:
            return self.any_threshold, self.thresholds
        return float(point["any"]), np.asarray(point["techniques"])

