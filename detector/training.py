"""Training: fit a ``Detector`` on labelled documents.

``train`` turns documents into model inputs and targets, fits ``TechniqueClassifier`` (its
thresholds set by cross-validation grouped by document) and records what the model file
needs to say about itself: versions, labels, thresholds, a fingerprint of the data, the
cross-validated figures.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Sequence
from typing import Any

import numpy as np

from . import __version__
from .corpus import Document, corpus_fingerprint, gold_matrix
from .errors import DetectorError
from .features import SentenceInput, document_inputs
from .model import TechniqueClassifier
from .scoring import Detector

__all__ = ["train", "training_inputs"]


def training_inputs(documents: Sequence[Document],
                    labels: Sequence[str]) -> tuple[list[SentenceInput], np.ndarray, list[int]]:
    """Model inputs, 0/1 targets and document groups for every sentence unit of the documents."""
    inputs: list[SentenceInput] = []
    groups: list[int] = []
    for number, doc in enumerate(documents):
        rows = document_inputs([s.text for s in doc.sentences()])
        inputs.extend(rows)
        groups.extend([number] * len(rows))
    return inputs, gold_matrix(documents, labels), groups


def train(documents: Sequence[Document], *, labels: Sequence[str] | None = None,
          document_weights: Sequence[float] | None = None, **params: Any) -> Detector:
    """Fit a ``Detector`` on labelled documents.

    ``document_weights`` weighs each document (all its sentences) in the loss, e.g. to let one
    kind of text count less.  ``params`` are ``TechniqueClassifier`` parameters (e.g. ``C``, ``feature_groups``,
    ``threshold_folds``).  Thresholds are chosen by cross-validation grouped by document.
    """
    import sklearn

    from .taxonomy import TECHNIQUE_IDS

    documents = list(documents)
    if not documents:
        raise DetectorError("no training documents")
    labels = list(labels or TECHNIQUE_IDS)
    inputs, targets, groups = training_inputs(documents, labels)
    if len(inputs) == 0:
        raise DetectorError("the training documents contain no sentences")
    if targets.max(initial=0) == 0:
        raise DetectorError("the training data has no labelled technique: nothing to learn")
    if targets.max(axis=1).min() == 1:
        raise DetectorError("every training sentence uses a technique: the data needs negatives too")
    weights = None
    if document_weights is not None:
        if len(document_weights) != len(documents):
            raise DetectorError("document_weights needs one weight per document")
        weights = [float(document_weights[g]) for g in groups]
    estimator = TechniqueClassifier(labels=tuple(labels), **params).fit(inputs, targets, groups=groups,
                                                                        sample_weight=weights)
    metadata = {
        "package_version": __version__,
        "sklearn_version": sklearn.__version__,
        "labels": labels,
        "any_threshold": float(estimator.any_threshold_),
        "thresholds": {label: float(t) for label, t in zip(labels, estimator.thresholds_, strict=True)},
        "training_sha256": corpus_fingerprint(documents),
        "training_documents": len(documents),
        "training_sentences": len(inputs),
        "created": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        "cv_metrics": estimator.cv_metrics_,
        "params": {k: (list(v) if isinstance(v, tuple) else v) for k, v in estimator.get_params().items()},
    }
    return Detector(estimator, metadata)
