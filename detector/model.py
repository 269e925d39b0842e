"""The estimator: one multi-label model with a sentence-level "uses any technique" decision.

``TechniqueClassifier`` follows scikit-learn's conventions: ``__init__`` stores its
parameters unchanged, ``fit`` sets the learned state (trailing underscore), and it works
with ``clone``, ``Pipeline`` and ``GridSearchCV``.  Inputs are ``SentenceInput`` rows (see
``features``); targets are a 0/1 matrix with one column per label in ``labels``.

Decisions are made in two steps so that they stay consistent: a sentence is flagged when
its any-technique probability reaches ``any_threshold_``; a flagged sentence lists the
techniques over their own thresholds, and only those (it may list none: unclear).  All thresholds
come from cross-validation grouped by document, so no document informs its own threshold.
"""

from __future__ import annotations

import logging
import time
import warnings
from collections.abc import Sequence

import numpy as np
from scipy import sparse
from sklearn import config_context
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import precision_recall_curve
from sklearn.model_selection import GroupKFold
from sklearn.multiclass import OneVsRestClassifier
from sklearn.utils.validation import check_is_fitted

from .features import DEFAULT_FEATURE_GROUPS, SentenceInput
from .metrics import score_decisions
from .predictor import SENSITIVITIES, Predictor, apply_platt, calibrated, decide, logit
from .taxonomy import TECHNIQUE_IDS
from .transformers import build_features

__all__ = [
    "TechniqueClassifier", "SENSITIVITIES", "decide", "best_f1_threshold", "best_fbeta_threshold", "fit_platt",
    "apply_platt", "expected_calibration_error", "stack_heads",
]

# Progress of fitting is logged at INFO; the CLI shows it on a terminal.
log = logging.getLogger("detector")


_NEVER = 1.0 + 1e-9  # a threshold no probability reaches


def best_fbeta_threshold(y_true: np.ndarray, proba: np.ndarray, beta: float = 1.0, default: float = 0.5) -> float:
    """The probability threshold that maximises F-beta on these scores (``default`` if none helps)."""
    if y_true.sum() == 0:
        return _NEVER  # never predict a label the training data never showed
    precision, recall, thresholds = precision_recall_curve(y_true, proba)
    b2 = beta * beta
    with np.errstate(divide="ignore", invalid="ignore"):
        score = np.where(b2 * precision + recall > 0, (1 + b2) * precision * recall / (b2 * precision + recall), 0.0)
    best = int(np.argmax(score[:-1])) if len(thresholds) else -1
    return float(thresholds[best]) if best >= 0 else default


def best_f1_threshold(y_true: np.ndarray, proba: np.ndarray, default: float = 0.5) -> float:
    """The probability threshold that maximises F1 on these scores (``default`` without positives)."""
    return best_fbeta_threshold(y_true, proba, 1.0, default)


def fit_platt(raw: np.ndarray, y: np.ndarray, weight: np.ndarray | None = None) -> tuple[float, float]:
    """Slope and intercept of a sigmoid map from raw probabilities to calibrated ones.

    Fitted on cross-validated (out-of-fold) scores; a head with one class keeps raw scores.
    """
    if y.min() == y.max():
        return 1.0, 0.0
    model = LogisticRegression(C=1e6, solver="lbfgs", max_iter=200)
    model.fit(logit(raw).reshape(-1, 1), y, sample_weight=weight)
    return float(model.coef_[0, 0]), float(model.intercept_[0])


def expected_calibration_error(y: np.ndarray, proba: np.ndarray, bins: int = 10) -> float:
    """ECE with ``bins`` equal-width bins: the share-weighted gap between confidence and accuracy."""
    y = np.asarray(y, dtype=np.float64)
    proba = np.asarray(proba, dtype=np.float64)
    if len(y) == 0:
        return 0.0
    index = np.minimum((proba * bins).astype(int), bins - 1)
    total = 0.0
    for b in range(bins):
        members = index == b
        if members.any():
            total += members.mean() * abs(proba[members].mean() - y[members].mean())
    return float(total)


class TechniqueClassifier(ClassifierMixin, BaseEstimator):
    """Multi-label persuasion-technique classifier over sentences in context.

    Parameters
    ----------
    labels: the names of the target columns, in order.
    feature_groups: which of ``features.FEATURE_GROUPS`` to use (default: all but character n-grams).
    C: inverse regularisation strength of the per-technique logistic regressions.
    any_C: the same for the any-technique regression (``None``: same as ``C``).
    class_weight: passed to every logistic regression (``None`` or ``"balanced"``).
    threshold_folds: folds of the grouped cross-validation that sets the thresholds;
        ``None`` keeps 0.5 everywhere and skips cross-validation.
    max_char_features: cap on the character n-gram vocabulary.
    tol: stopping tolerance of the L-BFGS solver (scikit-learn's default).  A looser 1e-3 fits
        in about a third of the iterations and gave the same figures on PTC, but on the
        project's corpus it stops short of the optimum at points that move with small changes
        of the data (loaded-language average precision on the real held-out split 0.41 or 0.50
        as 168 documents were added or not; 0.52 either way at 1e-4; docs/benchmarks.md).
    n_jobs: processes that fit the technique heads in parallel (``None``: one; -1: all cores).
    embedding_weighting: ``"sif"`` (smooth inverse frequency) or ``"mean"`` token weights in the
        static embedding.
    calibrate: map every head's scores through a sigmoid fitted on the grouped cross-validation's
        out-of-fold scores, so that a score means the same likelihood for every technique.
    side_names: ``"ignore"``: the words, stems, characters and embedding read each sentence with
        the names of political sides blanked (``tokens.blank_side_names``), so that with the groups
        that read words (not style or context, which measure lengths) naming one side instead of
        another cannot change a score; ``"keep"``: they read the names (as files saved before the setting did).
    """

    def __init__(
        self,
        labels: Sequence[str] = TECHNIQUE_IDS,
        feature_groups: Sequence[str] = DEFAULT_FEATURE_GROUPS,
        C: float = 1.0,
        any_C: float | None = None,
        class_weight: str | None = None,
        threshold_folds: int | None = 5,
        max_char_features: int | None = 200_000,
        tol: float = 1e-4,
        n_jobs: int | None = None,
        calibrate: bool = True,
        embedding_weighting: str = "mean",
        side_names: str = "ignore",
    ) -> None:
        self.labels = labels
        self.feature_groups = feature_groups
        self.C = C
        self.any_C = any_C
        self.class_weight = class_weight
        self.threshold_folds = threshold_folds
        self.max_char_features = max_char_features
        self.tol = tol
        self.n_jobs = n_jobs
        self.calibrate = calibrate
        self.embedding_weighting = embedding_weighting
        self.side_names = side_names

    # ------------------------------------------------------------------ fitting

    def fit(self, X: Sequence[SentenceInput], y, groups: Sequence | None = None,
            sample_weight: Sequence[float] | None = None) -> TechniqueClassifier:
        """Fit features and heads; with ``threshold_folds``, set thresholds by grouped CV.

        ``groups`` names each row's document (cross-validation keeps a document's sentences
        together); ``sample_weight`` weighs each row in every head's loss.
        """
        Y = np.asarray(y, dtype=np.int8)
        weights = None if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
        if Y.ndim != 2 or Y.shape[1] != len(self.labels):
            raise ValueError(f"y must be a 0/1 matrix with {len(self.labels)} columns")
        if len(X) != len(Y):
            raise ValueError("X and y have different lengths")
        self.classes_ = np.array(self.labels, dtype=object)
        self.features_ = build_features(self.feature_groups, max_char_features=self.max_char_features,
                                        embedding_weighting=getattr(self, "embedding_weighting", "mean"),
                                        side_names=getattr(self, "side_names", "keep"))
        log.info("extracting features from %d sentences", len(X))
        matrix = sparse.csr_matrix(self.features_.fit_transform(X))
        log.info("fitting %d technique heads and the any-technique head", len(self.labels))
        any_label = Y.max(axis=1)
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", category=ConvergenceWarning)
            warnings.filterwarnings("ignore", message="Label .* is present in all training examples")
            warnings.filterwarnings("ignore", message="Label not .* present in all training examples")
            self.any_classifier_ = self._regression(self.C if self.any_C is None else self.any_C)
            self.any_classifier_.fit(matrix, any_label, sample_weight=weights)
            self.technique_classifier_ = OneVsRestClassifier(self._regression(self.C), n_jobs=self.n_jobs)
            if weights is None:
                self.technique_classifier_.fit(matrix, Y)
            else:
                self._fit_weighted(matrix, Y, weights)
        self.coef_, self.intercept_ = stack_heads(self.any_classifier_, self.technique_classifier_.estimators_,
                                                  matrix.shape[1])
        self.any_threshold_ = 0.5
        self.thresholds_ = np.full(len(self.labels), 0.5)
        self.operating_points_: dict[str, dict] = {}
        self.calibration_: np.ndarray | None = None
        self.cv_metrics_: dict | None = None
        if self.threshold_folds:
            self._set_thresholds(X, Y, groups, weights)
        return self

    def _fit_weighted(self, matrix: sparse.csr_matrix, Y: np.ndarray, weights: np.ndarray) -> None:
        # OneVsRestClassifier hands sample weights to its heads only through metadata routing.
        # The routing request is needed while fitting alone, and model files cannot store it,
        # so it is dropped from the fitted heads afterwards.
        ovr = self.technique_classifier_
        with config_context(enable_metadata_routing=True):
            ovr.estimator.set_fit_request(sample_weight=True)
            ovr.fit(matrix, Y, sample_weight=weights)
        for head in (ovr.estimator, *ovr.estimators_):
            head.__dict__.pop("_metadata_request", None)

    def _regression(self, C: float) -> LogisticRegression:
        # L-BFGS converges in a few hundred iterations on these features (sparse n-grams
        # plus a few hundred dense columns), where liblinear's coordinate descent does not.
        return LogisticRegression(C=C, solver="lbfgs", class_weight=self.class_weight, max_iter=500, tol=self.tol)

    def _set_thresholds(self, X: Sequence[SentenceInput], Y: np.ndarray, groups: Sequence | None,
                        weights: np.ndarray | None) -> None:
        group_ids = np.asarray([id(x.document) for x in X] if groups is None else groups)
        n_folds = min(self.threshold_folds or 0, len(np.unique(group_ids)))
        if n_folds < 2:
            return
        any_oof = np.zeros(len(X))
        tech_oof = np.zeros(Y.shape, dtype=np.float64)
        inner = clone(self).set_params(threshold_folds=None)
        folds = GroupKFold(n_splits=n_folds).split(np.zeros(len(X)), Y, group_ids)
        started = time.perf_counter()
        for number, (train, test) in enumerate(folds, start=1):
            elapsed = time.perf_counter() - started
            eta = f", about {elapsed / (number - 1) * (n_folds - number + 1):.0f} s left" if number > 1 else ""
            log.info("threshold cross-validation: fitting fold %d of %d (%d heads)%s",
                     number, n_folds, Y.shape[1] + 1, eta)
            fold = clone(inner).fit([X[i] for i in train], Y[train],
                                    sample_weight=None if weights is None else weights[train])
            any_oof[test], tech_oof[test] = fold.predict_scores([X[i] for i in test])
        any_label = Y.max(axis=1)
        raw = np.column_stack([any_oof, tech_oof])
        truth = np.column_stack([any_label, Y])
        if self.calibrate:
            self.calibration_ = np.array([fit_platt(raw[:, k], truth[:, k], weights) for k in range(raw.shape[1])])
            scores = self._calibrated(raw)
        else:
            scores = raw
        for name, beta in SENSITIVITIES.items():
            self.operating_points_[name] = {
                "any": best_fbeta_threshold(truth[:, 0], scores[:, 0], beta),
                "techniques": np.array([best_fbeta_threshold(truth[:, k], scores[:, k], beta)
                                        for k in range(1, scores.shape[1])]),
            }
        self.any_threshold_ = self.operating_points_["balanced"]["any"]
        self.thresholds_ = self.operating_points_["balanced"]["techniques"]
        flagged, decided = decide(scores[:, 0], scores[:, 1:], self.any_threshold_, self.thresholds_)
        self.cv_metrics_ = score_decisions(Y, decided, list(self.labels), flagged=flagged).to_dict()
        self.cv_metrics_["folds"] = n_folds
        self.cv_metrics_["calibration"] = _cross_fitted_ece(raw, truth, group_ids, weights, self.calibrate,
                                                            ["any", *self.labels])

    def _calibrated(self, raw: np.ndarray) -> np.ndarray:
        return calibrated(raw, getattr(self, "calibration_", None))

    # ------------------------------------------------------------------ prediction

    def predictor(self) -> Predictor:
        """The fitted model's prediction as arrays (shared, not copied): every ``predict_*``
        method scores through it, as scoring does."""
        check_is_fitted(self, "features_")
        return Predictor.from_estimator(self)

    def predict_scores(self, X: Sequence[SentenceInput]) -> tuple[np.ndarray, np.ndarray]:
        """Any-technique probabilities (n,) and per-technique probabilities (n, labels)."""
        return self.predictor().predict_scores(X)

    def feature_matrix(self, X: Sequence[SentenceInput]) -> sparse.csr_matrix:
        """The feature rows of ``X`` (what the heads score, and what explanations split up)."""
        return self.predictor().feature_matrix(X)

    def heads(self) -> tuple[np.ndarray, np.ndarray]:
        """Every head's weights as one (heads x features) matrix and its intercepts, the
        any-technique head first, then one per label; a head that saw one class has zero
        weights and an infinite intercept (its probability is exactly 0 or 1)."""
        check_is_fitted(self, "features_")
        if getattr(self, "coef_", None) is None:  # a model written before 0.3 keeps only its heads
            self.coef_, self.intercept_ = stack_heads(self.any_classifier_, self.technique_classifier_.estimators_,
                                                      None)
        return self.coef_, self.intercept_

    def predict_proba(self, X: Sequence[SentenceInput]) -> np.ndarray:
        """Per-technique probabilities, shape (n, labels)."""
        return self.predict_scores(X)[1]

    def predict_any_proba(self, X: Sequence[SentenceInput]) -> np.ndarray:
        """Probability that each sentence uses any technique, shape (n,)."""
        return self.predict_scores(X)[0]

    def predict(self, X: Sequence[SentenceInput]) -> np.ndarray:
        """0/1 technique decisions, shape (n, labels), consistent with the any-technique gate."""
        any_proba, technique_proba = self.predict_scores(X)
        return decide(any_proba, technique_proba, self.any_threshold_, self.thresholds_)[1]

    def predict_flagged(self, X: Sequence[SentenceInput]) -> np.ndarray:
        """Whether each sentence is flagged as using some technique, shape (n,)."""
        return self.predict_any_proba(X) >= self.any_threshold_


def stack_heads(any_head, technique_heads: Sequence, width: int | None) -> tuple[np.ndarray, np.ndarray]:
    """The heads' coefficients as one (heads x features) matrix and their intercepts.

    A head fitted on one class (scikit-learn's constant predictor) becomes zero weights and an
    intercept of plus or minus infinity, so its probability stays exactly what it predicted.
    """
    heads = [any_head, *technique_heads]
    if width is None:
        width = next(int(np.asarray(h.coef_).shape[-1]) for h in heads if hasattr(h, "coef_"))
    coef = np.zeros((len(heads), width), dtype=np.float64)
    intercept = np.zeros(len(heads), dtype=np.float64)
    for k, head in enumerate(heads):
        if hasattr(head, "coef_"):
            coef[k] = np.asarray(head.coef_, dtype=np.float64).ravel()
            intercept[k] = float(np.asarray(head.intercept_).ravel()[0])
        else:
            constant = float(np.asarray(getattr(head, "y_", getattr(head, "classes_", [0]))).ravel()[0])
            intercept[k] = np.inf if constant >= 1 else -np.inf
    return coef, intercept


def _cross_fitted_ece(raw: np.ndarray, truth: np.ndarray, groups: np.ndarray, weights: np.ndarray | None,
                      calibrate: bool, names: Sequence[str]) -> dict:
    """Expected calibration error of out-of-fold scores, each half of the documents calibrated
    by a map fitted on the other half, so the figure is not measured on the map's own data."""
    halves = np.unique(groups, return_inverse=True)[1] % 2  # alternate documents: deterministic
    calibrated = raw.copy()
    if calibrate:
        for half in (0, 1):
            fit_rows, apply_rows = halves != half, halves == half
            if not fit_rows.any() or not apply_rows.any():
                continue
            for k in range(raw.shape[1]):
                w = None if weights is None else weights[fit_rows]
                slope, intercept = fit_platt(raw[fit_rows, k], truth[fit_rows, k], w)
                calibrated[apply_rows, k] = apply_platt(raw[apply_rows, k], slope, intercept)
    per = {name: round(expected_calibration_error(truth[:, k], calibrated[:, k]), 4) for k, name in enumerate(names)}
    pooled = expected_calibration_error(truth[:, 1:].ravel(), calibrated[:, 1:].ravel())
    return {"any": per["any"], "techniques_pooled": round(pooled, 4), "per_head": per}
