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
from .results import Evidence, SentenceResult, TechniqueScore
from .segmentation import Sentence, split_sentences

_BATCH_DOCUMENTS = 64
_CANDIDATES = 2


class Detector:
    """A trained model with its metadata, ready to score texts."""

    def __init__(self, estimator: TechniqueClassifier, metadata: dict | None = None,
                 source: Path | None = None) -> None:
        self.estimator = estimator
        self.metadata = metadata or {}
        self.source = source
        self.trusted = False  # whether the user vouched for the file (workers reload it likewise)

    # ------------------------------------------------------------------ files

    @classmethod
    def load(cls, path: str | Path | None = None, trusted: bool = False) -> "Detector":
        """Load a model file; ``None`` loads the model shipped with the package.

        ``.skops`` files load without running code.  A joblib file other than the shipped
        model can run code when loaded, so it needs ``trusted=True``.
        """
        resolved = Path(path) if path is not None else default_model_path()
        if path is None and not resolved.exists():
            raise DetectorError(f"the shipped model is missing ({resolved}); reinstall the package")
        estimator, metadata = load_model(resolved, trusted=trusted)
        detector = cls(estimator, metadata, resolved.resolve())
        detector.trusted = trusted
        return detector

    def save(self, path: str | Path) -> None:
        """Write the model to ``path`` atomically."""
        save_model(self.estimator, self.metadata, path)
        self.source = Path(path).resolve()
        self.trusted = True  # written by this process: its workers may reload it

    @property
    def labels(self) -> list[str]:
        return [str(label) for label in self.estimator.classes_]

    # ------------------------------------------------------------------ scoring

    def score(self, text: str, explain: bool = False) -> list[SentenceResult]:
        """Split ``text`` into sentences and score each one (with evidence if ``explain``)."""
        return next(self.score_many([text], explain=explain))

    def explain(self, text: str, top: int = 3) -> list[SentenceResult]:
        """Score ``text`` and attach to each detected technique the words that drove its score.

        Each technique's ``evidence`` lists at most ``top`` spans (document offsets) with their
        contribution to the technique's log-odds, strongest first.
        """
        return next(self.score_many([text], explain=True, top=top))

    def score_many(self, texts: Iterable[str], n_jobs: int = 1, explain: bool = False,
                   top: int = 3) -> Iterator[list[SentenceResult]]:
        """Score texts lazily, yielding one list of sentence results per text, in input order.

        ``n_jobs`` > 1 (or -1 for all cores) scores batches in parallel worker processes,
        each loading the model once; the results are identical to ``n_jobs=1``.  With
        ``explain``, detected techniques carry their evidence (see ``explain``).
        """
        batches = _batched(iter(texts), _BATCH_DOCUMENTS)
        if n_jobs == 1:
            for batch in batches:
                yield from self._score_batch(batch, explain, top)
            return
        from joblib import Parallel, delayed

        source = str(self.source) if self.source is not None else None
        model = None if source is not None else self
        parallel = Parallel(n_jobs=n_jobs, return_as="generator")
        jobs = (delayed(_score_in_worker)(source, self.trusted, model, b, explain, top) for b in batches)
        for results in parallel(jobs):
            yield from results

    def _score_batch(self, texts: Sequence[str], explain: bool = False, top: int = 3) -> list[list[SentenceResult]]:
        segmented = [split_sentences(t) for t in texts]
        return self._score_sentences(segmented, explain, top)

    def _score_sentences(self, segmented: Sequence[Sequence[Sentence]], explain: bool = False,
                         top: int = 3) -> list[list[SentenceResult]]:
        inputs: list[SentenceInput] = []
        for sentences in segmented:
            inputs.extend(document_inputs([s.text for s in sentences]))
        any_proba, technique_proba = self.estimator.predict_scores(inputs)
        flagged, decided = decide(any_proba, technique_proba, self.estimator.any_threshold_,
                                  self.estimator.thresholds_)
        labels = self.labels
        chosen = [sorted(np.flatnonzero(d), key=lambda j: -p[j]) for d, p in zip(decided, technique_proba)]
        evidence = None
        if explain:
            from .explanations import explain_inputs

            evidence = explain_inputs(self.estimator, inputs, chosen, top)
        out: list[list[SentenceResult]] = []
        row = 0
        for sentences in segmented:
            results = []
            for s in sentences:
                probs = technique_proba[row]
                unclear = bool(flagged[row]) and not chosen[row]
                # A flagged sentence with no technique over its threshold names its two likeliest
                # techniques as candidates, never as detections.
                candidates = tuple(TechniqueScore(labels[j], float(probs[j]))
                                   for j in np.argsort(-probs, kind="stable")[:_CANDIDATES]) if unclear else ()
                results.append(SentenceResult(
                    s.start, s.end, s.text, float(any_proba[row]),
                    tuple(TechniqueScore(labels[j], float(probs[j]),
                                         None if evidence is None else _shift(evidence[row][j], s.start))
                          for j in chosen[row]),
                    {label: float(p) for label, p in zip(labels, probs)},
                    bool(flagged[row]), candidates,
                ))
                row += 1
            out.append(results)
        return out

    def decide_documents(self, documents: Sequence[Document]) -> tuple[np.ndarray, np.ndarray]:
        """Flagged (sentences,) and 0/1 technique decisions (sentences x labels) for the
        documents' own sentence units."""
        inputs: list[SentenceInput] = []
        for doc in documents:
            inputs.extend(document_inputs([s.text for s in doc.sentences()]))
        any_proba, technique_proba = self.estimator.predict_scores(inputs)
        return decide(any_proba, technique_proba, self.estimator.any_threshold_, self.estimator.thresholds_)


def _shift(evidence: Sequence[Evidence], offset: int) -> tuple[Evidence, ...]:
    """Sentence-relative evidence spans as document offsets."""
    return tuple(Evidence(e.start + offset, e.end + offset, e.text, e.weight) for e in evidence)


def _batched(items: Iterator[Any], size: int) -> Iterator[list[Any]]:
    while batch := list(islice(items, size)):
        yield batch


@lru_cache(maxsize=4)
def cached_detector(source: str, trusted: bool = False) -> Detector:
    """The model at ``source``, loaded once per process (worker processes score with it)."""
    return Detector.load(source, trusted=trusted)


@lru_cache(maxsize=1)
def _watch_parent() -> None:
    """End this worker process when the process that started it is gone, whatever killed it."""
    import os
    import threading
    import time

    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="detector-parent-watch", daemon=True).start()


def _score_in_worker(source: str | None, trusted: bool, model: Detector | None, texts: list[str],
                     explain: bool, top: int) -> list[list[SentenceResult]]:
    _watch_parent()
    detector = model if model is not None else cached_detector(source, trusted)
    return detector._score_batch(texts, explain, top)


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
