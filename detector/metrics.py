"""Sentence-level metrics: precision, recall and F1 per technique, micro, macro and "any".

Micro averages pool every (sentence, technique) decision; macro averages are the mean over
the techniques that occur in the gold data (a technique the data never uses has no
defined recall, so it would only add noise to the mean).  This module depends on numpy
alone: the model, the command line and the benchmark scripts all use it, and
``format_report`` is the one table formatter for these figures.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

__all__ = ["Scores", "EvaluationReport", "score_decisions", "format_report"]


@dataclass(frozen=True)
class Scores:
    """Precision, recall, F1 and the number of gold positives."""

    precision: float
    recall: float
    f1: float
    support: int

    @classmethod
    def from_counts(cls, tp: int, fp: int, fn: int) -> Scores:
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return cls(precision, recall, f1, tp + fn)

    def to_dict(self) -> dict:
        return {"precision": round(self.precision, 4), "recall": round(self.recall, 4),
                "f1": round(self.f1, 4), "support": self.support}


@dataclass(frozen=True)
class EvaluationReport:
    """Sentence-level figures for a set of decisions against gold labels."""

    sentences: int
    any: Scores
    micro: Scores
    macro: Scores
    techniques: dict[str, Scores] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, data: dict) -> EvaluationReport:
        """The report ``to_dict`` wrote (as kept in a model file's metadata)."""
        return cls(data["sentences"], Scores(**data["any"]), Scores(**data["micro"]), Scores(**data["macro"]),
                   {k: Scores(**v) for k, v in data["techniques"].items()})

    def to_dict(self) -> dict:
        """The JSON shape of ``detector evaluate --json``."""
        return {
            "sentences": self.sentences,
            "any": self.any.to_dict(),
            "micro": self.micro.to_dict(),
            "macro": self.macro.to_dict(),
            "techniques": {t: s.to_dict() for t, s in self.techniques.items()},
        }


def score_decisions(gold: np.ndarray, predicted: np.ndarray, labels: Sequence[str],
                    flagged: np.ndarray | None = None) -> EvaluationReport:
    """Compare 0/1 matrices (sentences x labels) and return the figures.

    ``flagged`` is the model's sentence-level decision; the any-technique figures use it
    (a flagged sentence may list no technique).  Without it a sentence counts as flagged
    when it lists a technique.
    """
    gold = np.asarray(gold, dtype=bool)
    predicted = np.asarray(predicted, dtype=bool)
    tp = (gold & predicted).sum(axis=0)
    fp = (~gold & predicted).sum(axis=0)
    fn = (gold & ~predicted).sum(axis=0)
    per = {label: Scores.from_counts(int(tp[j]), int(fp[j]), int(fn[j])) for j, label in enumerate(labels)}
    gold_any = gold.any(axis=1)
    pred_any = predicted.any(axis=1) if flagged is None else np.asarray(flagged, dtype=bool)
    any_scores = Scores.from_counts(int((gold_any & pred_any).sum()), int((~gold_any & pred_any).sum()),
                                    int((gold_any & ~pred_any).sum()))
    micro = Scores.from_counts(int(tp.sum()), int(fp.sum()), int(fn.sum()))
    present = [s for s in per.values() if s.support > 0]
    macro = Scores(
        float(np.mean([s.precision for s in present])) if present else 0.0,
        float(np.mean([s.recall for s in present])) if present else 0.0,
        float(np.mean([s.f1 for s in present])) if present else 0.0,
        int(sum(s.support for s in present)),
    )
    return EvaluationReport(len(gold), any_scores, micro, macro, per)


def format_report(report: EvaluationReport) -> str:
    """The figures as an aligned plain-text table (``detector train`` and ``evaluate``)."""
    rows = [f"{'':28s} {'precision':>9s} {'recall':>7s} {'f1':>6s} {'support':>8s}"]

    def line(name: str, s: Scores) -> str:
        return f"{name:28s} {s.precision:9.3f} {s.recall:7.3f} {s.f1:6.3f} {s.support:8d}"

    rows += [line(t, s) for t, s in report.techniques.items()]
    rows += ["", line("micro average", report.micro), line("macro average", report.macro),
             line("any technique (sentences)", report.any), f"sentences: {report.sentences}"]
    return "\n".join(rows)
