"""Training: fit a ``Detector`` on labelled documents.

``train`` turns documents into model inputs and targets, fits ``TechniqueClassifier`` (its
thresholds set by cross-validation grouped by document) and records what the model file
needs to say about itself: versions, labels, thresholds, a fingerprint of the data, the
cross-validated figures.

``shipped_training`` holds the one definition of how the shipped model is trained (feature
groups, regularisation, document weights); ``train_shipped`` applies it, to the shipped corpus
alone (``scripts/train_default_model.py``) or with a user's own labelled documents added
(``detector train --base default --add FILE``).
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from . import __version__
from .corpus import Document, corpus_fingerprint, gold_matrix
from .errors import DetectorError
from .features import SentenceInput, document_inputs
from .model import TechniqueClassifier
from .scoring import Detector
from .tokens import side_names_fingerprint

__all__ = ["train", "training_inputs", "ShippedTraining", "shipped_training", "shipped_corpus_path",
           "train_shipped", "SHIPPED_FEATURE_GROUPS", "SHIPPED_C", "INVENTED_WEIGHT"]

# The shipped model keeps the feature groups that describe techniques and leaves out those that
# describe how the project's corpus is laid out.  Style (length, punctuation, capitals) and the
# document-context columns for position and overall tone are the latter: trained on the corpus
# and scored on real news (PTC) they cost ranking quality and name-calling F1 (0.23 -> 0.14 with
# the whole context group), while the repetition columns of the context group are the only way to
# see the repetition technique (its F1 on PTC: 0.05 without them, 0.14 with them).  Trained on
# real news itself, style and context help a little, so the library's default keeps them
# (docs/benchmarks.md).  Word stems join every form of a word into one feature, which a corpus of
# this size needs (held-out any F1 0.842 -> 0.849, micro F1 0.624 -> 0.646) at almost no scoring
# cost; character n-grams did a little more on held-out text (0.857) but halve the scoring speed
# and add nothing on PTC.  Figures: the model card and scripts/train_default_model.py's output.
SHIPPED_FEATURE_GROUPS = ("words", "stems", "lexicon", "repetition", "embedding")
# Documents written for the project count at this weight in training, real documents at 1.
# The written corpus packs techniques densely into short, textbook sentences; at full weight
# the model learned "real-looking text is clean" from the contrast, and ranked real text worse
# than a model trained on the real documents alone (average precision on the real held-out
# split: written+real 0.339, real alone 0.372, written at 0.3 0.370, at 0.1 0.381; PTC, never
# used to choose: 0.492, 0.520, 0.500, 0.502).  0.3 keeps most of the gain on real text while
# the written held-out split stays near its old figure (docs/benchmarks.md).
INVENTED_WEIGHT = 0.3
# Weaker regularisation suits the larger, mixed corpus: chosen on the grouped cross-validation
# of the training split (any-technique F1 0.718 at C=0.3, 0.736 at 1, 0.744 at 3).
SHIPPED_C = 3.0
# The corpus's real documents have ids starting with this; the others were written for the project.
_REAL_PREFIX = "rt-"
_CORPUS_NAME = "train.jsonl"


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
    if estimator.side_names == "ignore":
        # The list is package data: a later version may change it, and loading then warns.
        metadata["side_names_sha256"] = side_names_fingerprint()
    return Detector(estimator, metadata)


@dataclass(frozen=True)
class ShippedTraining:
    """How the shipped model is trained: ``train`` parameters and one weight per document."""

    params: dict[str, Any]
    document_weights: list[float]


def shipped_training(corpus: Sequence[Document], added: Sequence[Document] = (),
                     added_weight: float = 1.0) -> ShippedTraining:
    """The shipped model's settings for the shipped ``corpus`` followed by ``added`` documents.

    Corpus documents weigh 1 when real (ids ``rt-*``) and ``INVENTED_WEIGHT`` when written
    for the project; every added document weighs ``added_weight`` whatever its id, since a
    user's own labels are real text.
    """
    if not added_weight > 0:
        raise DetectorError(f"the weight of added documents must be above 0, not {added_weight}")
    weights = [1.0 if d.id.startswith(_REAL_PREFIX) else INVENTED_WEIGHT for d in corpus]
    weights += [float(added_weight)] * len(added)
    return ShippedTraining({"feature_groups": SHIPPED_FEATURE_GROUPS, "C": SHIPPED_C}, weights)


def shipped_corpus_path() -> Path:
    """Where the shipped model's training corpus is: inside the installed package, or in the checkout.

    Raises ``DetectorError`` when neither holds it (a package built without its data).
    """
    package = Path(__file__).resolve().parent
    for candidate in (package / "training_data" / _CORPUS_NAME, package.parent / "training_data" / _CORPUS_NAME):
        if candidate.is_file():
            return candidate
    raise DetectorError(f"the shipped training corpus ({_CORPUS_NAME}) is neither in the installed package "
                        f"({package / 'training_data'}) nor beside the checkout ({package.parent / 'training_data'}); "
                        "reinstall the package, or train on your own data alone with `detector train DATA`")


def train_shipped(added: Sequence[Document] = (), *, corpus: Sequence[Document] | None = None,
                  added_weight: float = 1.0, **params: Any) -> Detector:
    """Train with the shipped model's settings on the shipped corpus plus ``added`` documents.

    ``corpus`` replaces the shipped corpus (read from ``shipped_corpus_path`` when None);
    ``params`` are further ``train`` parameters that change how, not what, is learned
    (``n_jobs``) or override a setting (``threshold_folds``).  The model's metadata records
    the corpus fingerprint and how many documents were added under ``base``.
    """
    from .corpus import read_corpus

    corpus = list(read_corpus(shipped_corpus_path()) if corpus is None else corpus)
    added = list(added)
    settings = shipped_training(corpus, added, added_weight)
    detector = train(corpus + added, document_weights=settings.document_weights, **{**settings.params, **params})
    detector.metadata["base"] = {"corpus_sha256": corpus_fingerprint(corpus), "corpus_documents": len(corpus),
                                 "added_sha256": corpus_fingerprint(added), "added_documents": len(added),
                                 "added_weight": float(added_weight)}
    return detector
