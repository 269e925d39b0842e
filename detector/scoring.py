"""Scoring: ``Detector`` holds a trained model and turns documents into results.

Data flows one way: documents (``inputs``) -> sentences with offsets (``segmentation``) ->
model inputs (``features``) -> probabilities and decisions (``model``) -> ``DocumentResult``
objects (``results``), which writers (``writers``) render.  ``Detector.score_documents`` owns
the document loop; texts are scored in batches so that feature extraction and prediction are
vectorised over many sentences at once, in one process or several.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from .corpus import Document
from .errors import DetectorError
from .features import SentenceInput, document_inputs
from .inputs import InputDocument
from .persistence import default_model_path, load_model, save_model
from .predictor import SENSITIVITIES, Predictor, decide
from .results import DocumentResult, Evidence, SentenceResult, TechniqueScore
from .segmentation import Sentence, is_non_prose, split_sentences

__all__ = ["Detector", "cached_detector", "check_voice", "VOICES"]

_BATCH_DOCUMENTS = 64
# A batch also ends once it holds this much text, so that a few long documents (or many short
# lines) do not hold many results at once: memory stays flat whatever the documents' sizes.
# 50,000 characters peaked at 395 MB on 100,000 short lines where 200,000 peaked at 431 MB, with
# the same speed (2026-12-01).
_BATCH_CHARS = 50_000
# Feature rows built and scored at once: bounds the matrices' memory (about 1 KB a row).
_FEATURE_ROWS = 2048
_CANDIDATES = 2
_VOICE_CONTEXT = 2
#: Whose techniques a run keeps: every one, only those in the text's own words, or only quoted ones.
VOICES = ("all", "author", "quoted")


class Detector:
    """A trained model with its metadata, ready to score texts.

    ``model`` is a ``Predictor`` (what a model file loads as) or a fitted ``TechniqueClassifier``
    (what training makes); either way scoring goes through ``predictor``.
    """

    def __init__(self, model: Any, metadata: dict | None = None,
                 source: Path | None = None, sensitivity: str = "balanced") -> None:
        self.predictor = model if isinstance(model, Predictor) else Predictor.from_estimator(model)
        self._estimator = None if isinstance(model, Predictor) else model
        self.metadata = metadata or {}
        self.source = source
        self.trusted = False  # whether the user vouched for the file (workers reload it likewise)
        self.sensitivity = _check_sensitivity(sensitivity)
        self._model_info: dict | None = None  # file, SHA-256 prefix, version: read on first use

    # ------------------------------------------------------------------ files

    @classmethod
    def load(cls, path: str | Path | None = None, trusted: bool = False, sensitivity: str = "balanced") -> Detector:
        """Load a model file; ``None`` loads the model shipped with the package.

        ``.skops`` files load without running code.  A joblib file other than the shipped
        model can run code when loaded, so it needs ``trusted=True``.  ``sensitivity`` picks
        the operating point: ``precise`` (fewer, surer flags), ``balanced`` (best F1) or
        ``sensitive`` (more flags, more false alarms); each technique's threshold for all
        three was set by cross-validation.
        """
        resolved = Path(path) if path is not None else default_model_path()
        if path is None and not resolved.exists():
            raise DetectorError(f"the shipped model is missing ({resolved}); reinstall the package")
        estimator, metadata = load_model(resolved, trusted=trusted)
        detector = cls(estimator, metadata, resolved.resolve(), sensitivity)
        detector.trusted = trusted
        return detector

    def with_sensitivity(self, sensitivity: str) -> Detector:
        """The same model at another operating point (see ``load``); nothing is reloaded or copied."""
        if sensitivity == self.sensitivity:
            return self
        other = Detector(self.predictor, self.metadata, self.source, sensitivity)
        other._estimator = self._estimator
        other.trusted = self.trusted
        other._model_info = self._model_info
        return other

    def save(self, path: str | Path) -> None:
        """Write the model to ``path`` atomically."""
        save_model(self._estimator if self._estimator is not None else self.predictor, self.metadata, path)
        self.source = Path(path).resolve()
        self._model_info = None  # the model now lives in another file
        self.trusted = True  # written by this process: its workers may reload it

    @property
    def estimator(self) -> Any:
        """The model as a scikit-learn ``TechniqueClassifier`` (built from the arrays on first
        use when the model came from a file; scoring does not need it)."""
        if self._estimator is None:
            from .model_arrays import to_estimator

            self._estimator = to_estimator(self.predictor)
        return self._estimator

    @property
    def labels(self) -> list[str]:
        return list(self.predictor.labels)

    @property
    def model_info(self) -> dict:
        """What names this model in outputs: file name, SHA-256 prefix, package version."""
        info = self._model_info
        if info is None:
            from . import __version__
            from .persistence import file_sha256

            path = self.source
            info = {"file": path.name if path is not None else None,
                    "sha256": file_sha256(path)[:12] if path is not None and path.is_file() else None,
                    "version": self.metadata.get("package_version", __version__)}
            self._model_info = info
        return {**info, "sensitivity": self.sensitivity}

    def thresholds(self, min_score: float | None = None) -> tuple[float, np.ndarray]:
        """The any-technique threshold and the per-technique thresholds in force.

        They come from the chosen sensitivity; ``min_score`` (0 to 1, on the calibrated
        scale) replaces them all.
        """
        if min_score is not None:
            if not 0.0 <= float(min_score) <= 1.0:
                raise DetectorError(f"min_score must be between 0 and 1, not {min_score}")
            return float(min_score), np.full(len(self.labels), float(min_score))
        return self.predictor.operating_point(self.sensitivity)

    # ------------------------------------------------------------------ scoring

    def score(self, text: str | Document, explain: bool = False,
              min_score: float | None = None) -> list[SentenceResult]:
        """Split ``text`` (or a ``Document``'s text) into sentences and score each one (with
        evidence if ``explain``).

        ``min_score`` replaces every threshold for this call (see ``thresholds``).
        """
        return next(self.score_many([_text(text)], explain=explain, min_score=min_score))

    def explain(self, text: str, top: int = 3, min_score: float | None = None) -> list[SentenceResult]:
        """Score ``text`` and attach to each detected technique the words that drove its score.

        Each technique's ``evidence`` lists at most ``top`` spans (document offsets) with their
        contribution to the technique's log-odds, strongest first.
        """
        return next(self.score_many([_text(text)], explain=True, top=top, min_score=min_score))

    def score_documents(self, documents: Iterable[InputDocument | Document | tuple[str, str] | str], n_jobs: int = 1,
                        explain: bool = False, top: int = 3, min_score: float | None = None,
                        voice: str | None = None) -> Iterator[DocumentResult]:
        """Score documents lazily, yielding one ``DocumentResult`` per document, in input order.

        This is the library's document loop: each document keeps its name, its part and its
        offset (a part of a large file) through batching and worker processes, and its
        sentences come back with offsets into the whole file.  ``documents`` may hold
        ``InputDocument`` objects (see ``detector.inputs``), ``Document`` objects (a web page
        read by ``detector.webpages``: its metadata comes with its result), ``(name, text)``
        pairs or bare texts (named by their position).  ``n_jobs`` > 1 (or -1 for all cores) scores batches
        in worker processes, each loading the model once; results are identical to
        ``n_jobs=1``.  With ``explain``, detected techniques carry their evidence.
        ``min_score`` replaces every threshold (see ``thresholds``).  Every detected technique
        says who uses it (``voice``: ``"author"`` or ``"quoted"``, and the ``speaker``);
        ``voice="author"`` (or ``"quoted"``) keeps only the techniques of that voice.
        """
        if voice not in (None, "author", "quoted"):
            raise DetectorError(f"unknown voice {voice!r}; use 'author' or 'quoted'")
        limits = self.thresholds(min_score)
        items = (_as_input(d, i) for i, d in enumerate(documents))
        batches = _batched(items, _BATCH_DOCUMENTS, _BATCH_CHARS)
        if n_jobs == 1:
            for batch in batches:
                yield from _results(batch, self._score_batch([d.text for d in batch], limits, explain, top, voice))
            return
        import os

        from joblib.externals.loky import get_reusable_executor

        from ._parent_watch import watch_parent

        source = str(self.source) if self.source is not None else None
        model = None if source is not None else self
        workers = (os.cpu_count() or 1) if n_jobs == -1 else n_jobs
        # Each worker starts watching its parent as soon as it starts, so that no worker
        # outlives a parent that was killed, even one that never received a batch.
        executor = get_reusable_executor(max_workers=workers, initializer=watch_parent, initargs=(os.getpid(),))
        # A bounded number of batches is in flight; results come back in input order.
        in_flight: deque[tuple[list[InputDocument], Any]] = deque()
        for batch in batches:
            in_flight.append((batch, executor.submit(_score_in_worker, source, self.trusted, model,
                                                     [d.text for d in batch], limits, explain, top, voice)))
            if len(in_flight) >= 2 * workers:
                done, future = in_flight.popleft()
                yield from _results(done, future.result())
        while in_flight:
            done, future = in_flight.popleft()
            yield from _results(done, future.result())

    def score_many(self, texts: Iterable[str], n_jobs: int = 1, explain: bool = False,
                   top: int = 3, min_score: float | None = None) -> Iterator[list[SentenceResult]]:
        """Score texts lazily, yielding one list of sentence results per text, in input order.

        The same loop as ``score_documents``, for callers that have bare texts.
        """
        for result in self.score_documents(texts, n_jobs=n_jobs, explain=explain, top=top, min_score=min_score):
            yield result.sentences

    def _score_batch(self, texts: Sequence[str], limits: tuple[float, np.ndarray], explain: bool = False,
                     top: int = 3, voice: str | None = None) -> list[list[SentenceResult]]:
        segmented = [split_sentences(t) for t in texts]
        scored = self._score_sentences(segmented, limits, explain, top)
        return [_with_voices(text, sentences, voice) for text, sentences in zip(texts, scored, strict=True)]

    def _score_sentences(self, segmented: Sequence[Sequence[Sentence]], limits: tuple[float, np.ndarray],
                         explain: bool = False, top: int = 3) -> list[list[SentenceResult]]:
        inputs: list[SentenceInput] = []
        for sentences in segmented:
            inputs.extend(document_inputs([s.text for s in sentences]))
        labels = self.labels
        any_parts, technique_parts, flagged_parts, prose_parts = [np.zeros(0)], [np.zeros((0, len(labels)))], [], []
        chosen: list[list[int]] = []
        evidence: list[dict[int, tuple[Evidence, ...]]] | None = [] if explain else None
        if explain:
            from .explanations import explain_inputs
        # Feature rows are built a bounded number at a time, so that a batch of many short
        # lines never makes one huge matrix; each slice is scored, decided and explained (from
        # the very rows the heads scored) before the next is built.
        for first in range(0, len(inputs), _FEATURE_ROWS):
            part = inputs[first:first + _FEATURE_ROWS]
            matrix = self.predictor.feature_matrix(part)
            any_part, technique_part = self.predictor.scores_from_features(matrix)
            flagged_part, decided, prose_part = _decisions(any_part, technique_part, limits, [x.text for x in part])
            # The detected techniques of each sentence, likeliest first (most sentences have none).
            picked: list[list[int]] = [[] for _ in part]
            for r in np.flatnonzero(decided.any(axis=1)):
                p = technique_part[r]
                picked[r] = sorted((int(j) for j in np.flatnonzero(decided[r])), key=lambda j: -p[j])
            if evidence is not None:
                evidence.extend(explain_inputs(self.predictor, part, picked, top, matrix=matrix))
            any_parts.append(any_part)
            technique_parts.append(technique_part)
            flagged_parts.append(flagged_part)
            prose_parts.append(prose_part)
            chosen.extend(picked)
        any_proba, technique_proba = np.concatenate(any_parts), np.concatenate(technique_parts)
        flagged = np.concatenate([np.zeros(0, dtype=bool), *flagged_parts])
        prose = np.concatenate([np.zeros(0, dtype=bool), *prose_parts])
        out: list[list[SentenceResult]] = []
        # As Python floats and bools at once (the same values float() gives one by one).
        any_list, technique_list = any_proba.tolist(), technique_proba.tolist()
        flagged_list, prose_list = flagged.tolist(), prose.tolist()
        row = 0
        for sentences in segmented:
            results = []
            for s in sentences:
                probs = technique_list[row]
                unclear = flagged_list[row] and not chosen[row]
                # A flagged sentence with no technique over its threshold names its two likeliest
                # techniques as candidates, never as detections.
                candidates = tuple(TechniqueScore(labels[j], probs[j])
                                   for j in np.argsort(-technique_proba[row], kind="stable")[:_CANDIDATES]) \
                    if unclear else ()
                results.append(SentenceResult(
                    s.start, s.end, s.text, any_list[row],
                    tuple(TechniqueScore(labels[j], probs[j],
                                         None if evidence is None else _shift(evidence[row][j], s.start))
                          for j in chosen[row]),
                    dict(zip(labels, probs, strict=True)),
                    flagged_list[row], candidates, "prose" if prose_list[row] else "non-prose",
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
        any_proba, technique_proba = self.predictor.predict_scores(inputs)
        flagged, decided, _ = _decisions(any_proba, technique_proba, self.thresholds(), [x.text for x in inputs])
        return flagged, decided


def _decisions(any_proba: np.ndarray, technique_proba: np.ndarray, limits: tuple[float, np.ndarray],
               texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The model's decisions (see ``predictor.decide``) with non-prose lines never flagged; also
    which sentences are prose."""
    flagged, decided = decide(any_proba, technique_proba, *limits)
    prose = np.array([not is_non_prose(text) for text in texts], dtype=bool)
    return flagged & prose, decided * prose[:, None], prose


def _check_sensitivity(name: str) -> str:
    if name not in SENSITIVITIES:
        raise DetectorError(f"unknown sensitivity {name!r}; use one of {', '.join(SENSITIVITIES)}")
    return name


def check_voice(voice: str) -> str | None:
    """The ``voice`` argument of ``score_documents`` for a user's choice among ``VOICES``
    (``"all"`` is ``None``: no filter); an unknown choice is a ``DetectorError``."""
    if voice not in VOICES:
        raise DetectorError(f"unknown voice {voice!r}; use all, author or quoted")
    return None if voice == "all" else voice


def _text(text: object) -> str:
    if isinstance(text, str):
        return text
    if isinstance(text, Document):  # a web page or Markdown file read by ``webpages``
        return text.text
    if isinstance(text, (bytes, bytearray)):
        raise DetectorError("score text, not bytes: decode it first (for example data.decode('utf-8'))")
    raise DetectorError(f"score takes a str, not {type(text).__name__}")


def _as_input(item: InputDocument | Document | tuple[str, str] | str, position: int) -> InputDocument:
    if isinstance(item, InputDocument):
        return item
    if isinstance(item, Document):
        return InputDocument.of(item)
    if isinstance(item, str):
        return InputDocument(str(position), item)
    if isinstance(item, tuple) and len(item) == 2 and all(isinstance(x, str) for x in item):
        return InputDocument(item[0], item[1])
    if isinstance(item, (bytes, bytearray)):
        raise DetectorError("score text, not bytes: decode it first (for example data.decode('utf-8'))")
    raise DetectorError(f"cannot score a {type(item).__name__}: give text, (name, text) pairs, InputDocument "
                        "or Document")


def _results(batch: Sequence[InputDocument], scored: Sequence[list[SentenceResult]]) -> Iterator[DocumentResult]:
    """Pair a batch's documents with their scored sentences; offsets count from the file's start."""
    for document, sentences in zip(batch, scored, strict=True):
        if document.offset:
            sentences = [s.shifted(document.offset) for s in sentences]
        yield DocumentResult(document.name, sentences, document.text, document.offset, document.metadata)


def _with_voices(text: str, sentences: list[SentenceResult], keep: str | None) -> list[SentenceResult]:
    """Say who uses each detected technique; with ``keep``, drop the techniques of the other voice.

    Only flagged sentences are looked at: most sentences carry nothing to attribute.
    """
    from .voice import sentence_voices, span_voice

    flagged = [i for i, s in enumerate(sentences) if s.flagged]
    if not flagged:
        return sentences
    # A sentence's voice can depend on the two sentences either side (an attribution such as
    # "she said" in the next one); with them the answer equals that of the whole document.
    window = sorted({j for i in flagged for j in range(i - _VOICE_CONTEXT, i + _VOICE_CONTEXT + 1)
                     if 0 <= j < len(sentences)})
    voices = dict(zip(window, sentence_voices(text, [sentences[j] for j in window]), strict=True))
    out = list(sentences)
    for i in flagged:
        s, v = sentences[i], voices[i]
        techniques = []
        for t in s.techniques:
            # The strongest evidence, where there is some, says whose words carry the technique.
            words = t.evidence[0] if t.evidence else None
            who = span_voice(text, words.start, words.end, v) if words is not None else v.voice
            # Built field by field, not with dataclasses.replace, which is several times slower.
            techniques.append(TechniqueScore(t.technique, t.score, t.evidence, who,
                                             v.speaker if who == "quoted" else None))
        if keep is not None:
            techniques = [t for t in techniques if t.voice == keep]
        still_flagged = bool(techniques) or (s.unclear and (keep is None or v.voice == keep))
        out[i] = SentenceResult(s.start, s.end, s.text, s.score, tuple(techniques), s.all_scores, still_flagged,
                                s.candidates if still_flagged and not techniques else (), s.kind)
    return out


def _shift(evidence: Sequence[Evidence], offset: int) -> tuple[Evidence, ...]:
    """Sentence-relative evidence spans as document offsets."""
    return tuple(Evidence(e.start + offset, e.end + offset, e.text, e.weight, e.share) for e in evidence)


def _batched(items: Iterator[InputDocument], size: int, chars: int) -> Iterator[list[InputDocument]]:
    """Batches of at most ``size`` documents that stop growing once they hold ``chars`` characters."""
    batch: list[InputDocument] = []
    held = 0
    for item in items:
        batch.append(item)
        held += len(item.text)
        if len(batch) >= size or held >= chars:
            yield batch
            batch, held = [], 0
    if batch:
        yield batch


@lru_cache(maxsize=4)
def cached_detector(source: str, trusted: bool = False) -> Detector:
    """The model at ``source``, loaded once per process (worker processes score with it)."""
    return Detector.load(source, trusted=trusted)


def _score_in_worker(source: str | None, trusted: bool, model: Detector | None, texts: list[str],
                     limits: tuple[float, np.ndarray], explain: bool, top: int,
                     voice: str | None) -> list[list[SentenceResult]]:
    detector = model if model is not None else cached_detector(source, trusted)
    return detector._score_batch(texts, limits, explain, top, voice)
