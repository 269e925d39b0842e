"""Evaluation: a model's decisions on labelled documents against their gold labels."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from .corpus import gold_matrix
from .metrics import EvaluationReport, score_decisions

if TYPE_CHECKING:
    from .corpus import Document
    from .scoring import Detector

__all__ = ["evaluate"]


def evaluate(detector: Detector, documents: Sequence[Document]) -> EvaluationReport:
    """Score the documents' sentence units with ``detector`` and compare with their labels."""
    labels = detector.labels
    gold = gold_matrix(documents, labels)
    flagged, predicted = detector.decide_documents(documents)
    return score_decisions(gold, predicted, labels, flagged=flagged)
