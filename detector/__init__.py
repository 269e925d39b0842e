"""detector: find persuasion and propaganda techniques in text, sentence by sentence.

    from detector import Detector, train, read_corpus
    detector = Detector.load()              # the model shipped with the package
    for sentence in detector.score(text):
        print(sentence.text, [t.technique for t in sentence.techniques])

Heavy modules (scikit-learn, trafilatura) load on first use, so importing the package is cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.2.0"
#: The name to install the package by (``pip install propaganda-detector``); the import name
#: and the command stay ``detector``.
DISTRIBUTION = "propaganda-detector"

__all__ = [
    "Detector", "train", "train_shipped", "read_corpus", "evaluate", "Document", "LabelledSpan",
    "InputDocument", "find_inputs", "read_inputs", "render", "get_writer",
    "SentenceResult", "TechniqueScore", "Evidence", "DocumentResult", "DocumentInfo", "DetectorError", "DataError",
    "ModelError", "WebPageError", "TECHNIQUES", "TECHNIQUE_IDS", "split_sentences", "DISTRIBUTION", "__version__",
]

_LAZY = {
    "Detector": "detector.scoring",
    "train": "detector.training",
    "train_shipped": "detector.training",
    "InputDocument": "detector.inputs",
    "find_inputs": "detector.inputs",
    "read_inputs": "detector.inputs",
    "render": "detector.writers",
    "get_writer": "detector.writers",
    "read_corpus": "detector.corpus",
    "Document": "detector.corpus",
    "LabelledSpan": "detector.corpus",
    "evaluate": "detector.evaluation",
    "SentenceResult": "detector.results",
    "TechniqueScore": "detector.results",
    "Evidence": "detector.results",
    "DocumentResult": "detector.results",
    "DocumentInfo": "detector.results",
    "DetectorError": "detector.errors",
    "DataError": "detector.errors",
    "ModelError": "detector.errors",
    "WebPageError": "detector.errors",
    "TECHNIQUES": "detector.taxonomy",
    "TECHNIQUE_IDS": "detector.taxonomy",
    "split_sentences": "detector.segmentation",
}

if TYPE_CHECKING:
    from .corpus import Document, LabelledSpan, read_corpus
    from .errors import DataError, DetectorError, ModelError, WebPageError
    from .evaluation import evaluate
    from .inputs import InputDocument, find_inputs, read_inputs
    from .results import DocumentInfo, DocumentResult, Evidence, SentenceResult, TechniqueScore
    from .scoring import Detector
    from .segmentation import split_sentences
    from .taxonomy import TECHNIQUE_IDS, TECHNIQUES
    from .training import train, train_shipped
    from .writers import get_writer, render


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'detector' has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(module), name)
    globals()[name] = value
    return value
