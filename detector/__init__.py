"""detector: find persuasion and propaganda techniques in text, sentence by sentence.

    from detector import Detector, train, read_corpus
    detector = Detector.load()              # the model shipped with the package
    for sentence in detector.score(text):
        print(sentence.text, [t.technique for t in sentence.techniques])

Heavy modules (scikit-learn, nltk) load on first use, so importing the package is cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = [
    "Detector", "train", "read_corpus", "evaluate", "Document", "LabelledSpan",
    "SentenceResult", "TechniqueScore", "Evidence", "DocumentResult", "DetectorError", "DataError",
    "ModelError", "TECHNIQUES", "TECHNIQUE_IDS", "split_sentences", "__version__",
]

_LAZY = {
    "Detector": "detector.detector",
    "train": "detector.detector",
    "read_corpus": "detector.corpus",
    "Document": "detector.corpus",
    "LabelledSpan": "detector.corpus",
    "evaluate": "detector.evaluation",
    "SentenceResult": "detector.results",
    "TechniqueScore": "detector.results",
    "Evidence": "detector.results",
    "DocumentResult": "detector.results",
    "DetectorError": "detector.errors",
    "DataError": "detector.errors",
    "ModelError": "detector.errors",
    "TECHNIQUES": "detector.taxonomy",
    "TECHNIQUE_IDS": "detector.taxonomy",
    "split_sentences": "detector.segmentation",
}

if TYPE_CHECKING:
    from .corpus import Document, LabelledSpan, read_corpus
    from .detector import Detector, train
    from .errors import DataError, DetectorError, ModelError
    from .evaluation import evaluate
    from .results import DocumentResult, Evidence, SentenceResult, TechniqueScore
    from .segmentation import split_sentences
    from .taxonomy import TECHNIQUE_IDS, TECHNIQUES


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'detector' has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(module), name)
    globals()[name] = value
    return value
