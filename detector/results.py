"""Scoring results: small immutable dataclasses, the shape of every output format."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

__all__ = ["DocumentInfo", "Evidence", "TechniqueScore", "SentenceResult", "DocumentResult", "DocumentSummary"]


@dataclass(frozen=True, slots=True)
class DocumentInfo:
    """Where a document came from, as far as its page says: title, author, date and source.

    Web pages and Markdown files carry it (``source`` is the URL or path read); plain text
    has none (``None`` in place of a ``DocumentInfo``).  Each field is ``None`` when unknown;
    ``date`` is ``YYYY-MM-DD`` when the page gave one.
    """

    title: str | None = None
    author: str | None = None
    date: str | None = None
    source: str | None = None

    def to_dict(self) -> dict[str, str | None]:
        """Every field, ``None`` for unknown ones: the ``metadata`` object of JSON outputs."""
        return {"title": self.title, "author": self.author, "date": self.date, "source": self.source}


@dataclass(frozen=True, slots=True)
class Evidence:
    """Words that pushed a technique's score up: a span of the document and its contribution.

    ``weight`` is the phrase's contribution to the technique's log-odds (before calibration);
    ``share`` is the part, from 0 to 1, of everything the sentence's words pushed towards the
    technique that this phrase carries.  A phrase always holds a content word.
    """

    start: int
    end: int
    text: str
    weight: float
    share: float = 0.0

    def to_dict(self) -> dict:
        return {"start": self.start, "end": self.end, "text": self.text, "weight": round(self.weight, 4),
                "share": round(self.share, 4)}

    # Results cross process boundaries in bulk (parallel scoring); rebuilding them from their
    # fields unpickles about five times faster than the generic state protocol of slotted,
    # frozen dataclasses.
    def __reduce__(self):
        return (Evidence, (self.start, self.end, self.text, self.weight, self.share))


@dataclass(frozen=True, slots=True)
class TechniqueScore:
    """A technique detected in a sentence, with its probability.

    ``evidence`` is ``None`` unless the result was explained (``Detector.explain`` or
    ``score --explain``); then it lists the strongest words behind the score.  ``voice`` says
    who uses the technique: ``"author"`` (the text's own words) or ``"quoted"`` (inside a
    quotation or reported speech), with ``speaker`` when the text names one.
    """

    technique: str
    score: float
    evidence: tuple[Evidence, ...] | None = None
    voice: str | None = None
    speaker: str | None = None

    def __reduce__(self):
        return (TechniqueScore, (self.technique, self.score, self.evidence, self.voice, self.speaker))

    def to_dict(self) -> dict:
        out: dict = {"technique": self.technique, "score": round(self.score, 4)}
        if self.voice is not None:
            out["voice"] = self.voice
            out["speaker"] = self.speaker
        if self.evidence is not None:
            from .taxonomy import get_technique, is_technique

            out["definition"] = get_technique(self.technique).definition if is_technique(self.technique) else ""
            out["evidence"] = [e.to_dict() for e in self.evidence]
        return out


@dataclass(frozen=True, slots=True)
class SentenceResult:
    """One sentence of a scored text.

    ``score`` is the probability that the sentence uses any technique, and ``flagged`` says
    whether that reached the model's threshold.  ``techniques`` lists exactly the techniques
    over their own thresholds (only ever for a flagged sentence).  A flagged sentence may list
    none: it is *unclear*, and ``candidates`` then names its two likeliest techniques with
    their scores, as candidates, not detections.  ``all_scores`` holds every technique's
    probability.  ``kind`` is ``"non-prose"`` for lines that are not the writer's prose
    (bylines, datelines, sharing prompts, photo credits, tag lists, stage notes): they are
    never flagged.
    """

    start: int
    end: int
    text: str
    score: float
    techniques: tuple[TechniqueScore, ...] = ()
    all_scores: dict[str, float] = field(default_factory=dict)
    flagged: bool = False
    candidates: tuple[TechniqueScore, ...] = ()
    kind: str = "prose"

    def __post_init__(self) -> None:
        if self.techniques and not self.flagged:  # a detected technique always flags its sentence
            object.__setattr__(self, "flagged", True)

    @property
    def unclear(self) -> bool:
        """Flagged, but no technique passed its threshold."""
        return self.flagged and not self.techniques

    def __reduce__(self):
        return (SentenceResult, (self.start, self.end, self.text, self.score, self.techniques, self.all_scores,
                                 self.flagged, self.candidates, self.kind))

    def shifted(self, offset: int) -> SentenceResult:
        """The same result with its offsets (and its evidence's) moved by ``offset`` characters."""
        techniques = tuple(
            TechniqueScore(t.technique, t.score, None if t.evidence is None else tuple(
                Evidence(e.start + offset, e.end + offset, e.text, e.weight, e.share) for e in t.evidence),
                t.voice, t.speaker)
            for t in self.techniques
        )
        return SentenceResult(self.start + offset, self.end + offset, self.text, self.score, techniques,
                              self.all_scores, self.flagged, self.candidates, self.kind)

    def to_dict(self, all_scores: bool = False) -> dict:
        """The JSON object of this sentence; ``all_scores`` adds every technique's score."""
        out = {
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "score": round(self.score, 4),
            "kind": self.kind,
            "flagged": self.flagged,
            "techniques": [t.to_dict() for t in self.techniques],
        }
        if self.unclear:
            out["candidates"] = [{"technique": c.technique, "score": round(c.score, 4)} for c in self.candidates]
        if all_scores:
            out["all_scores"] = {k: round(v, 4) for k, v in self.all_scores.items()}
        return out


@dataclass(frozen=True, slots=True)
class DocumentResult:
    """All sentences of one scored document, named by its path or id.

    ``text`` is the document itself when the caller kept it (reports that show the whole
    article use it for the spaces and line breaks between sentences); it is not serialised.
    A very large file is scored in parts: ``offset`` is where this part's ``text`` starts in
    the file, and the sentences' offsets count from the start of the file.  ``metadata`` is
    the document's title, author, date and source when it came from a web page or Markdown
    (``None`` for plain text); offsets then count in the extracted text.
    """

    document: str
    sentences: list[SentenceResult]
    text: str | None = field(default=None, compare=False, repr=False)
    offset: int = field(default=0, compare=False)
    metadata: DocumentInfo | None = None

    @property
    def flagged(self) -> int:
        return sum(s.flagged for s in self.sentences)

    @property
    def continued(self) -> bool:
        """True for a later part of a large file: it continues the result just before it."""
        return self.offset > 0

    def to_dict(self, all_scores: bool = False) -> dict:
        """The JSON object of this document; ``metadata`` appears only when the document has some."""
        out: dict = {"document": self.document}
        if self.metadata is not None:
            out["metadata"] = self.metadata.to_dict()
        out["sentences"] = [s.to_dict(all_scores) for s in self.sentences]
        return out


@dataclass(frozen=True, slots=True)
class DocumentSummary:
    """One document in brief: the shape of every ``--summary`` output.

    ``flagged`` counts flagged sentences, the ``unclear`` ones (flagged, no technique over its
    threshold) included; ``techniques`` holds, commonest first, each detected technique with
    the number of sentences that use it (candidates of unclear sentences are not counted).
    ``metadata`` is the document's title, author, date and source, as in ``DocumentResult``.
    """

    document: str
    sentences: int
    flagged: int
    unclear: int
    techniques: tuple[tuple[str, int], ...] = ()
    metadata: DocumentInfo | None = None

    @classmethod
    def of(cls, result: DocumentResult) -> DocumentSummary:
        """The summary of one result (one part, for a large file scored in parts)."""
        counts = Counter(t.technique for s in result.sentences for t in s.techniques)
        return cls(result.document, len(result.sentences), result.flagged,
                   sum(s.unclear for s in result.sentences), tuple(counts.most_common()), result.metadata)

    def merged(self, part: DocumentSummary) -> DocumentSummary:
        """This summary with a later part of the same document added (the parts share its metadata)."""
        counts = Counter(dict(self.techniques))
        counts.update(dict(part.techniques))
        return DocumentSummary(self.document, self.sentences + part.sentences, self.flagged + part.flagged,
                               self.unclear + part.unclear, tuple(counts.most_common()),
                               self.metadata or part.metadata)

    def to_dict(self) -> dict:
        """The JSON object of this summary; ``metadata`` appears only when the document has some."""
        out = {"document": self.document, "sentences": self.sentences, "flagged": self.flagged,
               "unclear": self.unclear, "techniques": dict(self.techniques)}
        if self.metadata is not None:
            out["metadata"] = self.metadata.to_dict()
        return out
