"""Sentence segmentation with character offsets into the original text.

Punkt (NLTK) finds sentence ends inside a line, using an abbreviation list that ships with
the package, so nothing is downloaded.  Line structure is respected first: a blank line
always ends a sentence, and so does every line break unless the text is hard-wrapped
prose (most lines long and ending mid-sentence), where a single break is only a space.
Offsets are end-exclusive and sentences never include surrounding white space, so
``text[s.start:s.end] == s.text`` and no character is lost or altered.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

_LINE = re.compile(r"[^\n]+")
_PARAGRAPH = re.compile(r"\S(?:.*?\S)?(?=[ \t\r\f\v]*\n\s*\n|\s*\Z)", re.S)
_TERMINAL = tuple(".!?:;\"'”’)]…")


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence of a document: ``text == document[start:end]``."""

    start: int
    end: int
    text: str


@lru_cache(maxsize=1)
def _punkt():
    # Imported here so that commands which never segment (``--help``) stay fast.
    from nltk.tokenize.punkt import PunktParameters, PunktSentenceTokenizer

    params = PunktParameters()
    listing = resources.files("detector").joinpath("data/abbreviations.txt").read_text("utf-8")
    params.abbrev_types = {
        line.strip() for line in listing.splitlines() if line.strip() and not line.startswith("#")
    }
    return PunktSentenceTokenizer(params)


def _is_hard_wrapped(text: str) -> bool:
    """True for prose wrapped at a fixed width, where single line breaks are not sentence ends.

    Wrapped lines (all but the last of each paragraph) are of similar, moderate length and
    mostly stop mid-sentence; one-sentence-per-line text such as PTC articles ends its
    lines with punctuation.
    """
    wrapped: list[str] = []
    for paragraph in re.split(r"\n[ \t\r\f\v]*\n", text):
        lines = [line.rstrip() for line in paragraph.split("\n") if line.strip()]
        wrapped += lines[:-1]
    if len(wrapped) < 3:
        return False
    moderate = [line for line in wrapped if 40 <= len(line) <= 100]
    open_ended = [line for line in moderate if not line.endswith(_TERMINAL)]
    return len(moderate) >= 0.8 * len(wrapped) and len(open_ended) >= 0.5 * len(moderate)


def _blocks(text: str) -> list[tuple[int, int]]:
    """Spans of text that no sentence may cross: lines, or paragraphs of wrapped prose."""
    pattern = _PARAGRAPH if "\n" in text and _is_hard_wrapped(text) else _LINE
    return [(m.start(), m.end()) for m in pattern.finditer(text)]


def split_sentences(text: str) -> list[Sentence]:
    """Split ``text`` into sentences in order, non-overlapping, covering every non-space character."""
    tokenizer = _punkt()
    sentences: list[Sentence] = []
    for block_start, block_end in _blocks(text):
        block = text[block_start:block_end]
        if not block.strip():
            continue
        if not any(c in block for c in ".!?"):
            spans = [(0, len(block))]
        else:
            spans = tokenizer.span_tokenize(block)
        for start, end in spans:
            piece = block[start:end]
            stripped = piece.strip()
            if not stripped:
                continue
            start += len(piece) - len(piece.lstrip())
            end = start + len(stripped)
            sentences.append(Sentence(block_start + start, block_start + end, stripped))
    return sentences
