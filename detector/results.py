"""Scoring results: small immutable dataclasses, the shape of every output format."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class TechniqueScore:
    """A technique detected in a sentence, with its probability."""

    technique: str
    score: float


@dataclass(frozen=True, slots=True)
class SentenceResult:
    """One sentence of a scored text.

    ``score`` is the probability that the sentence uses any technique; ``techniques`` lists
    the techniques over their thresholds, so the sentence is flagged exactly when it is not
    empty.  ``all_scores`` holds every technique's probability.
    """

    start: int
    end: int
    text: str
    score: float
    techniques: tuple[TechniqueScore, ...] = ()
    all_scores: dict[str, float] = field(default_factory=dict)

    @property
    def flagged(self) -> bool:
        return bool(self.techniques)

    def to_dict(self, all_scores: bool = False) -> dict:
        """The JSON object of this sentence; ``all_scores`` adds every technique's score."""
        out = {
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "score": round(self.score, 4),
            "techniques": [{"technique": t.technique, "score": round(t.score, 4)} for t in self.techniques],
        }
        if all_scores:
            out["all_scores"] = {k: round(v, 4) for k, v in self.all_scores.items()}
        return out


@dataclass(frozen=True, slots=True)
class DocumentResult:
    """All sentences of one scored document, named by its path or id."""

    document: str
    sentences: list[SentenceResult]

    @property
    def flagged(self) -> int:
        return sum(s.flagged for s in self.sentences)

    def to_dict(self, all_scores: bool = False) -> dict:
        return {"document": self.document, "sentences": [s.to_dict(all_scores) for s in self.sentences]}
