"""Hand-made results for the report views: every case a reader meets, in invented sentences.

Two documents: one with a sentence that uses three techniques (with overlapping evidence),
adjacent flagged sentences, a quoted technique with its speaker, an unclear sentence and
unflagged ones; one with no flagged sentence.  Built by hand, not by a model, so tests and
screenshots show the same page on every run.
"""

from __future__ import annotations

from detector.results import DocumentResult, Evidence, SentenceResult, TechniqueScore
from detector.taxonomy import TECHNIQUE_IDS

TEXT = (
    "Harbour Vote\n"
    "The council met on Tuesday to discuss the harbour plan. "
    "This shameful <plan> is the greatest betrayal our proud town has ever seen! "
    "Only cowards would sign it. "
    '"They will wreck our harbour for good," said Mara Quill, a fisher. '
    "The vote was moved to March.\n"
    "Some residents wonder who really benefits from the deal."
)
MODEL = {"file": "tiny.skops", "sha256": "3f2a9c1d", "version": "0.2.0", "sensitivity": "balanced"}


def _span(sentence: str, words: str) -> tuple[int, int]:
    start = TEXT.index(sentence) + sentence.index(words)
    return start, start + len(words)


def _evidence(sentence: str, words: str, weight: float, share: float) -> Evidence:
    start, end = _span(sentence, words)
    return Evidence(start, end, words, weight, share)


def _scores(**high: float) -> dict[str, float]:
    return {t: high.get(t, round(0.02 + 0.01 * (i % 5), 2)) for i, t in enumerate(TECHNIQUE_IDS)}


def _sentence(text: str, score: float, techniques=(), flagged=False, candidates=(), **high) -> SentenceResult:
    start = TEXT.index(text)
    return SentenceResult(start, start + len(text), text, score, tuple(techniques), _scores(**high), flagged,
                          tuple(candidates))


S_TITLE = "Harbour Vote"
S_PLAIN = "The council met on Tuesday to discuss the harbour plan."
S_MULTI = "This shameful <plan> is the greatest betrayal our proud town has ever seen!"
S_NEXT = "Only cowards would sign it."
S_QUOTE = '"They will wreck our harbour for good," said Mara Quill, a fisher.'
S_LAST = "The vote was moved to March."
S_UNCLEAR = "Some residents wonder who really benefits from the deal."

MULTI = _sentence(S_MULTI, 0.97, (
    TechniqueScore("loaded_language", 0.91, (_evidence(S_MULTI, "shameful", 2.1, 0.4),
                                             _evidence(S_MULTI, "betrayal", 1.2, 0.2)), "author"),
    TechniqueScore("exaggeration", 0.66, (_evidence(S_MULTI, "greatest betrayal", 1.5, 0.3),
                                          _evidence(S_MULTI, "ever seen", 0.8, 0.15)), "author"),
    TechniqueScore("flag_waving", 0.58, (_evidence(S_MULTI, "our proud town", 1.1, 0.25),), "author"),
), loaded_language=0.91, exaggeration=0.66, flag_waving=0.58)
NEXT = _sentence(S_NEXT, 0.88, (
    TechniqueScore("name_calling", 0.84, (_evidence(S_NEXT, "cowards", 2.4, 0.7),), "author"),
), name_calling=0.84)
QUOTE = _sentence(S_QUOTE, 0.81, (
    TechniqueScore("fear_appeal", 0.72, (_evidence(S_QUOTE, "wreck our harbour", 1.7, 0.6),), "quoted", "Mara Quill"),
), fear_appeal=0.72)
UNCLEAR = _sentence(S_UNCLEAR, 0.61, flagged=True, candidates=(
    TechniqueScore("doubt", 0.41), TechniqueScore("unsupported_speculation", 0.33)), doubt=0.41,
    unsupported_speculation=0.33)

RESULTS = [
    DocumentResult("harbour.txt", [
        _sentence(S_TITLE, 0.03), _sentence(S_PLAIN, 0.06), MULTI, NEXT, QUOTE, _sentence(S_LAST, 0.04), UNCLEAR,
    ], TEXT),
    DocumentResult("minutes.txt", [
        SentenceResult(0, 31, "The meeting closed at nine p.m.", 0.05, (), _scores()),
    ], "The meeting closed at nine p.m."),
]
