"""The library's entry point: ``Detector`` scores texts, ``train`` makes one from documents.

Data flows one way: text -> sentences with offsets (``segmentation``) -> model inputs
(``features``) -> probabilities and decisions (``model``) -> ``SentenceResult`` objects.
Texts are scored in batches so that feature extraction and prediction are vectorised over
many sentences at once.
"""

from __future__ import annotations

import datetime as _dt
from functools import lru_cache
from itertools import islice
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

import numpy as np

from . import __version__
from .corpus import Document, corpus_fingerprint
from .errors import DetectorError
from .features import SentenceInput, document_inputs
from .model import TechniqueClassifier, decide
from .persistence import default_model_path, load_model, save_model
from .results import SentenceResult, TechniqueScore
from .segmentation import Sentence, split_sentences

_BATCH_DOCUMENTS = 64


class Detector:
    """A trained model with its metadata, ready to score texts."""

    def __init__(self, estimator: TechniqueClassifier, metadata: dict | None = None,
                 source: Path | None = None) -> None:
        self.estimator = estimator
        self.metadata = metadata or {}
        self.source = source

    # ------------------------------------------------------------------ files

    @classmethod
    def load(cls, path: str | Path | None = None) -> "Detector":
        """Load a model file; ``None`` loads the model shipped with the package."""
        resolved = Path(path) if path is not None else default_model_path()
        if path is None and not resolved.exists():
            raise DetectorError(f"the shipped model is missing ({resolved}); reinstall the package")
        estimator, metadata = load_model(resolved)
        return cls(estimator, metadata, resolved.resolve())

    def save(self, path: str | Path) -> None:
        """Write the model to ``path`` atomically."""
        save_model(self.estimator, self.metadata, path)
        self.source = Path(path).resolve()

    @property
    def labels(self) -> list[str]:
        return [str(label) for label in self.estimator.classes_]

    # ------------------------------------------------------------------ scoring

    def score(self, text: str) -> list[SentenceResult]:
        """Split ``text`` into sentences and score each one."""
        return next(self.score_many([text]))

    def score_many(self, texts: Iterable[str], n_jobs: int = 1) -> Iterator[list[SentenceResult]]:
        """Score texts lazily, yielding one list of sentence results per text, in input order.

        ``n_jobs`` > 1 (or -1 for all cores) scores batches in parallel worker processes,
        each loading the model once; the results are identical to ``n_jobs=1``.
        """
        batches = _batched(iter(texts), _BATCH_DOCUMENTS)
        if n_jobs == 1:
            for batch in batches:
                yield from self._score_batch(batch)
            return
        from joblib import Parallel, delayed

        source = str(self.source) if self.source is not None else None
        model = None if source is not None else self
        parallel = Parallel(n_jobs=n_jobs, return_as="generator")
        for results in parallel(delayed(_score_in_worker)(source, model, b) for b in batches):
            yield from results

    def _score_batch(self, texts: Sequence[str]) -> list[list[SentenceResult]]:
        segmented = [split_sentences(t) for t in texts]
        return self._score_sentences(segmented)

    def _score_sentences(self, segmented: Sequence[Sequence[Sentence]]) -> list[list[SentenceResult]]:
        inputs: list[SentenceInput] = []
        for sentences in segmented:
            inputs.extend(document_inputs([s.text for s in sentences]))
        any_proba, technique_proba = self.estimator.predict_scores(inputs)
        decided = decide(any_proba, technique_proba, self.estimator.any_threshold_, self.estimator.thresholds_)
        labels = self.labels
        out: list[list[SentenceResult]] = []
        row = 0
        for sentences in segmented:
            results = []
            for s in sentences:
                probs = technique_proba[row]
                chosen = sorted(np.flatnonzero(decided[row]), key=lambda j: -probs[j])
                results.append(SentenceResult(
                    s.start, s.end, s.text, float(any_proba[row]),
                    tuple(TechniqueScore(labels[j], float(probs[j])) for j in chosen),
                    {label: float(p) for label, p in zip(labels, probs)},
                ))
                row += 1
            out.append(results)
        return out

    def decide_documents(self, documents: Sequence[Document]) -> np.ndarray:
        """0/1 decisions (sentences x labels) for the documents' own sentence units."""
        inputs: list[SentenceInput] = []
        for doc in documents:
            inputs.extend(document_inputs([s.text for s in doc.sentences()]))
        return self.estimator.predict(inputs)


def _batched(items: Iterator[Any], size: int) -> Iterator[list[Any]]:
    while batch := list(islice(items, size)):
        yield batch


@lru_cache(maxsize=4)
def _worker_detector(source: str) -> Detector:
    return Detector.load(source)


def _score_in_worker(source: str | None, model: Detector | None, texts: list[str]) -> list[list[SentenceResult]]:
    detector = model if model is not None else _worker_detector(source)
    return detector._score_batch(texts)


# ---------------------------------------------------------------------- training


def training_inputs(documents: Sequence[Document], labels: Sequence[str]) -> tuple[list[SentenceInput], np.ndarray, list[int]]:
    """Model inputs, 0/1 targets and document groups for every sentence unit of the documents."""
    from .evaluation import gold_matrix

    inputs: list[SentenceInput] = []
    groups: list[int] = []
    for number, doc in enumerate(documents):
        rows = document_inputs([s.text for s in doc.sentences()])
        inputs.extend(rows)
        groups.extend([number] * len(rows))
    return inputs, gold_matrix(documents, labels), groups


def train(documents: Sequence[Document], *, labels: Sequence[str] | None = None, **params: Any) -> Detector:
    """Fit a ``Detector`` on labelled documents.

    ``params`` are ``TechniqueClassifier`` parameters (e.g. ``C``, ``feature_groups``,
    ``threshold_folds``).  Thresholds are chosen by cross-validation grouped by document.
    """
    from .taxonomy import TECHNIQUE_IDS

    import sklearn

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
    estimator = TechniqueClassifier(labels=tuple(labels), **params).fit(inputs, targets, groups=groups)
    metadata = {
        "package_version": __version__,
        "sklearn_version": sklearn.__version__,
        "labels": labels,
        "any_threshold": float(estimator.any_threshold_),
        "thresholds": {label: float(t) for label, t in zip(labels, estimator.thresholds_)},
        "training_sha256": corpus_fingerprint(documents),
        "training_documents": len(documents),
        "training_sentences": len(inputs),
        "created": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "cv_metrics": estimator.cv_metrics_,
        "params": {k: (list(v) if isinstance(v, tuple) else v) for k, v in estimator.get_params().items()},
    }
    return Detector(estimator, metadata)
